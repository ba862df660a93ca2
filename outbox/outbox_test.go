package outbox_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/demo"
	"vaxbook/outbox"
	"vaxbook/storetest/engines"
)

// mustDeadLetter books one reservation in s, whose "booked" message is then claimed and
// fails for good, and returns the clock at that moment.
func mustDeadLetter(t *testing.T, s vaxbook.Store) time.Time {
	t.Helper()
	ctx := t.Context()
	c := demo.Campaign2021()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	day := vaxbook.MustDate("2021-09-06")
	if err := s.PutSites(ctx, []vaxbook.Site{{ID: 1, Name: "종로구보건소", Province: "서울특별시", District: "종로구", Kind: "centre"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacities(ctx, c.ID, []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: 10}}); err != nil {
		t.Fatal(err)
	}
	p := vaxbook.Person{Key: "person-1", Name: "김민준", Birth: vaxbook.MustDate("1985-03-12"), PhoneEnc: []byte("sealed")}
	if err := s.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	g := vaxbook.GroupOf(p.Birth)
	var at time.Time
	for _, w := range c.Windows {
		if w.Group == g {
			at = w.Opens.Add(time.Minute)
		}
	}
	if out := s.Book(ctx, []vaxbook.BookRequest{{CampaignID: c.ID, PersonKey: p.Key, SiteID: 1, Date: day, Group: g, Status: vaxbook.StatusBooked, At: at}}); out[0].Err != nil {
		t.Fatalf("Book: %v", out[0].Err)
	}
	now := at.Add(time.Minute)
	claimed, err := s.ClaimOutbox(ctx, now, time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimOutbox: %d messages, %v; want the booked one", len(claimed), err)
	}
	if err := s.MarkFailed(ctx, vaxbook.OutboxFailure{ID: claimed[0].ID, LastError: "gateway: 503", Next: now, Dead: true}); err != nil {
		t.Fatal(err)
	}
	return now
}

func TestAnOperatorSeesADeadLetterAndSendsItBackOnce(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		now := mustDeadLetter(t, s)
		clock := vaxbook.NewManualClock(now.Add(time.Hour))
		svc := outbox.New(s, audit.New(s, clock, nil), clock)
		dead, err := svc.List(t.Context(), "")
		if err != nil || len(dead) != 1 || dead[0].LastError != "gateway: 503" {
			t.Fatalf("List(dead by default) = %+v, %v; want the failed message", dead, err)
		}
		if err := svc.Retry(t.Context(), dead[0].ID); err != nil {
			t.Fatalf("Retry: %v", err)
		}
		if err := svc.Retry(t.Context(), dead[0].ID); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("Retry of a message no longer dead: %v, want not_found", err)
		}
		if pending, err := svc.List(t.Context(), vaxbook.OutboxPending); err != nil || len(pending) != 1 || pending[0].ID != dead[0].ID {
			t.Errorf("List(pending) = %+v, %v; want the retried message", pending, err)
		}
		es, err := s.AuditLog(t.Context(), 10)
		if err != nil || len(es) != 1 || es[0].Action != outbox.ActionRetry || es[0].Actor != audit.Operator {
			t.Errorf("audit log %+v, %v; want the one retry by the operator", es, err)
		}
	})
}
