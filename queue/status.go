package queue

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"vaxbook"
)

// Status is what a waiting person is told. Everything in it comes from the ticket and
// the shared counters.
type Status struct {
	Seq      uint64 // the ticket's sequence number (arrival order)
	key      uint64 // its order key, once known
	Position uint64 // 1 = next; 0 once admitted or while placed by the coming shuffle
	Waiting  uint64 // everybody not yet admitted
	Admitted bool
	ClaimBy  time.Time // when admitted: claim the pass before this
	// WaitMin and WaitMax bound the expected wait, from the measured admission rate.
	WaitMin, WaitMax time.Duration
	Rate             float64 // admissions per second the estimate uses
	Paused           bool    // an operator paused admission
	// PreOpening is set while the person waits for an opening at OpensAt, when
	// everyone waiting is placed in random order.
	PreOpening bool
	OpensAt    time.Time // the next opening, while admission is held
	PollAfter  time.Duration
	// earliest is the soonest a foreseeable turn can come, for Await; MaxInt64 when no
	// turn can be waited for (admitted, paused, before an opening, no admissions).
	earliest time.Duration
}

// Status returns the state of a ticket presented by a device. It reads the counters
// snapshot the Run loop keeps, so a poll costs two MACs and no round trip. Errors:
// CodeUnauthorized for a missing, forged, tampered or expired ticket or device token,
// or a turn that passed unclaimed; CodeForbidden for another device's ticket.
func (r *Room) Status(ctx context.Context, ticket, device string, now time.Time) (Status, error) {
	t, err := r.ticket(ticket, device, now)
	if err != nil {
		return Status{}, err
	}
	if err := r.recordOpenings(ctx, now); err != nil {
		return Status{}, err
	}
	return r.status(ctx, t, now)
}

// Claim exchanges an admitted ticket for a pass within ClaimWindow of its turn. It
// may be called again (a refresh) and gives the same place. Errors: as Status, and
// CodeConflict with RetryAt while the turn has not come.
func (r *Room) Claim(ctx context.Context, ticket, device string, now time.Time) (string, error) {
	t, err := r.ticket(ticket, device, now)
	if err != nil {
		return "", err
	}
	st, err := r.status(ctx, t, now)
	if err != nil {
		return "", err
	}
	if !st.Admitted {
		return "", vaxbook.RetryError(vaxbook.CodeConflict, now.Add(st.PollAfter), "it is not your turn yet")
	}
	if err := r.cfg.Counters.Touch(ctx, st.key, now); err != nil {
		return "", err
	}
	p := Pass{Queue: r.cfg.Queue, Seq: t.Seq, Key: st.key, Device: t.Device, Expires: now.Add(r.cfg.PassTTL)}
	return r.cfg.Signer.SignPass(p), nil
}

// CheckPass lets a request through to verification or booking if it carries a valid,
// unexpired pass of this device, and marks its holder active. A holder pruned for
// idleness who comes back with a valid pass is accepted and counted again: the pass
// was earned in line, and refusing it would send them to the back. Errors:
// CodeUnauthorized (missing, forged, expired), CodeForbidden (another device's pass).
func (r *Room) CheckPass(ctx context.Context, pass, device string, now time.Time) error {
	dev, err := r.cfg.Signer.ParseDevice(device)
	if err != nil {
		return errPass
	}
	p, ok := r.ownPass(pass)
	if !ok {
		return errPass
	}
	if !now.Before(p.Expires) {
		return errPassExpired
	}
	if p.Device != DeviceHash(dev.ID) {
		return errOtherDevice
	}
	st, err := r.snapshot(ctx, now)
	if err != nil {
		return err
	}
	if p.Key > st.Head {
		// Only after a loss of the counters: the line had reached this key.
		if err := r.retry(ctx, now, func() error { return r.cfg.Counters.Raise(ctx, 0, p.Key) }); err != nil {
			return err
		}
	}
	return r.cfg.Counters.Touch(ctx, p.Key, now)
}

// Done takes the holder of pass out of the admission window: they have booked,
// changed or cancelled, so their place in it goes to someone waiting at the next
// advance instead of after Idle. A pass that does not open is ignored: the request it
// came with was refused by CheckPass already.
func (r *Room) Done(ctx context.Context, pass string) error {
	p, ok := r.ownPass(pass)
	if !ok {
		return nil
	}
	return r.cfg.Counters.Done(ctx, p.Key)
}

// ticket opens the device token and the ticket it presents.
func (r *Room) ticket(ticket, device string, now time.Time) (Ticket, error) {
	dev, err := r.cfg.Signer.ParseDevice(device)
	if err != nil {
		return Ticket{}, errDevice
	}
	return r.openTicket(ticket, dev, now)
}

// status computes the Status of a valid ticket.
func (r *Room) status(ctx context.Context, t Ticket, now time.Time) (Status, error) {
	s, err := r.snapshot(ctx, now)
	if err != nil {
		return Status{}, err
	}
	if t.Seq > s.Issued {
		// Only after a loss of the counters: raise issued so that new joins queue
		// behind this ticket.
		if err := r.retry(ctx, now, func() error { return r.cfg.Counters.Raise(ctx, t.Seq, 0) }); err != nil {
			return Status{}, err
		}
		s.Issued = t.Seq
	}
	held, opens := r.held(now)
	st := Status{Seq: t.Seq, Waiting: s.Waiting(), Rate: rateFor(s), Paused: s.Paused, earliest: math.MaxInt64}
	if held {
		st.OpensAt = opens
	}
	_, shuffled := s.opening(t.Seq)
	if held && r.cfg.Shuffle && !opens.IsZero() && !shuffled && t.Seq > s.Head {
		st.PreOpening = true
		st.WaitMin = opens.Sub(now)
		_, hi := waitRange(s.Waiting(), st.Rate)
		st.WaitMax = st.WaitMin + hi
		st.PollAfter = r.preOpeningPoll(opens.Sub(now))
		return st, nil
	}
	k := r.key(s, t.Seq)
	st.key = k
	if k <= s.Head {
		st.Admitted = true
		st.ClaimBy = passedAt(s.Samples, k, now).Add(r.cfg.ClaimWindow)
		if !now.Before(st.ClaimBy) {
			return Status{}, errTurnPassed
		}
		return st, nil
	}
	st.Position = k - s.Head
	st.WaitMin, st.WaitMax = waitRange(st.Position, st.Rate)
	earliest := st.WaitMin
	if held {
		earliest = max(earliest, opens.Sub(now))
	}
	if st.Rate > 0 && !st.Paused && !(held && opens.IsZero()) {
		st.earliest = earliest
	}
	st.PollAfter = pollAfter(earliest, r.cfg.PollMin, r.pollMax())
	return st, nil
}

// preOpeningPoll tells a person waiting for an opening when to ask again: the longest
// sleep (about a minute) while the opening is further than that, else at a random
// instant within half the claim window after it, so that the whole group does not ask
// in the same second and the first admitted still claim in time. A fraction of the time
// left made every browser's chain of polls pass through the same band before 20:00
// (117,000 polls a second in the simulation of a 1.9 million burst).
func (r *Room) preOpeningPoll(until time.Duration) time.Duration {
	hi := r.pollMax()
	if until > hi*6/5 {
		return time.Duration(float64(hi) * (0.8 + 0.4*rand.Float64())) // ≤ 1.2 hi < until
	}
	return max(until, 0) + time.Duration(rand.Float64()*float64(hi))
}

// pollMax is the longest a client is told to sleep: with jitter it stays within 60 % of
// the claim window, so nobody sleeps through their turn.
func (r *Room) pollMax() time.Duration { return min(r.cfg.PollMax, r.cfg.ClaimWindow/2) }

// key returns the order key of seq: its place in the shuffle of the opening whose range
// holds it, else seq itself.
func (r *Room) key(s State, seq uint64) uint64 {
	o, ok := s.opening(seq)
	if !ok {
		return seq
	}
	return o.Lo + 1 + r.perm(o).At(seq-o.Lo-1)
}

// perm returns the permutation of an opening, built once per seed.
func (r *Room) perm(o Opening) *Perm {
	r.mu.RLock()
	p := r.perms[o.Seed]
	r.mu.RUnlock()
	if p != nil && p.N() == o.Hi-o.Lo {
		return p
	}
	p = NewPerm(o.Seed, o.Hi-o.Lo)
	r.mu.Lock()
	r.perms[o.Seed] = p
	r.mu.Unlock()
	return p
}

// held reports whether admission is held because no window is open, and when the next
// one opens.
func (r *Room) held(now time.Time) (bool, time.Time) {
	ws := r.openings()
	if !r.cfg.HoldWhenClosed || len(ws) == 0 {
		return false, time.Time{}
	}
	var next time.Time
	for _, w := range ws {
		if w.Contains(now) {
			return false, time.Time{}
		}
		if w.Opens.After(now) && (next.IsZero() || w.Opens.Before(next)) {
			next = w.Opens
		}
	}
	return true, next
}

// PassPlace names the place in line a pass was claimed for ("<queue>:<seq>") and when
// the pass expires, for binding the pass to the person who first verifies with it
// (vaxbook.Passes). Every pass claimed for one place names the same place. ok is false
// for a token that is not a valid pass of this room; CheckPass has said why.
func (r *Room) PassPlace(pass string) (place string, expires time.Time, ok bool) {
	p, ok := r.ownPass(pass)
	if !ok {
		return "", time.Time{}, false
	}
	return fmt.Sprintf("%d:%d", p.Queue, p.Seq), p.Expires, true
}

// ownPass opens pass and says whether it is a well-signed pass of this queue.
func (r *Room) ownPass(pass string) (Pass, bool) {
	p, err := r.cfg.Signer.ParsePass(pass)
	return p, err == nil && p.Queue == r.cfg.Queue
}
