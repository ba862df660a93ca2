package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/notify"
)

// dyingSender is a worker process that dies after claiming its batch and before
// sending anything: it ends the worker's context and fails.
type dyingSender struct{ die context.CancelFunc }

func (d dyingSender) Send(ctx context.Context, _ notify.Message) error {
	d.die()
	return ctx.Err()
}

// TestACancelledAppointmentIsNeverRemindedAfterACrash plays the ordering of rule 11
// that must not reach a resident: the reservation is fixed and its day-before reminder
// queued; a worker claims the messages and dies; the resident cancels; a new worker
// runs after the lease. The resident gets the cancellation and nothing that says they
// still hold the appointment.
func TestACancelledAppointmentIsNeverRemindedAfterACrash(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		sealer := mustSealer(t)
		r := mustBookings(t, s, sealer, 1)[0]
		if n, err := s.FixBatch(t.Context(), day, day.AddDays(-vaxbook.FixDays).At(0, 1), "Pfizer", 10); err != nil || n != 1 {
			t.Fatalf("FixBatch = %d, %v", n, err)
		}
		remindAt := day.AddDays(-1).At(0, 1)
		if n, err := s.RemindBatch(t.Context(), day, remindAt, 10); err != nil || n != 1 {
			t.Fatalf("RemindBatch = %d, %v", n, err)
		}
		clock := vaxbook.NewManualClock(remindAt.Add(time.Second))
		ctx, die := context.WithCancel(t.Context())
		if n, _ := notify.NewWorker(s, dyingSender{die}, clock, nil, fastConfig()).RunOnce(ctx); n != 3 {
			t.Fatalf("the dying worker claimed %d, want booked, confirmed and reminder", n)
		}
		if _, err := s.Cancel(t.Context(), r.PersonKey, r.ID, clock.Now()); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		clock.Advance(2 * time.Minute) // the dead worker's lease is over
		g, srv := newGateway(t)
		w := notify.NewWorker(s, notify.NewGatewaySender(srv.URL, sealer, notify.GatewayConfig{}), clock, nil, fastConfig())
		if n, err := w.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("the new worker claimed %d (%v), want only the cancellation", n, err)
		}
		d := g.deliveries()
		key := vaxbook.IdempotencyKey(vaxbook.KindCancelled, r.ID)
		if len(d) != 1 || !strings.Contains(d[key].Text, "취소되었습니다") {
			t.Errorf("deliveries = %+v, want only the cancellation under %s", d, key)
		}
		if n, err := w.RunOnce(t.Context()); n != 0 || err != nil {
			t.Errorf("a later run claimed %d (%v), want nothing left", n, err)
		}
	})
}
