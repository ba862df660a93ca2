package audit_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/storetest/engines"
)

func TestAListingIsItselfAudited(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		clock := vaxbook.NewManualClock(vaxbook.MustDate("2021-08-12").At(9, 0))
		svc := audit.New(s, clock, nil)
		if err := svc.Record(t.Context(), "staff:1", vaxbook.AuditViewAppointments, 0, "2021-08-12, 3 appointments"); err != nil {
			t.Fatalf("Record: %v", err)
		}
		clock.Advance(time.Minute)
		svc.Operated(t.Context(), "outbox_retry", "7")
		clock.Advance(time.Minute)
		es, err := svc.List(t.Context(), 10)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Actor+" "+e.Action)
		}
		want := []string{"operator " + vaxbook.AuditViewLog, "operator outbox_retry", "staff:1 " + vaxbook.AuditViewAppointments}
		if len(got) != len(want) {
			t.Fatalf("listed %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("entry %d is %q, want %q", i, got[i], want[i])
			}
		}
		for _, limit := range []int{0, audit.MaxLimit + 1} {
			if _, err := svc.List(t.Context(), limit); vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
				t.Errorf("List(%d): %v, want invalid_input", limit, err)
			}
		}
	})
}
