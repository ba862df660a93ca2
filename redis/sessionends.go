package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
)

var _ vaxbook.SessionEnds = (*SessionEnds)(nil)

// SessionEnds is the shared vaxbook.SessionEnds: a publish/subscribe channel,
// "<prefix>session-ends", carrying the id hashes of ended sessions. Redis keeps no
// message for a subscriber that was away, so every (re)subscription is reported as
// lost: the listener forgets what it holds rather than miss a sign-out.
type SessionEnds struct {
	rdb     goredis.UniversalClient
	channel string
}

// NewSessionEnds returns SessionEnds on a channel under prefix (DefaultPrefix if empty).
func NewSessionEnds(rdb goredis.UniversalClient, prefix string) *SessionEnds {
	return &SessionEnds{rdb: rdb, channel: keyPrefix(prefix) + "session-ends"}
}

// Announce implements vaxbook.SessionEnds.
func (e *SessionEnds) Announce(ctx context.Context, idHash string) error {
	if err := e.rdb.Publish(ctx, e.channel, idHash).Err(); err != nil {
		return fmt.Errorf("announce an ended session: %w", err)
	}
	return nil
}

// Listen implements vaxbook.SessionEnds. go-redis re-subscribes by itself after a lost
// connection; each subscription confirmation, the first and every later one, calls lost.
func (e *SessionEnds) Listen(ctx context.Context, ended func(string), lost func()) error {
	sub := e.rdb.Subscribe(ctx, e.channel)
	// A blocked Receive does not watch its context; closing the subscription ends it.
	stop := context.AfterFunc(ctx, func() { sub.Close() })
	defer stop()
	defer sub.Close()
	for {
		msg, err := sub.Receive(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			lost() // the connection broke; Receive reconnects on the next call
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(200 * time.Millisecond): // not a busy loop while Redis is away
			}
			continue
		}
		switch m := msg.(type) {
		case *goredis.Subscription:
			if m.Kind == "subscribe" {
				lost()
			}
		case *goredis.Message:
			ended(m.Payload)
		}
	}
}
