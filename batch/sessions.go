package batch

import (
	"context"

	"vaxbook"
)

// Sessions stands in front of a store's sessions and gathers the sign-ins of many
// concurrent verifications into one store call, so that a surge of sign-ins shares
// commits as bookings do: at 20:00 every booking begins with one. Reads and sign-outs
// go straight to the store. It is safe for concurrent use.
type Sessions struct {
	vaxbook.Sessions
	g *group[vaxbook.SignInRequest, error]
}

// NewSessions starts a Sessions in front of store; Close stops it.
func NewSessions(store vaxbook.Sessions, cfg Config) *Sessions {
	s := &Sessions{Sessions: store}
	s.g = newGroup(cfg, store.SignIn, func(err error) error { return err }, func(err error) bool { return err != nil })
	return s
}

// Stats returns a snapshot of the sign-in committer's counters, as Committer.Stats.
func (s *Sessions) Stats() Stats { return s.g.Stats() }

// SignIn queues reqs, waits for the batch carrying them to commit and returns the
// store's error for each. If ctx ends first each carries ctx.Err(), and a sign-in
// whose batch had started may still be stored: its session id was never handed to
// anyone, so the row only expires. After Close each is CodeUnavailable.
func (s *Sessions) SignIn(ctx context.Context, reqs []vaxbook.SignInRequest) []error {
	return s.g.Do(ctx, reqs, vaxbook.Errorf(vaxbook.CodeUnavailable, "signing in is shutting down; please retry"))
}

// Close stops taking sign-ins, stores every one already queued and returns when the
// last batch has been answered.
func (s *Sessions) Close() error { return s.g.Close() }
