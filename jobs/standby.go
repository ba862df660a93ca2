package jobs

import (
	"context"
	"log/slog"
	"time"

	"vaxbook"
)

// StandbySweeper passes leftover doses on when nobody reads their list: an offer that
// ran out goes to the next person waiting, and a dose free while someone waits is
// offered. Reads and acceptances settle a list as well; the sweep bounds how long a
// dose can sit with an expired offer on a list nobody looks at. It needs no lease:
// every instance may sweep, because the store settles one list at a time under a lock
// and a list already settled is left as it is.
type StandbySweeper struct {
	Store vaxbook.Standby
	Clock vaxbook.Clock
	// OfferWindow is how long the offers the sweep makes last [vaxbook.DefaultOfferWindow].
	OfferWindow time.Duration
	// Every is the time between sweeps [30 s].
	Every time.Duration
	Log   *slog.Logger
}

// Run sweeps until ctx ends and returns nil then.
func (w *StandbySweeper) Run(ctx context.Context) error {
	every := w.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	log := w.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := w.RunOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("jobs: standby sweep", "err", err)
		case n > 0:
			log.Info("jobs: standby lists settled", "lists", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce settles every list that is due now and returns how many it settled.
func (w *StandbySweeper) RunOnce(ctx context.Context) (int, error) {
	return w.Store.SettleStandby(ctx, vaxbook.StandbyTime{Now: w.Clock.Now(), OfferWindow: w.OfferWindow})
}
