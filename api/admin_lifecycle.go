package api

import (
	"errors"
	"net/http"
	"strconv"

	"vaxbook"
	"vaxbook/imports"
	"vaxbook/stats"
)

// maxImport bounds an uploaded CSV file: the national site list is a few MB.
const maxImport = 64 << 20

// adminImport applies an uploaded CSV (sites, capacities, delivery plans, eligible
// counts). The file is validated whole; with any error nothing is applied and the
// answer lists every error with its line.
func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	kind := imports.Kind(r.PathValue("kind"))
	n, err := s.imports.Import(r.Context(), kind, http.MaxBytesReader(w, r.Body, maxImport), id)
	var lines imports.Errors
	if errors.As(err, &lines) {
		out := []string{}
		for _, l := range lines {
			out = append(out, l.Error())
		}
		p := newProblem(vaxbook.CodeInvalidInput, http.StatusUnprocessableEntity, "the file has errors; nothing was applied")
		p.Errors = out
		s.writeProblem(w, p)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, importJSON{Kind: string(kind), Applied: n})
}

// adminStats answers the booking rates against the eligible population, per group,
// province and age band, with bookings per hour: JSON, or CSV with ?format=csv.
func (s *Server) adminStats(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.stats.Report(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="vaxbook-stats-`+strconv.FormatInt(id, 10)+`.csv"`)
		if err := stats.WriteCSV(w, rep); err != nil {
			s.log.Debug("write stats csv", "err", err)
		}
		return
	}
	s.writeJSON(w, http.StatusOK, statsView(rep))
}

// adminOutbox lists notifications by status (dead letters by default), so that an
// operator sees what could not be delivered.
func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.outbox.List(r.Context(), vaxbook.OutboxStatus(r.URL.Query().Get("status")))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, outboxView(msgs))
}

// adminOutboxRetry puts a dead notification back in line.
func (s *Server) adminOutboxRetry(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.outbox.Retry(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, outboxRetryJSON{ID: id, Status: string(vaxbook.OutboxPending)})
}
