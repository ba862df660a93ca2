package api

import (
	"time"

	"vaxbook"
	"vaxbook/booking"
)

// The JSON shapes of the API. They are separate from the domain types so that a field
// renamed in Go never silently changes the public contract.

type windowJSON struct {
	Group  *int   `json:"group"` // null: every group (the open period)
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
	Pooled bool   `json:"pooled"`
}

func windowView(w vaxbook.Window) windowJSON {
	v := windowJSON{Opens: w.Opens.Format(time.RFC3339), Closes: w.Closes.Format(time.RFC3339), Pooled: w.Pooled()}
	if !w.Pooled() {
		g := w.Group
		v.Group = &g
	}
	return v
}

type campaignJSON struct {
	ID              int64        `json:"id"`
	Name            string       `json:"name"`
	CohortFrom      string       `json:"cohort_from"`
	CohortTo        string       `json:"cohort_to"`
	VaccinationFrom string       `json:"vaccination_from"`
	VaccinationTo   string       `json:"vaccination_to"`
	SecondDoseDays  int          `json:"second_dose_days"`
	Windows         []windowJSON `json:"windows"`
}

func campaignView(c vaxbook.Campaign) campaignJSON {
	v := campaignJSON{
		ID: c.ID, Name: c.Name, CohortFrom: c.CohortFrom.String(), CohortTo: c.CohortTo.String(),
		VaccinationFrom: c.VaccinationFrom.String(), VaccinationTo: c.VaccinationTo.String(),
		SecondDoseDays: c.SecondDoseDays, Windows: []windowJSON{},
	}
	for _, w := range c.Windows {
		v.Windows = append(v.Windows, windowView(w))
	}
	return v
}

type eligibilityJSON struct {
	Group    int          `json:"group"`
	InCohort bool         `json:"in_cohort"`
	OpenNow  bool         `json:"open_now"`
	Pooled   bool         `json:"pooled"`
	Window   *windowJSON  `json:"window"` // open now or next; null when all closed
	Windows  []windowJSON `json:"windows"`
	Now      string       `json:"now"`
}

func eligibilityView(e booking.Eligibility, now time.Time) eligibilityJSON {
	v := eligibilityJSON{Group: e.Group, InCohort: e.InCohort, OpenNow: e.OpenNow, Pooled: e.Pooled, Windows: []windowJSON{}, Now: now.Format(time.RFC3339)}
	if e.HasWindow {
		w := windowView(e.Window)
		v.Window = &w
	}
	for _, w := range e.Windows {
		v.Windows = append(v.Windows, windowView(w))
	}
	return v
}

type reservationJSON struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	SiteID      int64     `json:"site_id"`
	Date        string    `json:"date"`
	SecondDate  string    `json:"second_date"`
	Status      string    `json:"status"`
	ChangeUntil string    `json:"change_until"` // last instant a change is possible
	CancelUntil string    `json:"cancel_until"`
	CreatedAt   string    `json:"created_at"`
	UpdatedAt   string    `json:"updated_at"`
	Site        *siteJSON `json:"site,omitempty"`
}

func reservationView(r vaxbook.Reservation) reservationJSON {
	return reservationJSON{
		ID: r.ID, CampaignID: r.CampaignID, SiteID: r.SiteID, Date: r.Date.String(),
		SecondDate: r.SecondDate.String(), Status: string(r.Status),
		ChangeUntil: vaxbook.FixAt(r.Date).Add(-time.Second).Format(time.RFC3339),
		CancelUntil: vaxbook.CancelDeadline(r.Date).Add(-time.Second).Format(time.RFC3339),
		CreatedAt:   r.CreatedAt.Format(time.RFC3339), UpdatedAt: r.UpdatedAt.Format(time.RFC3339),
	}
}

type siteJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Province string `json:"province"`
	District string `json:"district"`
	Address  string `json:"address"`
	Kind     string `json:"kind"`
	// Phone is the site's number as people dial it; empty when none was loaded.
	Phone string `json:"phone,omitempty"`
}

func siteView(s vaxbook.Site) siteJSON {
	return siteJSON{ID: s.ID, Name: s.Name, Province: s.Province, District: s.District, Address: s.Address, Kind: s.Kind, Phone: s.Phone}
}

type availabilityJSON struct {
	siteJSON
	Dates []dateJSON `json:"dates"`
}

type dateJSON struct {
	Date      string `json:"date"`
	Remaining int    `json:"remaining"`
}

type sessionJSON struct {
	Verified  bool   `json:"verified"`
	Method    string `json:"method,omitempty"`
	Name      string `json:"name,omitempty"`
	Birth     string `json:"birth,omitempty"`
	Group     *int   `json:"group,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
}
