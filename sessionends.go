package vaxbook

import "context"

// SessionEnds carries the news of ended sessions between instances, so that an instance
// keeping sessions in memory (signin's cache, which spares every signed-in request a
// database read) never serves one that was signed out on another. It has an in-process
// implementation (inmem, one instance) and a shared one (redis, publish/subscribe), and
// one conformance suite (guardtest.RunSessionEnds).
type SessionEnds interface {
	// Announce tells every listener, this instance's included, that the session with
	// the id hash has ended.
	Announce(ctx context.Context, idHash string) error
	// Listen calls ended with each id hash announced from now on, and lost whenever
	// announcements may have been missed — once when listening starts and after every
	// reconnection — so that the listener can forget all it holds. It returns when ctx
	// ends; calls to ended and lost come from one goroutine.
	Listen(ctx context.Context, ended func(idHash string), lost func()) error
}
