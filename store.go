package vaxbook

import (
	"context"
	"time"
)

// Store is the system of record. It has two implementations, sqlite and postgres, and
// one conformance suite (package storetest) that both pass. It is made of named
// capabilities so that each consumer can take the narrowest one it uses; both engines
// implement every capability, which the compiler checks in each engine package, so no
// caller ever asks a store at run time whether it has one.
//
// Errors are *Error values with the domain codes (CodeNotFound, CodeShareFull,
// CodeAlreadyBooked, …); driver errors never escape unwrapped as user-facing text.
type Store interface {
	Campaigns
	CampaignEditor
	Sites
	Sheets
	Persons
	Sessions
	Bookings
	Auditor
	Standby
	Clinics
	StaffSessions
	Outbox
	OutboxPruner
	Jobs
	Population

	// Close releases the store's resources.
	Close() error
}

// Campaigns creates and reads campaigns.
type Campaigns interface {
	// CreateCampaign inserts c with its windows and sets c.ID.
	CreateCampaign(ctx context.Context, c *Campaign) error
	// Campaign returns the campaign with the id, or CodeNotFound.
	Campaign(ctx context.Context, id int64) (Campaign, error)
	// Campaigns lists every campaign by id.
	Campaigns(ctx context.Context) ([]Campaign, error)
}

// Sites stores the vaccination sites, their capacities split into group shares, and
// answers the search for places.
type Sites interface {
	// PutSites inserts or updates sites by ID.
	PutSites(ctx context.Context, sites []Site) error
	// Site returns the site with the id, or CodeNotFound.
	Site(ctx context.Context, id int64) (Site, error)
	// SetCapacities sets the bookable quantity of each site and date in a campaign and
	// splits it into group shares with SplitShares and the campaign's weights. A
	// quantity lower than what is already booked in a share is refused with
	// CodeConflict, and nothing is applied.
	SetCapacities(ctx context.Context, campaignID int64, caps []Capacity) error
	// Shares returns the shares of a site on a date, ordered by group.
	Shares(ctx context.Context, campaignID, siteID int64, d Date) ([]Share, error)
	// SearchSites returns sites matching q, by ID, with remaining places per date.
	SearchSites(ctx context.Context, q SiteQuery) ([]SiteAvailability, error)
}

// Sheets feeds an in-memory copy of a campaign's places (booking.Sheets), which answers
// the searches of the surge without a database round trip: a paged read of the whole
// sheet, and a feed of the reservations made since, by ID.
type Sheets interface {
	// ShareSheet returns up to limit sites after afterSiteID that have shares in the
	// campaign, by ID, each with all its shares ordered by date and group: a page of
	// the campaign's sheet of places, which SearchSheet answers searches from as
	// SearchSites does.
	ShareSheet(ctx context.Context, campaignID, afterSiteID int64, limit int) ([]SiteShares, error)
	// PlacesTaken returns, by ID, up to limit reservations of any campaign whose ID is
	// above afterID or among also: the share each drew its place from, and whether it
	// still holds it.
	PlacesTaken(ctx context.Context, afterID int64, also []int64, limit int) ([]PlaceTaken, error)
	// LastReservationID returns the highest reservation ID given so far (0 for none).
	LastReservationID(ctx context.Context) (int64, error)
}

// Persons stores verified persons by key.
type Persons interface {
	// PutPerson inserts or updates a verified person by key.
	PutPerson(ctx context.Context, p Person) error
	// Person returns the person with the key, or CodeNotFound.
	Person(ctx context.Context, key string) (Person, error)
}

// Sessions binds devices to verified persons: sign-in, the read of every signed-in
// request, and sign-out.
type Sessions interface {
	// SessionPerson returns the live session with the id hash and its person, in one
	// read: every signed-in request needs both. CodeNotFound when there is none or it
	// has expired at now.
	SessionPerson(ctx context.Context, idHash string, now time.Time) (Session, Person, error)
	// EndSession makes the session expire at at (sign-out); a session that does not
	// exist is no error.
	EndSession(ctx context.Context, idHash string, at time.Time) error
	// SignIn stores each request's verified person and binds them to its session,
	// creating the session when the device had none: one error per request, in order,
	// each request all or nothing, one's failure never affecting another's, and
	// requests applied as if one after another (FoldSignIns). A person without
	// PhoneEnc keeps the stored one: a certificate carries no phone number. It is how
	// every verification ends; the batch shape lets a surge of sign-ins share one
	// commit (batch.Sessions gathers them).
	SignIn(ctx context.Context, reqs []SignInRequest) []error
}

// Booker performs booking requests: each in its own all-or-nothing unit, one result per
// request, in order; one request's failure never affects another's. The batch shape lets
// an implementation commit many bookings in one transaction. Every store is one; a group
// committer (batch.Committer) and the metrics' counting wrapper stand in front of one.
type Booker interface {
	Book(ctx context.Context, reqs []BookRequest) []BookResult
}

// Bookings books, changes and cancels reservations in shares.
type Bookings interface {
	Booker
	// Change atomically cancels the active reservation req.OldID and books req.New; if
	// the new place cannot be had the old reservation is left untouched. The old
	// reservation's unsent messages are withdrawn (HoldingMessageKeys) and it records
	// the new one as its replacement.
	Change(ctx context.Context, req ChangeRequest) (Reservation, error)
	// Cancel cancels an active reservation of the person, returns its place to its
	// share and withdraws its unsent messages (HoldingMessageKeys), in the transaction
	// that writes its "cancelled" message. CodeNoReservation if there is none with that
	// id for the person.
	Cancel(ctx context.Context, personKey string, reservationID int64, at time.Time) (Reservation, error)
	// ActiveReservation returns the person's active reservation in the campaign, or
	// CodeNoReservation.
	ActiveReservation(ctx context.Context, campaignID int64, personKey string) (Reservation, error)
}

// Auditor checks a campaign's booking invariants from the rows themselves. It is named
// for what it does because Audit is the name of its result.
type Auditor interface {
	// Audit counts invariant violations in a campaign from the rows themselves.
	Audit(ctx context.Context, campaignID int64) (Audit, error)
}

// BookRequest asks for a place at a site on a date. The caller has already checked the
// rules that need no storage (cohort, window, date); the store enforces the ones that
// need the rows (a place left, one active reservation per person) atomically.
type BookRequest struct {
	CampaignID int64
	PersonKey  string
	SiteID     int64
	Date       Date
	SecondDate Date
	// Group is the person's rotation group. When Pooled is false the place must come
	// from that group's share; when true, from the group's own share if it has room,
	// else from any other group's share at the same site and date.
	Group  int
	Pooled bool
	Status Status // StatusBooked, or StatusConfirmed inside the 14 days
	At     time.Time
}

// BookResult is the outcome of one BookRequest: the reservation, or an *Error with
// CodeShareFull, CodeAlreadyBooked, CodeNotBookable (no such share) or an internal error.
type BookResult struct {
	Reservation Reservation
	Err         error
}

// ChangeRequest moves a person's active reservation OldID to the place in New.
type ChangeRequest struct {
	OldID int64
	New   BookRequest
}

// Audit is the result of counting invariant violations from the rows. Every field is
// zero in a healthy store.
type Audit struct {
	// Overbooked counts shares whose active reservations exceed their capacity.
	Overbooked int
	// DoubleBooked counts persons with more than one active reservation.
	DoubleBooked int
	// CounterDrift counts shares whose booked counter differs from their active rows.
	CounterDrift int
	// ActiveReservations and BookedTotal are the totals compared.
	ActiveReservations int
	BookedTotal        int
}
