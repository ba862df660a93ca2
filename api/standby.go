package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"vaxbook"
)

// The same-day standby list of leftover doses: residents join a site's list for today
// and accept or decline the dose offered to them; clinic staff record a leftover dose
// and see their own site's list. Every rule is in package standby and the store; these
// handlers parse, call and render.

// standbyEntryJSON is a resident's standby entry: where, their place in line, and the
// offer when there is one.
type standbyEntryJSON struct {
	ID            int64     `json:"id"`
	CampaignID    int64     `json:"campaign_id"`
	SiteID        int64     `json:"site_id"`
	Site          *siteJSON `json:"site,omitempty"`
	Date          string    `json:"date"`
	State         string    `json:"state"`
	Position      int       `json:"position,omitempty"`
	JoinedAt      string    `json:"joined_at"`
	OfferedAt     string    `json:"offered_at,omitempty"`
	ExpiresAt     string    `json:"expires_at,omitempty"`
	ReservationID int64     `json:"reservation_id,omitempty"`
}

// standbyView renders e with its site when the site can be read.
func (s *Server) standbyView(r *http.Request, e vaxbook.StandbyEntry) standbyEntryJSON {
	v := standbyEntryJSON{
		ID: e.ID, CampaignID: e.CampaignID, SiteID: e.SiteID, Date: e.Date.String(), State: string(e.State),
		Position: e.Position, JoinedAt: e.JoinedAt.Format(time.RFC3339), ReservationID: e.ReservationID,
	}
	if !e.OfferedAt.IsZero() {
		v.OfferedAt, v.ExpiresAt = e.OfferedAt.Format(time.RFC3339), e.ExpiresAt.Format(time.RFC3339)
	}
	if site, err := s.sites.Site(r.Context(), e.SiteID); err == nil {
		sv := siteView(site)
		v.Site = &sv
	}
	return v
}

// standbyAction is a resident's standby request once its prologue has run: the
// verified resident and the campaign named by the path.
type standbyAction func(w http.ResponseWriter, r *http.Request, res vaxbook.Resident, campaignID int64)

// asStandbyResident runs the prologue the resident's standby routes share — the
// campaign from the path and the verified resident — and answers its error, or calls
// next.
func (s *Server) asStandbyResident(next standbyAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := s.resident(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next(w, r, res, id)
	}
}

// standbyMine answers the resident's standby entry of today in the campaign, or null,
// with the service's today and now, which the page's countdown reads instead of the
// device's clock.
func (s *Server) standbyMine(w http.ResponseWriter, r *http.Request, res vaxbook.Resident, id int64) {
	now := s.clock.Now()
	out := myStandbyJSON{
		Date: vaxbook.DateOf(now).String(), Now: now.Format(time.RFC3339),
		OfferWindowSeconds: int(s.standby.OfferWindow() / time.Second),
	}
	e, err := s.standby.Mine(r.Context(), res, id)
	switch vaxbook.ErrorCode(err) {
	case "":
		v := s.standbyView(r, e)
		out.Entry = &v
	case vaxbook.CodeNotFound:
	default:
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// standbyJoin puts the resident on a site's list for today.
func (s *Server) standbyJoin(w http.ResponseWriter, r *http.Request, res vaxbook.Resident, id int64) {
	var in struct {
		SiteID int64 `json:"site_id"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.standby.Join(r.Context(), res, id, in.SiteID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, s.standbyView(r, e))
}

// standbyLeave takes the resident off today's list; an offer they hold passes on.
func (s *Server) standbyLeave(w http.ResponseWriter, r *http.Request, res vaxbook.Resident, id int64) {
	e, err := s.standby.Leave(r.Context(), res, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.standbyView(r, e))
}

// standbyAccept books the dose offered to the resident and answers the reservation.
func (s *Server) standbyAccept(w http.ResponseWriter, r *http.Request, res vaxbook.Resident, campaignID int64) {
	entryID, err := pathID(r, "entry")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rv, err := s.standby.Accept(r.Context(), res, campaignID, entryID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, s.withSite(r, rv))
}

// standbyDecline gives the offered dose back for the next in line.
func (s *Server) standbyDecline(w http.ResponseWriter, r *http.Request, res vaxbook.Resident, campaignID int64) {
	entryID, err := pathID(r, "entry")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.standby.Decline(r.Context(), res, campaignID, entryID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, s.standbyView(r, e))
}

// standbySiteJSON is a site vaccinating today with its line and free doses.
type standbySiteJSON struct {
	siteJSON
	Waiting int `json:"waiting"`
	Free    int `json:"free"`
}

// standbySites lists the sites that vaccinate today, for a resident choosing where to
// wait. It needs no session: it shows no one's data.
func (s *Server) standbySites(w http.ResponseWriter, r *http.Request) {
	q, err := siteQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	found, err := s.standby.Sites(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]standbySiteJSON, 0, len(found))
	for _, st := range found {
		out = append(out, standbySiteJSON{siteJSON: siteView(st.Site), Waiting: st.Waiting, Free: max(st.Free, 0)})
	}
	s.writeJSON(w, http.StatusOK, standbySitesJSON{Date: s.standby.Today().String(), Sites: out})
}

// standbyLineJSON is a clinic's view of one person in its line: what its appointment
// list shows (name, birth date), never the phone or the person key.
type standbyLineJSON struct {
	Position  int    `json:"position,omitempty"`
	State     string `json:"state"`
	Name      string `json:"name"`
	Birth     string `json:"birth"`
	JoinedAt  string `json:"joined_at"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

// clinicCampaign reads the optional campaign_id query parameter of the clinic's
// standby routes; 0 means the one campaign the site vaccinates in today.
func clinicCampaign(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("campaign_id")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, vaxbook.Errorf(vaxbook.CodeInvalidInput, "campaign_id must be a positive number")
	}
	return n, nil
}

// clinicStandby shows the staff member's own site's standby list of today: the doses,
// the line's length and, in serving order, each person's name and birth date. The
// read is audited before any data leaves.
func (s *Server) clinicStandby(w http.ResponseWriter, r *http.Request, c staffClaims) {
	campaignID, err := clinicCampaign(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	l, err := s.standby.Line(r.Context(), c.SiteID, campaignID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	detail := fmt.Sprintf("%s, %d waiting, %d offered", l.Doses.Date, l.Waiting(), l.Doses.Offered)
	if err := s.recordAudit(r, c.actor(), vaxbook.AuditViewStandby, c.SiteID, detail); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := clinicStandbyJSON{leftoverDosesJSON: dosesView(l)}
	entries := make([]standbyLineJSON, 0, len(l.Entries))
	for _, e := range l.Entries {
		v := standbyLineJSON{Position: e.Position, State: string(e.State), Name: e.PersonName, Birth: e.Birth.String(),
			JoinedAt: e.JoinedAt.Format(time.RFC3339)}
		if !e.ExpiresAt.IsZero() {
			v.ExpiresAt = e.ExpiresAt.Format(time.RFC3339)
		}
		entries = append(entries, v)
	}
	out.Entries = entries
	s.writeJSON(w, http.StatusOK, out)
}

// clinicLeftover records one leftover dose at the staff member's own site today (the
// site comes from the token, never the request) and offers it to the first in line.
// The body is empty or {"campaign_id": n}.
func (s *Server) clinicLeftover(w http.ResponseWriter, r *http.Request, c staffClaims) {
	var in struct {
		CampaignID int64 `json:"campaign_id"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if in.CampaignID < 0 {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "campaign_id must be a positive number"))
		return
	}
	d, err := s.standby.RecordLeftover(r.Context(), c.SiteID, in.CampaignID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.recordAudit(r, c.actor(), vaxbook.AuditRecordLeftover, c.SiteID,
		fmt.Sprintf("%s, released %d, offered %d", d.Date, d.Released, d.Offered)); err != nil {
		// The dose is recorded; the failure to log it is an internal error to look
		// into.
		s.writeError(w, r, err)
		return
	}
	// The line's length comes without names: this answer carries no personal data.
	l, err := s.standby.Line(r.Context(), c.SiteID, d.CampaignID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, dosesView(l))
}
