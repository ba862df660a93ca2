package api

import (
	"encoding/json"
	"net/http"
	"time"

	"vaxbook"
)

// statusOf maps each error code to its HTTP status. It is the one place where domain
// errors meet HTTP.
var statusOf = map[vaxbook.Code]int{
	vaxbook.CodeInvalidInput:     http.StatusBadRequest,
	vaxbook.CodeUnauthorized:     http.StatusUnauthorized,
	vaxbook.CodePassRequired:     http.StatusUnauthorized,
	vaxbook.CodePassInUse:        http.StatusForbidden,
	vaxbook.CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	vaxbook.CodeForbidden:        http.StatusForbidden,
	vaxbook.CodeDeviceLocked:     http.StatusForbidden,
	vaxbook.CodeNotFound:         http.StatusNotFound,
	vaxbook.CodeNoReservation:    http.StatusNotFound,
	vaxbook.CodeAlreadyBooked:    http.StatusConflict,
	vaxbook.CodeShareFull:        http.StatusConflict,
	vaxbook.CodeConflict:         http.StatusConflict,
	vaxbook.CodeChangeLocked:     http.StatusConflict,
	vaxbook.CodeCancelLocked:     http.StatusConflict,
	vaxbook.CodeNotEligible:      http.StatusUnprocessableEntity,
	vaxbook.CodeWindowClosed:     http.StatusUnprocessableEntity,
	vaxbook.CodeNotBookable:      http.StatusUnprocessableEntity,
	vaxbook.CodeStandbyClosed:    http.StatusUnprocessableEntity,
	vaxbook.CodeOnStandby:        http.StatusConflict,
	vaxbook.CodeNoOffer:          http.StatusConflict,
	vaxbook.CodeOfferExpired:     http.StatusConflict,
	vaxbook.CodeVerifyFailed:     http.StatusUnprocessableEntity,
	vaxbook.CodeCodeMismatch:     http.StatusUnprocessableEntity,
	vaxbook.CodeCodeExpired:      http.StatusUnprocessableEntity,
	vaxbook.CodeVerifyTooSoon:    http.StatusTooManyRequests,
	vaxbook.CodeTooManyAttempts:  http.StatusTooManyRequests,
	vaxbook.CodeRateLimited:      http.StatusTooManyRequests,
	vaxbook.CodeUnavailable:      http.StatusServiceUnavailable,
	vaxbook.CodeInternal:         http.StatusInternalServerError,

	// An operator's campaign edit that would strand reservations conflicts with them.
	vaxbook.CodeStrandsReservations: http.StatusConflict,
}

// Problem is an RFC 9457 problem document with vaxbook's stable code.
type Problem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail"`
	Code    string `json:"code"`
	RetryAt string `json:"retry_at,omitempty"`
	// Errors lists what is at fault when there is more than one thing: the fields of
	// a form ([]fieldErrorJSON) or the lines of an imported file ([]string).
	Errors any `json:"errors,omitempty"`
}

// problemTypeBase prefixes a problem's code to make its type URI.
const problemTypeBase = "https://vaxbook.example/problems/"

// newProblem returns the problem document of code answered with status.
func newProblem(code vaxbook.Code, status int, detail string) Problem {
	return Problem{Type: problemTypeBase + string(code), Title: http.StatusText(status), Status: status, Detail: detail, Code: string(code)}
}

// writeError sends err as problem+json. Internal errors are logged once here, with the
// request's route, and the client sees only a plain sentence.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := vaxbook.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "route", r.Pattern, "err", err)
	}
	p := newProblem(code, status, vaxbook.ErrorMessage(err))
	var e *vaxbook.Error
	if asError(err, &e) && !e.RetryAt.IsZero() {
		p.RetryAt = e.RetryAt.Format(time.RFC3339)
		w.Header().Set("Retry-After", retryAfter(e.RetryAt, s.clock.Now()))
	} else if status == http.StatusServiceUnavailable {
		// A dependency is down (a database restart): come back in a moment.
		w.Header().Set("Retry-After", "2")
	}
	s.writeProblem(w, p)
}

// writeProblem sends p as application/problem+json with its status. Every refusal of
// the API goes out through here.
func (s *Server) writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	if err := json.NewEncoder(w).Encode(p); err != nil {
		s.log.Debug("write problem", "err", err)
	}
}

// writeJSON sends v as JSON with status.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		s.log.Debug("write json", "err", err)
	}
}
