package queue_test

import (
	"context"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/queue"
)

// TestSetAutoKeepsARateJustSet: an operator's {"rate": R, "auto": false} sets the rate
// and then turns the controller off; turning it off must not write back an older rate.
func TestSetAutoKeepsARateJustSet(t *testing.T) {
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := queue.DefaultConfig()
	clock := vaxbook.NewManualClock(time.Date(2021, 8, 12, 20, 5, 0, 0, vaxbook.Seoul))
	cfg.Signer, cfg.Counters, cfg.Clock = signer, queue.NewMemCounters(), clock
	r, err := queue.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := r.Advance(ctx, clock.Now()); err != nil { // a snapshot at the default rate
		t.Fatal(err)
	}
	if err := r.SetRate(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := r.SetAuto(ctx, false); err != nil {
		t.Fatal(err)
	}
	st, err := cfg.Counters.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rate != 2 || st.Auto {
		t.Errorf("rate %v auto %v, want 2 and off", st.Rate, st.Auto)
	}
}
