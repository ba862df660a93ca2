package inmem

import (
	"context"
	"sync"

	"vaxbook/phone"
)

// Challenges is the in-process phone.Challenges. Expired challenges are swept lazily, when
// the map has doubled since the last sweep, so memory follows the challenges of the
// last few minutes without a goroutine to stop.
type Challenges struct {
	mu        sync.Mutex
	m         map[string]phone.Pending
	nextSweep int
}

var _ phone.Challenges = (*Challenges)(nil)

// NewChallenges returns an empty in-process store.
func NewChallenges() *Challenges {
	return &Challenges{m: make(map[string]phone.Pending), nextSweep: minSweep}
}

// Put implements phone.Challenges. It sweeps using p.IssuedAt as the current instant, the
// store's only notion of time.
func (s *Challenges) Put(_ context.Context, deviceID string, p phone.Pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[deviceID] = p
	if len(s.m) >= s.nextSweep {
		for k, q := range s.m {
			if !p.IssuedAt.Before(q.ExpiresAt) {
				delete(s.m, k)
			}
		}
		s.nextSweep = max(2*len(s.m), minSweep)
	}
	return nil
}

// Get implements phone.Challenges.
func (s *Challenges) Get(_ context.Context, deviceID string) (phone.Pending, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[deviceID]
	return p, ok, nil
}

// Attempt implements phone.Challenges.
func (s *Challenges) Attempt(_ context.Context, deviceID string) (phone.Pending, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[deviceID]
	if !ok {
		return phone.Pending{}, false, nil
	}
	p.Attempts++
	s.m[deviceID] = p
	return p, true, nil
}

// Delete implements phone.Challenges.
func (s *Challenges) Delete(_ context.Context, deviceID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, deviceID)
	return nil
}
