package vaxbook

import (
	"context"
	"time"
)

// VerifyWindow is both the minimum time between two verifications of one person and
// how long the first verified device holds the person (rules 6 and 7: "본인 인증도
// 10분당 1회", other devices "10분 경과 후 접속 가능").
const VerifyWindow = 10 * time.Minute

// SessionTTL is how long a verified resident's session lasts, and so how long the device
// that verified keeps the person for booking (Guard.Owner): after VerifyWindow another
// device may verify and take the person over, but until then, and until the session it
// signed in ends, the verifying device is the only one that may book. Were the owner
// forgotten after VerifyWindow while sessions lived on, two devices that verified ten
// minutes apart would both pass once the second's window ended.
const SessionTTL = 30 * time.Minute

// Guard enforces the verification limits shared by every identity method. It has an
// in-process implementation (package inmem) and a shared one (Redis), and one
// conformance suite (package guardtest).
type Guard interface {
	// Check refuses, before a provider is asked, a verification that Complete would
	// refuse: CodeDeviceLocked when another device holds the person, CodeVerifyTooSoon
	// when the person verified less than VerifyWindow ago. Both carry RetryAt.
	Check(ctx context.Context, personKey, deviceID string, now time.Time) error
	// Complete atomically records a completed verification of the person on the device
	// and makes that device the person's only one for VerifyWindow. It refuses with
	// the same codes as Check; of two devices completing at once exactly one wins.
	Complete(ctx context.Context, personKey, deviceID string, now time.Time) error
	// Owner returns the device that last completed a verification of the person, if
	// that was less than SessionTTL ago: the device whose session may book.
	Owner(ctx context.Context, personKey string, now time.Time) (deviceID string, ok bool, err error)
}
