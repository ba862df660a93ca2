package queue

import (
	"context"
	"encoding/hex"
	"time"
)

// Stats is what operators watch: the line, the admission and the openings.
type Stats struct {
	Issued, Head uint64
	Waiting      uint64
	Active       int     // admitted people seen within Idle
	MaxActive    int     // the bound on Active: MaxActive, or the admission window under the controller
	Pruned       uint64  // admitted people the idle timeout took out (left without booking), since the counters' start
	Rate         float64 // the admission rate set
	Measured     float64 // admissions per second measured over the last 30 s
	Auto         bool
	Paused       bool
	Held         bool      // no window is open and HoldWhenClosed is on
	NextOpening  time.Time // when Held
	Awaiting     int       // status answers this instance holds open until their turn (Await)
	Openings     []PublishedOpening
}

// PublishedOpening is a recorded opening with its seed, public once the opening has
// passed so that anyone can recompute the order: sequence number s in (Lo, Hi] has
// order key Lo + 1 + NewPerm(seed, Hi-Lo).At(s-Lo-1).
type PublishedOpening struct {
	At     time.Time
	Lo, Hi uint64
	Seed   string // hex
}

// Snapshot returns the operators' view, from the last state Advance saw.
func (r *Room) Snapshot(ctx context.Context) (Stats, error) {
	now := r.cfg.Clock.Now()
	s, err := r.snapshot(ctx, now)
	if err != nil {
		return Stats{}, err
	}
	held, next := r.held(now)
	measured, _ := measuredRate(s.Samples, 30*time.Second)
	st := Stats{
		Issued: s.Issued, Head: s.Head, Waiting: s.Waiting(), Active: s.Active, MaxActive: r.bound(&s), Pruned: s.Pruned,
		Rate: s.Rate, Measured: measured, Auto: s.Auto, Paused: s.Paused, Held: held, NextOpening: next,
		Awaiting: r.awaiting(),
	}
	for _, o := range s.Openings {
		st.Openings = append(st.Openings, PublishedOpening{At: o.At, Lo: o.Lo, Hi: o.Hi, Seed: hex.EncodeToString(o.Seed[:])})
	}
	return st, nil
}
