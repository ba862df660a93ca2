package queue

import (
	"context"
	"errors"
	"time"
)

// ErrLost is returned by Counters when they hold no state: never initialised, or Redis
// restarted empty. The Room answers it by calling Restore with the last state it saw
// and trying again, so the line goes on where it was.
var ErrLost = errors.New("queue: counters lost")

// Counters are the few numbers a queue shares between instances. Nothing in them grows
// with the number of people waiting: the active set grows only with the number of
// admitted people still active, which Advance bounds by MaxActive. In-process
// implementation: MemCounters; shared one: redis.QueueCounters. Both pass
// queuetest.Run.
type Counters interface {
	// Issue atomically takes the next sequence number (1, 2, …). ErrLost if the
	// counters hold no state.
	Issue(ctx context.Context, now time.Time) (uint64, error)
	// Advance atomically brings the queue to now (see AdvanceParams) and returns the
	// state after it. It is idempotent: calls with an instant at or before the last
	// one admit nobody, so every instance may call it on its own ticker. ErrLost if
	// the counters hold no state.
	Advance(ctx context.Context, now time.Time, p AdvanceParams) (State, error)
	// State returns the current state without changing it. ErrLost if none.
	State(ctx context.Context) (State, error)
	// Restore initialises empty counters from s (issued, head, rate, auto, paused and
	// the recorded openings) and does nothing when they already hold state. Every
	// other method but Touch, Done and TryLead returns ErrLost until it is called.
	Restore(ctx context.Context, s State, now time.Time) error
	// Raise lifts issued to at least issued and head to at least head (but never past
	// issued). Tickets and passes presented after a loss call it.
	Raise(ctx context.Context, issued, head uint64) error
	// SetRate sets the admission rate (per second) and whether the controller owns it,
	// and clears the admission window: the controller sets it again.
	SetRate(ctx context.Context, rate float64, auto bool) error
	// AdjustRate sets the rate and the admission window (State.Window) only while Auto
	// is on, so that the controller never overrides an operator who has just taken the
	// rate in hand.
	AdjustRate(ctx context.Context, rate float64, window int) error
	// SetPaused pauses or resumes admission.
	SetPaused(ctx context.Context, paused bool) error
	// Touch marks the admitted person with order key key as active at now (adding them
	// back if they were pruned for idleness).
	Touch(ctx context.Context, key uint64, now time.Time) error
	// Done takes the admitted person with order key key out of the active set: they
	// have booked, so they no longer hold a place in the admission window and the next
	// Advance may give it to someone waiting. A later Touch adds them back.
	Done(ctx context.Context, key uint64) error
	// TryLead takes or renews the lease of the controller for ttl and reports whether
	// instance holds it.
	TryLead(ctx context.Context, instance string, now time.Time, ttl time.Duration) (bool, error)
}

// AdvanceParams are what the Room tells Advance on every tick.
type AdvanceParams struct {
	// MaxActive bounds the admitted people still active; 0 means no bound. Admission
	// stops while the active count is at or above it. Advance counts everyone it admits
	// as active from that instant (their key enters the active set), so that people
	// admitted but yet to claim hold a place until Idle passes without a request.
	MaxActive int
	// Hold stops admission (no booking window is open and HoldWhenClosed is on).
	Hold bool
	// Idle is how long an admitted person may stay silent before they stop counting
	// as active.
	Idle time.Duration
	// Openings are the opening instants at or before now that should be recorded, each
	// with a fresh random seed. An opening already recorded keeps its first seed.
	Openings []Opening
	// Samples is how many (time, head) samples to keep, one per second at most.
	Samples int
	// MaxStep bounds the time one call may admit for, so that a queue whose instances
	// were all stopped does not admit a burst when one comes back.
	MaxStep time.Duration
}

// State is a snapshot of the counters.
type State struct {
	Issued uint64 // the last sequence number issued
	Head   uint64 // admitted are the order keys 1…Head
	Carry  float64
	Rate   float64 // admissions per second
	Auto   bool    // the controller sets the rate
	// Window is the admission window the controller set: while Auto, at most this
	// many admitted people may be active at once (besides MaxActive); 0 is none. It is
	// not restored after a loss: the controller sets it again within a second.
	Window int
	Paused bool
	Last   time.Time // the instant of the last Advance
	Active int       // admitted people seen within Idle
	// Pruned counts the admitted people the idle timeout has taken out of the active
	// set since the counters were made or restored: those who left without booking.
	// Its growth over the last Idle (PrunedOver) tells the controller how many places
	// they hold (see Controller.Window). It is not restored after a loss.
	Pruned uint64
	// Samples are (time, head, issued, pruned) at least a second apart, oldest first.
	Samples []Sample
	// Openings are the recorded openings, by instant.
	Openings []Opening
}

// Sample is the head, issued and pruned counters at an instant.
type Sample struct {
	At                   time.Time
	Head, Issued, Pruned uint64
}

// PrunedOver returns the people the idle timeout took out over the last d before the
// last Advance: the growth of Pruned since the latest sample at or before that start
// (or since the oldest, when the samples are younger). Samples are cleared with the
// counters, so a restore never counts from an older life.
func (s State) PrunedOver(d time.Duration) uint64 {
	if len(s.Samples) == 0 {
		return 0
	}
	from := s.Samples[0]
	for _, x := range s.Samples[1:] {
		if x.At.After(s.Last.Add(-d)) {
			break
		}
		from = x
	}
	return s.Pruned - min(from.Pruned, s.Pruned)
}

// Opening records who was waiting when a window opened: sequence numbers in (Lo, Hi]
// are placed in the random order given by Seed. The seed is drawn at the opening
// instant, after the range is closed, so nobody can know it in advance; it is public
// from then on so that anyone can recompute the order.
type Opening struct {
	At     time.Time
	Lo, Hi uint64
	Seed   [16]byte
}

// Waiting returns the number of people issued a ticket and not yet admitted.
func (s State) Waiting() uint64 { return s.Issued - min(s.Head, s.Issued) }

// opening returns the recorded opening whose range holds seq.
func (s State) opening(seq uint64) (Opening, bool) {
	for _, o := range s.Openings {
		if seq > o.Lo && seq <= o.Hi {
			return o, true
		}
	}
	return Opening{}, false
}

// rangeHi returns the highest sequence number placed by a recorded opening.
func (s State) rangeHi() uint64 {
	var hi uint64
	for _, o := range s.Openings {
		hi = max(hi, o.Hi)
	}
	return hi
}
