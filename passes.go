package vaxbook

import (
	"context"
	"time"
)

// Passes binds each waiting-room pass to the one person first verified under it, so
// that a pass bought in line cannot be handed or sold to others: copied into another
// browser it admits nobody but that person. It has an in-process implementation
// (package inmem) and a shared one (Redis), and one conformance suite (guardtest).
//
// A pass is named by its place in line (queue and sequence number), not by its token:
// one place may be claimed more than once, and every pass of it is the same place.
type Passes interface {
	// Bind binds the pass to the person for ttl, the time left on the pass by the
	// service's clock (a duration, not an instant: the clock may replay another day,
	// and the store keeps the binding for that long in real time). Binding it again
	// to the same person is allowed; a pass bound to someone else, or ended by a
	// booking, is refused with CodePassInUse.
	Bind(ctx context.Context, pass, personKey string, ttl time.Duration) error
	// End marks the pass as used by its person's booking: from then on it binds
	// nobody, its person included, but Holder still names that person, so a
	// change or cancellation in the same visit goes on.
	End(ctx context.Context, pass string, ttl time.Duration) error
	// Holder returns the person the pass is bound to, if any.
	Holder(ctx context.Context, pass string) (personKey string, ok bool, err error)
}

// PassInUse is the refusal of a pass bound to another person or already used.
func PassInUse(ended bool) error {
	if ended {
		return Errorf(CodePassInUse, "This waiting-room pass was already used for a booking. Please join the waiting room again.")
	}
	return Errorf(CodePassInUse, "This waiting-room pass belongs to the person who first verified with it. Please join the waiting room yourself.")
}
