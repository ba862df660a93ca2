package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vaxbook"

	goredis "github.com/redis/go-redis/v9"
)

var _ vaxbook.Limiter = (*Limiter)(nil)

// Limiter is the shared vaxbook.Limiter, with the sliding-window semantics of
// inmem.Limiter: at most limit events per key within window, refusals not counted,
// and a refusal's retry instant is when the oldest counted event leaves the window.
//
// Per key it keeps a list, "<prefix>limit:<key>", of the instants the counted events
// leave the window, in the order recorded, as inmem.Limiter keeps its slice; the list never
// grows past limit, and the key expires one window after its last event.
type Limiter struct {
	rdb    goredis.UniversalClient
	prefix string
	limit  int
	window time.Duration
}

// NewLimiter returns a limiter allowing limit events per key within window, keeping its
// keys under prefix (DefaultPrefix if empty). limit must be at least 1 and window
// positive: a limiter that refuses everything would have no instant to retry at.
func NewLimiter(rdb goredis.UniversalClient, prefix string, limit int, window time.Duration) (*Limiter, error) {
	if limit < 1 || window <= 0 {
		return nil, fmt.Errorf("redis limiter: limit %d per %v, want at least 1 per positive window", limit, window)
	}
	return &Limiter{rdb: rdb, prefix: keyPrefix(prefix), limit: limit, window: window}, nil
}

// limiterAllow drops the events that left the window at now from the front of the
// list, then either refuses with the instant the oldest remaining one leaves, or
// records one more. One script, so parallel requests cannot both take the last place.
//
// KEYS[1] the key's list; ARGV: now, now+window (instants), limit, expiry in ms.
// It returns {1} when it recorded, {0, leaves} when it refused.
var limiterAllow = goredis.NewScript(luaInstant + `
while true do
  local oldest = redis.call('LINDEX', KEYS[1], 0)
  if not oldest or before(ARGV[1], oldest) then break end
  redis.call('LPOP', KEYS[1])
end
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return {0, redis.call('LINDEX', KEYS[1], 0)}
end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1}
`)

// Allow implements vaxbook.Limiter.
func (l *Limiter) Allow(ctx context.Context, key string, now time.Time) (bool, time.Time, error) {
	res, err := limiterAllow.Run(ctx, l.rdb, []string{l.prefix + "limit:" + key},
		instantArg(now), instantArg(now.Add(l.window)), l.limit, ttlMillis(l.window)).Slice()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("redis limiter: %w", err)
	}
	if len(res) == 1 && res[0] == int64(1) {
		return true, time.Time{}, nil
	}
	if len(res) == 2 {
		if s, ok := res[1].(string); ok {
			retryAt, err := parseInstant(s)
			if err != nil {
				return false, time.Time{}, fmt.Errorf("redis limiter: %w", err)
			}
			return false, retryAt, nil
		}
	}
	return false, time.Time{}, errors.New("redis limiter: unexpected reply")
}
