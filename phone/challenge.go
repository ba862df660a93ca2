package phone

import (
	"context"
	"sync"
	"time"

	"vaxbook/identity"
)

// Challenge is what Start tells the resident about the code it sent. It never holds the
// code, so it can be rendered as it is.
type Challenge struct {
	// Phone is the number the code went to, masked as "010-****-5678".
	Phone string
	// ExpiresAt is the instant the code stops being accepted.
	ExpiresAt time.Time
	// Attempts is how many codes may be tried.
	Attempts int
}

// Pending is a challenge as stored between Start and Confirm, keyed by device.
type Pending struct {
	// CodeMAC is an HMAC of the code under the method's secret, never the code itself,
	// so a dump of the challenge store yields no usable codes.
	CodeMAC   []byte
	Identity  identity.Identity
	PersonKey string
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Attempts counts the codes tried so far, including the one being judged.
	Attempts int
}

// Challenges stores pending challenges by device ID. It has an in-process
// implementation (MemChallenges) and will get a Redis one, which should let records
// expire at ExpiresAt.
//
// Attempt, rather than a Get followed by a Put, counts tries: it must be atomic, or
// parallel guesses on one device would all read the same count and a script could try
// far more codes than the limit.
type Challenges interface {
	// Put stores p for the device, replacing any previous challenge.
	Put(ctx context.Context, deviceID string, p Pending) error
	// Get returns the device's challenge without counting an attempt (for showing
	// a pending challenge again after a reload). ok is false if there is none.
	Get(ctx context.Context, deviceID string) (p Pending, ok bool, err error)
	// Attempt atomically adds one to the device's attempt count and returns the
	// challenge with the new count. ok is false if there is none.
	Attempt(ctx context.Context, deviceID string) (p Pending, ok bool, err error)
	// Delete removes the device's challenge, if any.
	Delete(ctx context.Context, deviceID string) error
}

// MemChallenges is the in-process Challenges. Expired challenges are swept lazily, when
// the map has doubled since the last sweep, so memory follows the challenges of the
// last few minutes without a goroutine to stop.
type MemChallenges struct {
	mu        sync.Mutex
	m         map[string]Pending
	nextSweep int
}

var _ Challenges = (*MemChallenges)(nil)

// minSweep is the map size below which sweeping is not worth it.
const minSweep = 1024

// NewMemChallenges returns an empty in-process store.
func NewMemChallenges() *MemChallenges {
	return &MemChallenges{m: make(map[string]Pending), nextSweep: minSweep}
}

// Put implements Challenges. It sweeps using p.IssuedAt as the current instant, the
// store's only notion of time.
func (s *MemChallenges) Put(_ context.Context, deviceID string, p Pending) error {
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

// Get implements Challenges.
func (s *MemChallenges) Get(_ context.Context, deviceID string) (Pending, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[deviceID]
	return p, ok, nil
}

// Attempt implements Challenges.
func (s *MemChallenges) Attempt(_ context.Context, deviceID string) (Pending, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[deviceID]
	if !ok {
		return Pending{}, false, nil
	}
	p.Attempts++
	s.m[deviceID] = p
	return p, true, nil
}

// Delete implements Challenges.
func (s *MemChallenges) Delete(_ context.Context, deviceID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, deviceID)
	return nil
}
