package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"vaxbook"
)

// appointmentJSON is what a clinic sees of one appointment: no person key, no phone.
type appointmentJSON struct {
	ID         int64  `json:"id"`
	CampaignID int64  `json:"campaign_id"`
	Date       string `json:"date"`
	SecondDate string `json:"second_date,omitempty"`
	Status     string `json:"status"`
	Name       string `json:"name"`
	Birth      string `json:"birth"`
}

func toAppointmentJSON(a vaxbook.Appointment) appointmentJSON {
	out := appointmentJSON{
		ID: a.ID, CampaignID: a.CampaignID, Date: a.Date.String(), Status: string(a.Status),
		Name: a.PersonName, Birth: a.Birth.String(),
	}
	if !a.SecondDate.IsZero() {
		out.SecondDate = a.SecondDate.String()
	}
	return out
}

// clinicAppointments lists the day's appointments of the staff member's own site, as
// JSON or, with format=csv, as a CSV file. The site comes from the token only. The read
// is audited before any data leaves: if the entry cannot be written, nothing is shown.
func (s *Server) clinicAppointments(w http.ResponseWriter, r *http.Request, c staffClaims) {
	q := r.URL.Query()
	d := vaxbook.DateOf(s.clock.Now())
	if ds := q.Get("date"); ds != "" {
		var err error
		if d, err = vaxbook.ParseDate(ds); err != nil {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "date must be YYYY-MM-DD"))
			return
		}
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "format is json or csv"))
		return
	}
	day, err := s.clinic.Appointments(r.Context(), c.actor(), c.SiteID, d, format == "csv")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list := day.Appointments
	if format == "csv" {
		writeAppointmentsCSV(w, c.SiteID, d, list)
		return
	}
	out := make([]appointmentJSON, 0, len(list))
	for _, a := range list {
		out = append(out, toAppointmentJSON(a))
	}
	body := appointmentsJSON{SiteID: c.SiteID, Date: d.String(), Appointments: out}
	// The site's name and address let the board say whose list it is; a failed look-up
	// only leaves them out.
	if day.Site != nil {
		v := siteView(*day.Site)
		body.Site = &v
	}
	s.writeJSON(w, http.StatusOK, body)
}

// writeAppointmentsCSV sends the list as a CSV file with a header row.
func writeAppointmentsCSV(w http.ResponseWriter, siteID int64, d vaxbook.Date, list []vaxbook.Appointment) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="appointments-%d-%s.csv"`, siteID, d))
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "date", "name", "birth", "status", "second_date"})
	for _, a := range list {
		j := toAppointmentJSON(a)
		cw.Write([]string{strconv.FormatInt(j.ID, 10), j.Date, cellSafe(j.Name), j.Birth, j.Status, j.SecondDate})
	}
	cw.Flush()
}

// cellSafe keeps a spreadsheet from running a name as a formula (CSV injection): a
// cell that starts like a formula gets a leading apostrophe.
func cellSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// clinicAttendance marks one of the site's appointments vaccinated or no-show. Another
// site's reservation answers 404, exactly like a missing one.
func (s *Server) clinicAttendance(w http.ResponseWriter, r *http.Request, c staffClaims) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in struct {
		Status vaxbook.Status `json:"status"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	// A mark whose audit entry cannot be written is committed all the same; the
	// failure is an internal error, and a retry gets a conflict, not a second mark.
	res, err := s.clinic.MarkAttendance(r.Context(), c.actor(), c.SiteID, id, in.Status)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, attendanceJSON{ID: res.ID, Status: string(res.Status), Date: res.Date.String()})
}
