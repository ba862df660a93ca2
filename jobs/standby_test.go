package jobs_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/jobs"
)

func TestStandbySweepPassesAnExpiredOfferToTheNextInLine(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		mustBookings(t, s, 0)
		ctx := t.Context()
		clock := vaxbook.NewManualClock(day.At(10, 0))
		st := vaxbook.StandbyTime{Now: clock.Now(), OfferWindow: 5 * time.Minute}
		for i, key := range []string{"first", "second"} {
			if err := s.PutPerson(ctx, vaxbook.Person{Key: key, Name: key, Birth: vaxbook.MustDate("1985-03-11")}); err != nil {
				t.Fatal(err)
			}
			st.Now = clock.Now().Add(time.Duration(i) * time.Second)
			if _, err := s.JoinStandby(ctx, vaxbook.StandbyEntry{CampaignID: 1, SiteID: 1, PersonKey: key, Date: day}, st); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.RecordLeftover(ctx, 1, 1, day, vaxbook.StandbyTime{Now: clock.Now(), OfferWindow: 5 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		w := &jobs.StandbySweeper{Store: s, Clock: clock, OfferWindow: 5 * time.Minute}
		if n, err := w.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("sweep within the window = %d, %v; want nothing to do", n, err)
		}
		clock.Advance(5 * time.Minute)
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("sweep after the window = %d, %v; want one list settled", n, err)
		}
		// The first person's offer ran out unsent: its text went with it.
		if got := countKind(t, s, vaxbook.KindStandbyOffer); got != 1 {
			t.Errorf("%d pending offer messages, want 1 (the second person's)", got)
		}
		l, err := s.StandbyLine(ctx, 1, 1, day, vaxbook.StandbyTime{Now: clock.Now(), OfferWindow: 5 * time.Minute})
		if err != nil || len(l.Entries) != 1 || l.Entries[0].PersonKey != "second" || l.Entries[0].State != vaxbook.StandbyOffered ||
			!l.Entries[0].ExpiresAt.Equal(clock.Now().Add(5*time.Minute)) {
			t.Errorf("line after the sweep = %+v, %v; want second offered for 5 minutes", l.Entries, err)
		}
	})
}
