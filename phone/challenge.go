package phone

import (
	"context"
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
// implementation (inmem.Challenges) and a shared one (redis.Challenges), whose records
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
