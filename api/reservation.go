package api

import (
	"context"
	"net/http"

	"vaxbook"
)

// placeJSON is the body of a booking or a change: where and when.
type placeJSON struct {
	SiteID int64  `json:"site_id"`
	Date   string `json:"date"`
}

// me answers the resident's standing in a campaign: group, window, open now and the
// active reservation if any.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
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
	e, err := s.booking.Eligibility(r.Context(), id, res.Person.Birth)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := meJSON{Eligibility: eligibilityView(e, s.clock.Now())}
	rv, err := s.booking.Reservation(r.Context(), res, id)
	switch vaxbook.ErrorCode(err) {
	case "":
		v := s.withSite(r, rv)
		out.Reservation = &v
	case vaxbook.CodeNoReservation:
	default:
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

// withSite renders a reservation with its site when the site can be read.
func (s *Server) withSite(r *http.Request, rv vaxbook.Reservation) reservationJSON {
	v := reservationView(rv)
	if site, err := s.sites.Site(r.Context(), rv.SiteID); err == nil {
		sv := siteView(site)
		v.Site = &sv
	}
	return v
}

// place parses the campaign id and the place of a booking or change request.
func place(w http.ResponseWriter, r *http.Request) (int64, placeJSON, vaxbook.Date, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, placeJSON{}, vaxbook.Date{}, err
	}
	var p placeJSON
	if err := decode(w, r, &p); err != nil {
		return 0, p, vaxbook.Date{}, err
	}
	if p.SiteID <= 0 {
		return 0, p, vaxbook.Date{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "site_id must be a positive number")
	}
	d, err := vaxbook.ParseDate(p.Date)
	return id, p, d, err
}

// placeAction is the shape of booking and change: a verified resident names a place.
type placeAction func(ctx context.Context, r vaxbook.Resident, campaignID, siteID int64, d vaxbook.Date) (vaxbook.Reservation, error)

// withPlace serves a booking or a change: parse the resident and the place, act, and
// answer with the reservation and status.
func (s *Server) withPlace(status int, act placeAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		res, err := s.resident(r)
		if err == nil {
			err = s.passOfResident(r, res)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		id, p, d, err := place(w, r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rv, err := act(r.Context(), res, id, p.SiteID, d)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if pass, expires := s.passPlace(r); pass != "" {
			// The booking is made: its pass verifies nobody from now on. A failure
			// here leaves the pass bound to this person, which already stops a resale.
			if err := s.signin.Booked(r.Context(), pass, expires, s.clock.Now()); err != nil {
				s.log.Warn("end pass after booking", "err", err)
			}
		}
		s.writeJSON(w, status, s.withSite(r, rv))
	}
}

// ownAction is the shape of reading and cancelling: the resident's own reservation.
type ownAction func(ctx context.Context, r vaxbook.Resident, campaignID int64) (vaxbook.Reservation, error)

// withOwn serves a read or a cancel of the resident's own reservation.
func (s *Server) withOwn(act ownAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := s.resident(r)
		if err == nil {
			err = s.passOfResident(r, res)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rv, err := act(r.Context(), res, id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.writeJSON(w, http.StatusOK, s.withSite(r, rv))
	}
}

// passOfResident refuses a request whose waiting-room pass is bound to another person:
// a pass admits only the person who first verified with it. Reading one's own
// reservation needs no pass, so a read costs no look-up in the shared state.
func (s *Server) passOfResident(r *http.Request, res vaxbook.Resident) error {
	if r.Method == http.MethodGet {
		return nil
	}
	place, _ := s.passPlace(r)
	return s.signin.PassHolder(r.Context(), place, res.Person.Key)
}
