// Package inmem holds the in-process implementations of the service's shared short-lived
// state — the Guard, the waiting-room passes, the limiters, the phone challenges and the
// spent certificate challenges — used by the embedded default (one `vaxbook serve`, no Redis). They keep state
// in memory only: a restart forgets it, which for these limits means at most one extra
// verification per person.
package inmem

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"vaxbook"
)

var _ vaxbook.Guard = (*Guard)(nil)

// guardShards spreads persons over independent locks so that the surge at 20:00, when
// every verification completes through one Guard, does not queue on a single mutex.
const guardShards = 64

// minSweep is the map size below which a shard never sweeps: sweeping a small map
// saves nothing.
const minSweep = 1024

// Guard is the in-process vaxbook.Guard. Per person it remembers the device and instant
// of the last completed verification, for SessionTTL. Expired records are swept
// lazily: a shard sweeps when it has grown to twice its size after the last sweep, so
// memory stays proportional to the persons verified in the last window and sweeping
// costs O(1) amortised per completion, with no goroutine to stop.
type Guard struct {
	seed   maphash.Seed
	shards [guardShards]guardShard
}

type guardShard struct {
	mu        sync.Mutex
	recs      map[string]verification
	nextSweep int
}

// verification is the last completed verification of a person.
type verification struct {
	deviceID string
	at       time.Time
}

// NewGuard returns an empty Guard.
func NewGuard() *Guard {
	g := &Guard{seed: maphash.MakeSeed()}
	for i := range g.shards {
		g.shards[i].recs = make(map[string]verification)
		g.shards[i].nextSweep = minSweep
	}
	return g
}

func (g *Guard) shard(personKey string) *guardShard {
	return &g.shards[maphash.String(g.seed, personKey)%guardShards]
}

// Check returns the error Complete would return now, without recording anything:
// CodeDeviceLocked when another device verified the person less than VerifyWindow ago,
// CodeVerifyTooSoon when the same device did, both with RetryAt at the end of the
// window; nil otherwise.
func (g *Guard) Check(_ context.Context, personKey, deviceID string, now time.Time) error {
	s := g.shard(personKey)
	s.mu.Lock()
	defer s.mu.Unlock()
	return refusal(s.recs[personKey], deviceID, now)
}

// Complete records a verification of the person on the device at now, unless Check
// would refuse it, in which case it returns the same error and records nothing. The
// check and the record happen under one lock, so of several devices completing at once
// exactly one wins.
func (g *Guard) Complete(_ context.Context, personKey, deviceID string, now time.Time) error {
	s := g.shard(personKey)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := refusal(s.recs[personKey], deviceID, now); err != nil {
		return err
	}
	s.recs[personKey] = verification{deviceID: deviceID, at: now}
	if len(s.recs) >= s.nextSweep {
		s.sweep(now)
	}
	return nil
}

// Owner returns the device of the person's last verification if it completed less than
// SessionTTL before now.
func (g *Guard) Owner(_ context.Context, personKey string, now time.Time) (string, bool, error) {
	s := g.shard(personKey)
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.recs[personKey]
	if !ok || !now.Before(v.at.Add(vaxbook.SessionTTL)) {
		return "", false, nil
	}
	return v.deviceID, true, nil
}

// sweep drops the records that expired at now. The caller holds s.mu.
func (s *guardShard) sweep(now time.Time) {
	for k, v := range s.recs {
		if !now.Before(v.at.Add(vaxbook.SessionTTL)) {
			delete(s.recs, k)
		}
	}
	s.nextSweep = max(2*len(s.recs), minSweep)
}

// refusal applies rules 6 and 7 to the last verification v of a person (zero if none):
// within VerifyWindow of it another device is locked out and the same device must wait.
// Both may retry when the window ends, at v.at + VerifyWindow.
func refusal(v verification, deviceID string, now time.Time) error {
	if v.at.IsZero() {
		return nil
	}
	until := v.at.Add(vaxbook.VerifyWindow)
	if !now.Before(until) {
		return nil
	}
	if v.deviceID != deviceID {
		return vaxbook.RetryError(vaxbook.CodeDeviceLocked, until,
			"This person was verified on another device first. You may continue from this device after %s.",
			until.In(vaxbook.Seoul).Format("15:04"))
	}
	return vaxbook.RetryError(vaxbook.CodeVerifyTooSoon, until,
		"You verified less than 10 minutes ago. You may verify again after %s.",
		until.In(vaxbook.Seoul).Format("15:04"))
}
