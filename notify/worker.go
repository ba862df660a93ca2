package notify

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"vaxbook"
)

// WorkerConfig tunes a Worker. Zero values take the defaults in brackets.
type WorkerConfig struct {
	Batch       int           // rows claimed at once [100]
	Lease       time.Duration // how long a claimed row is held before it comes due again [1 min]
	MaxAttempts int           // attempts before a message is dead [8]
	BaseDelay   time.Duration // backoff after the first failure [10 s]
	MaxDelay    time.Duration // backoff cap [30 min]
	Poll        time.Duration // wait between claims when the outbox is empty [1 s]
}

// Worker moves messages from the outbox to a Sender. Several workers, in one process or
// many, may run against one store: a claim leases rows to one worker. A worker that
// dies after sending but before recording it leaves the row pending; it comes due when
// the lease ends and is sent again with the same idempotency key, which the gateway
// delivers once. So nothing is lost, and nothing reaches a person twice.
type Worker struct {
	store  vaxbook.Outbox
	sender Sender
	clock  vaxbook.Clock
	log    *slog.Logger
	cfg    WorkerConfig
}

// NewWorker returns a worker; log may be nil.
func NewWorker(store vaxbook.Outbox, sender Sender, clock vaxbook.Clock, log *slog.Logger, cfg WorkerConfig) *Worker {
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 10 * time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, sender: sender, clock: clock, log: log, cfg: cfg}
}

// Run sends until ctx ends, claiming again at once after a full batch and after Poll
// otherwise. It returns nil when ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.log.Error("notify: claim", "err", err)
		}
		if n < w.cfg.Batch {
			select {
			case <-time.After(w.cfg.Poll):
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// RunOnce claims one batch and sends it, and returns how many rows it claimed. A row
// whose outcome could not be recorded (ctx ended, the database failed) stays leased and
// comes due again.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	msgs, err := w.store.ClaimOutbox(ctx, w.clock.Now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var sent []int64
	var failed []vaxbook.OutboxFailure
	for _, m := range msgs {
		if ctx.Err() != nil {
			break
		}
		if f, ok := w.send(ctx, m); ok {
			sent = append(sent, m.ID)
		} else if f != nil {
			failed = append(failed, *f)
		}
	}
	// One statement marks the batch: a row per message cost the database as much as
	// the booking that wrote it. A failure here (or a stop before it) sends the batch
	// again under its keys, which the gateway recognises.
	if err := w.store.MarkSent(ctx, sent, w.clock.Now()); err != nil {
		w.log.Warn("notify: mark sent; the messages will be sent again under their keys", "ids", len(sent), "err", err)
	}
	// The failures too: at 20:00 those of residents with no phone on record (a
	// certificate carries none) were a sixth of the batch, each its own transaction.
	// Unmarked, a row comes due again when its lease ends.
	if err := w.store.MarkFailed(ctx, failed...); err != nil {
		w.log.Error("notify: mark failed; the rows come due again when their lease ends", "ids", len(failed), "err", err)
	}
	return len(msgs), nil
}

// send hands m to the sender and reports whether it was accepted; a refusal comes back
// as the failure to record: a later attempt, or dead. Neither when shutting down: the
// lease brings the row back.
func (w *Worker) send(ctx context.Context, m Message) (*vaxbook.OutboxFailure, bool) {
	err := w.sender.Send(ctx, m)
	if err == nil {
		return nil, true
	}
	if ctx.Err() != nil {
		return nil, false
	}
	dead := IsPermanent(err) || m.Attempts >= w.cfg.MaxAttempts
	if dead {
		w.log.Warn("notify: message dead", "id", m.ID, "key", m.IdempotencyKey, "attempts", m.Attempts, "err", err)
	}
	next := w.clock.Now().Add(Backoff(m.Attempts, w.cfg.BaseDelay, w.cfg.MaxDelay))
	return &vaxbook.OutboxFailure{ID: m.ID, LastError: err.Error(), Next: next, Dead: dead}, false
}

// Backoff returns the wait after the attempt-th failure: base doubled per attempt up to
// max, with "equal jitter" (half fixed, half random) so that messages that failed
// together during a gateway outage do not all come back in the same second.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}
