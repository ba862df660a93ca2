package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// mustShares returns the ten shares of a site on a date in the fixture's campaign,
// indexed by group. A group the store returns no row for counts as an empty share of
// capacity zero, and so does every group when the store answers CodeNotFound; rows must
// come ordered by group and belong to the site and date asked.
func (f fixture) mustShares(tb testing.TB, siteID int64, d vaxbook.Date) [vaxbook.Groups]vaxbook.Share {
	tb.Helper()
	return mustSharesOf(tb, f.s, f.c.ID, siteID, d)
}

func mustSharesOf(tb testing.TB, s vaxbook.Store, campaignID, siteID int64, d vaxbook.Date) [vaxbook.Groups]vaxbook.Share {
	tb.Helper()
	rows, err := s.Shares(tb.Context(), campaignID, siteID, d)
	if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound {
		rows, err = nil, nil // a site and date with no capacity may be reported either way
	}
	if err != nil {
		tb.Fatalf("Shares(site %d, %s): %v", siteID, d, err)
	}
	var shares [vaxbook.Groups]vaxbook.Share
	for g := range shares {
		shares[g] = vaxbook.Share{SiteID: siteID, Date: d, Group: g}
	}
	last := -1
	for _, r := range rows {
		if r.Group <= last || r.Group >= vaxbook.Groups {
			tb.Fatalf("Shares(site %d, %s): group %d after %d; want groups 0…9 in order", siteID, d, r.Group, last)
		}
		if r.SiteID != siteID || r.Date != d {
			tb.Fatalf("Shares(site %d, %s) returned a share of site %d on %s", siteID, d, r.SiteID, r.Date)
		}
		if r.Booked < 0 || r.Booked > r.Capacity {
			tb.Errorf("share site %d %s group %d: booked %d of capacity %d", siteID, d, r.Group, r.Booked, r.Capacity)
		}
		last = r.Group
		shares[r.Group] = r
	}
	return shares
}

// capacities returns the capacity of each share.
func capacities(shares [vaxbook.Groups]vaxbook.Share) [vaxbook.Groups]int {
	var c [vaxbook.Groups]int
	for g, s := range shares {
		c[g] = s.Capacity
	}
	return c
}

// booked returns the booked count of each share.
func booked(shares [vaxbook.Groups]vaxbook.Share) [vaxbook.Groups]int {
	var b [vaxbook.Groups]int
	for g, s := range shares {
		b[g] = s.Booked
	}
	return b
}

// sum adds up the counts of all groups.
func sum(counts [vaxbook.Groups]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// mustAudit fails the test if the store counts any invariant violation in the campaign,
// or if its active reservations and its share counters disagree in total. It returns the
// audit so that the caller can check the totals against what it booked.
func mustAudit(tb testing.TB, s vaxbook.Store, campaignID int64) vaxbook.Audit {
	tb.Helper()
	a, err := s.Audit(tb.Context(), campaignID)
	if err != nil {
		tb.Fatalf("Audit(%d): %v", campaignID, err)
	}
	if a.Overbooked != 0 || a.DoubleBooked != 0 || a.CounterDrift != 0 || a.ActiveReservations != a.BookedTotal {
		tb.Errorf("Audit(%d) = %+v, want no violations and active reservations = booked total", campaignID, a)
	}
	return a
}

// mustAuditActive runs mustAudit and checks that the campaign holds exactly active
// reservations.
func (f fixture) mustAuditActive(tb testing.TB, active int) {
	tb.Helper()
	if a := mustAudit(tb, f.s, f.c.ID); a.ActiveReservations != active {
		tb.Errorf("Audit: %d active reservations, want %d", a.ActiveReservations, active)
	}
}

// mustActive returns the person's active reservation in the fixture's campaign.
func (f fixture) mustActive(tb testing.TB, personKey string) vaxbook.Reservation {
	tb.Helper()
	r, err := f.s.ActiveReservation(tb.Context(), f.c.ID, personKey)
	if err != nil {
		tb.Fatalf("ActiveReservation(%s): %v", personKey, err)
	}
	return r
}

// wantNoActive fails the test unless the person holds no active reservation.
func (f fixture) wantNoActive(tb testing.TB, personKey string) {
	tb.Helper()
	_, err := f.s.ActiveReservation(tb.Context(), f.c.ID, personKey)
	wantCode(tb, "ActiveReservation("+personKey+")", err, vaxbook.CodeNoReservation)
}

// wantReservation fails the test unless got equals want field by field, instants
// compared with Equal because a store may read them back in another zone.
func wantReservation(tb testing.TB, what string, got, want vaxbook.Reservation) {
	tb.Helper()
	gotT := [2]time.Time{got.CreatedAt, got.UpdatedAt}
	wantT := [2]time.Time{want.CreatedAt, want.UpdatedAt}
	got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want || !gotT[0].Equal(wantT[0]) || !gotT[1].Equal(wantT[1]) {
		tb.Errorf("%s:\n got  %+v created %v updated %v\n want %+v created %v updated %v",
			what, got, gotT[0], gotT[1], want, wantT[0], wantT[1])
	}
}

// reservationFor returns the reservation a successful req should produce, drawn from
// group's share and stamped at req.At.
func reservationFor(id int64, req vaxbook.BookRequest, group int) vaxbook.Reservation {
	return vaxbook.Reservation{
		ID:         id,
		CampaignID: req.CampaignID,
		PersonKey:  req.PersonKey,
		SiteID:     req.SiteID,
		Date:       req.Date,
		SecondDate: req.SecondDate,
		Group:      group,
		Status:     req.Status,
		CreatedAt:  req.At,
		UpdatedAt:  req.At,
	}
}
