package api

import (
	"time"

	"vaxbook"
	"vaxbook/congestion"
	"vaxbook/queue"
	"vaxbook/stats"
)

// The bodies of the API's 2xx answers that are not one domain value (those are in
// view.go). Each matches the schema of its operation in openapi.yaml; the contract test
// (contract_test.go) validates every answer the tests provoke against it.

// healthJSON is /healthz's answer.
type healthJSON struct {
	Status string `json:"status"`
}

// campaignsJSON lists the campaigns.
type campaignsJSON struct {
	Campaigns []campaignJSON `json:"campaigns"`
}

// sitesJSON is a page of the site search.
type sitesJSON struct {
	Sites []availabilityJSON `json:"sites"`
}

// meJSON is a resident's eligibility and active reservation, null when none.
type meJSON struct {
	Eligibility eligibilityJSON  `json:"eligibility"`
	Reservation *reservationJSON `json:"reservation"`
}

// lightsJSON is one congestion light per verification method.
type lightsJSON struct {
	Methods []congestion.Light `json:"methods"`
}

// phoneSentJSON tells where the one-time code went and until when it holds.
type phoneSentJSON struct {
	Phone     string `json:"phone"`
	ExpiresAt string `json:"expires_at"`
}

// challengeJSON is a certificate challenge to sign.
type challengeJSON struct {
	Challenge string `json:"challenge"`
	ExpiresAt string `json:"expires_at"`
}

// queueStatusJSON is a ticket's place in the waiting room. Joined and Kept are set
// only in the answer to a join.
type queueStatusJSON struct {
	Joined     *bool   `json:"joined,omitempty"`
	Kept       *bool   `json:"kept,omitempty"`
	Position   uint64  `json:"position"`
	Waiting    uint64  `json:"waiting"`
	Admitted   bool    `json:"admitted"`
	ClaimBy    string  `json:"claim_by,omitempty"`
	WaitMinS   int     `json:"wait_min_s"`
	WaitMaxS   int     `json:"wait_max_s"`
	Rate       float64 `json:"rate"`
	Paused     bool    `json:"paused"`
	PreOpening bool    `json:"pre_opening"`
	OpensAt    string  `json:"opens_at,omitempty"`
	PollAfterS float64 `json:"poll_after_s"`
}

func statusView(st queue.Status) queueStatusJSON {
	v := queueStatusJSON{
		Position: st.Position, Waiting: st.Waiting, Admitted: st.Admitted,
		WaitMinS: int(st.WaitMin.Seconds()), WaitMaxS: int(st.WaitMax.Seconds() + 0.999),
		Rate: st.Rate, Paused: st.Paused, PreOpening: st.PreOpening, PollAfterS: st.PollAfter.Seconds(),
	}
	if !st.ClaimBy.IsZero() {
		v.ClaimBy = st.ClaimBy.Format(time.RFC3339)
	}
	if !st.OpensAt.IsZero() {
		v.OpensAt = st.OpensAt.Format(time.RFC3339)
	}
	return v
}

// queueNotedJSON answers a device's first join: no place yet, come back at ConfirmAt.
type queueNotedJSON struct {
	Joined    bool   `json:"joined"`
	ConfirmAt string `json:"confirm_at"`
}

// claimJSON answers a claimed pass (the pass itself is a cookie).
type claimJSON struct {
	Admitted bool               `json:"admitted"`
	Methods  []congestion.Light `json:"methods"`
}

// openingJSON is a recorded opening with its shuffle seed.
type openingJSON struct {
	At   string `json:"at"`
	Lo   uint64 `json:"lo"`
	Hi   uint64 `json:"hi"`
	Seed string `json:"seed"`
}

// openingsJSON lists the published openings.
type openingsJSON struct {
	Openings []openingJSON `json:"openings"`
}

func openingsView(st queue.Stats) openingsJSON {
	out := openingsJSON{Openings: []openingJSON{}}
	for _, o := range st.Openings {
		out.Openings = append(out.Openings, openingJSON{At: o.At.Format(time.RFC3339), Lo: o.Lo, Hi: o.Hi, Seed: o.Seed})
	}
	return out
}

// queueStatsJSON is the operators' view of the waiting room.
type queueStatsJSON struct {
	Issued       uint64  `json:"issued"`
	Head         uint64  `json:"head"`
	Waiting      uint64  `json:"waiting"`
	Active       int     `json:"active"`
	MaxActive    int     `json:"max_active"`
	Pruned       uint64  `json:"pruned"`
	Rate         float64 `json:"rate"`
	MeasuredRate float64 `json:"measured_rate"`
	Auto         bool    `json:"auto"`
	Paused       bool    `json:"paused"`
	Held         bool    `json:"held"`
	NextOpening  string  `json:"next_opening,omitempty"`
}

func queueStatsView(st queue.Stats) queueStatsJSON {
	v := queueStatsJSON{
		Issued: st.Issued, Head: st.Head, Waiting: st.Waiting, Active: st.Active, MaxActive: st.MaxActive,
		Pruned: st.Pruned, Rate: st.Rate, MeasuredRate: st.Measured, Auto: st.Auto, Paused: st.Paused, Held: st.Held,
	}
	if !st.NextOpening.IsZero() {
		v.NextOpening = st.NextOpening.Format(time.RFC3339)
	}
	return v
}

// importJSON answers an applied import.
type importJSON struct {
	Kind    string `json:"kind"`
	Applied int    `json:"applied"`
}

// statsView is rep with empty lists as [] rather than null, as the document promises
// arrays: a campaign with no eligible counts or bookings yet has neither.
func statsView(rep stats.Report) stats.Report {
	if rep.Rates == nil {
		rep.Rates = []stats.Rate{}
	}
	if rep.Hourly == nil {
		rep.Hourly = []stats.Hour{}
	}
	return rep
}

// outboxMessageJSON is an operator's view of one notification (no phone, no payload).
type outboxMessageJSON struct {
	ID             int64  `json:"id"`
	Kind           string `json:"kind"`
	ReservationID  int64  `json:"reservation_id"`
	Status         string `json:"status"`
	Attempts       int    `json:"attempts"`
	LastError      string `json:"last_error"`
	IdempotencyKey string `json:"idempotency_key"`
	CreatedAt      string `json:"created_at"`
	NextAttemptAt  string `json:"next_attempt_at"`
}

// outboxJSON lists notifications.
type outboxJSON struct {
	Messages []outboxMessageJSON `json:"messages"`
}

func outboxView(msgs []vaxbook.OutboxMessage) outboxJSON {
	out := outboxJSON{Messages: []outboxMessageJSON{}}
	for _, m := range msgs {
		out.Messages = append(out.Messages, outboxMessageJSON{
			ID: m.ID, Kind: string(m.Kind), ReservationID: m.ReservationID, Status: string(m.Status),
			Attempts: m.Attempts, LastError: m.LastError, IdempotencyKey: m.IdempotencyKey,
			CreatedAt: m.CreatedAt.Format(time.RFC3339), NextAttemptAt: m.NextAttemptAt.Format(time.RFC3339),
		})
	}
	return out
}

// outboxRetryJSON answers a notification put back in line.
type outboxRetryJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// auditEntryJSON is one entry of the audit log.
type auditEntryJSON struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	SiteID int64  `json:"site_id"`
	Detail string `json:"detail"`
}

// auditJSON lists audit entries, newest first.
type auditJSON struct {
	Entries []auditEntryJSON `json:"entries"`
}

func auditView(entries []vaxbook.AuditEntry) auditJSON {
	out := auditJSON{Entries: make([]auditEntryJSON, 0, len(entries))}
	for _, e := range entries {
		out.Entries = append(out.Entries, auditEntryJSON{
			ID: e.ID, At: e.At.Format(time.RFC3339), Actor: e.Actor, Action: e.Action, SiteID: e.SiteID, Detail: e.Detail,
		})
	}
	return out
}

// staffAccountJSON answers a saved staff account. TOTPSecret and TOTPURI carry a new
// second-factor key, shown this once.
type staffAccountJSON struct {
	Login         string `json:"login"`
	SiteID        int64  `json:"site_id"`
	TOTP          bool   `json:"totp"`
	TOTPSecret    string `json:"totp_secret,omitempty"`
	TOTPURI       string `json:"totp_uri,omitempty"`
	SessionsEnded bool   `json:"sessions_ended"`
}

// staffAccessJSON is whether a staff account may sign in, and since when its earlier
// sessions are refused.
type staffAccessJSON struct {
	Login             string `json:"login"`
	SiteID            int64  `json:"site_id"`
	Disabled          bool   `json:"disabled"`
	SessionsRevokedAt string `json:"sessions_revoked_at"`
}

// staffLoginJSON names the signed-in staff member and their site.
type staffLoginJSON struct {
	StaffID   int64  `json:"staff_id"`
	SiteID    int64  `json:"site_id"`
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
}

// appointmentsJSON is a site's day list. Site is left out when it cannot be read.
type appointmentsJSON struct {
	SiteID       int64             `json:"site_id"`
	Date         string            `json:"date"`
	Site         *siteJSON         `json:"site,omitempty"`
	Appointments []appointmentJSON `json:"appointments"`
}

// attendanceJSON is a reservation with the status a clinic just marked.
type attendanceJSON struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Date   string `json:"date"`
}

// myStandbyJSON is a resident's standby entry of today, null when none, with the
// service's today and now for the offer's countdown.
type myStandbyJSON struct {
	Date               string            `json:"date"`
	Now                string            `json:"now"`
	OfferWindowSeconds int               `json:"offer_window_seconds"`
	Entry              *standbyEntryJSON `json:"entry"`
}

// standbySitesJSON lists the sites vaccinating today.
type standbySitesJSON struct {
	Date  string            `json:"date"`
	Sites []standbySiteJSON `json:"sites"`
}

// leftoverDosesJSON is a site's leftover doses of the day and the length of its line.
type leftoverDosesJSON struct {
	CampaignID int64  `json:"campaign_id"`
	SiteID     int64  `json:"site_id"`
	Date       string `json:"date"`
	Released   int    `json:"released"`
	Offered    int    `json:"offered"`
	Accepted   int    `json:"accepted"`
	Free       int    `json:"free"`
	Waiting    int    `json:"waiting"`
}

func dosesView(l vaxbook.StandbyLine) leftoverDosesJSON {
	d := l.Doses
	return leftoverDosesJSON{
		CampaignID: d.CampaignID, SiteID: d.SiteID, Date: d.Date.String(),
		Released: d.Released, Offered: d.Offered, Accepted: d.Accepted, Free: d.Free(), Waiting: l.Waiting(),
	}
}

// clinicStandbyJSON is a clinic's view of its standby list: the doses and the people
// in serving order.
type clinicStandbyJSON struct {
	leftoverDosesJSON
	Entries []standbyLineJSON `json:"entries"`
}
