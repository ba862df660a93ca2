// Package redis holds the shared implementations of the service's short-lived state, so
// that any number of `vaxbook serve` instances behind a load balancer enforce one set of
// limits: the verification Guard (rules 6 and 7), the phone method's pending challenges
// and start limits, and the congestion lines of the identity methods (rule 8).
//
// Every key lives under a prefix (DefaultPrefix unless configured), so one server can
// hold several deployments or test runs side by side, and every key carries an expiry,
// so memory follows the last few minutes of traffic however many people arrive.
//
// Rule decisions use the instants the caller passes in (read from the service's
// injected clock), never the server's TIME, so tests and --now drive them. Expiries are
// set in real time for the same durations; with a clock that runs at real speed both
// end together, and a key that outlives its rule is still judged by the instant given.
// Only the congestion lines pace starts by Redis TIME: pacing is a physical rate shared
// by every instance, not a rule about the resident.
//
// If Redis is emptied (a restart without persistence, a failover that lost writes), the
// limits forget: at worst a person may verify once more than rule 6 allows, another
// device may take over a person early, a pending code must be requested again, and a
// method's line starts empty. None of this can double-book: the database's unique index
// on active reservations per person and campaign is the guarantee of rule 5, and this
// package only keeps load and abuse down in front of it.
package redis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
)

// DefaultPrefix is the key prefix used when a constructor is given "".
const DefaultPrefix = "vaxbook:"

// Open connects to the Redis server at url ("redis://[:password@]host:port/db",
// "rediss://" for TLS) and checks that it answers. The error never contains the
// password.
//
// A URL with a master_name parameter names Redis Sentinels instead of a server:
// "redis://sentinel1:26379/0?master_name=vaxbook&addr=sentinel2:26379&addr=…" (the
// form of go-redis's ParseFailoverURL; password= is the master's). The client asks the
// Sentinels for the master and follows them when they promote a replica, so the
// instances reach the new master without a restart.
func Open(ctx context.Context, url string) (*goredis.Client, error) {
	var (
		c    *goredis.Client
		addr string
	)
	if strings.Contains(url, "master_name=") {
		opts, err := goredis.ParseFailoverURL(url)
		if err != nil {
			return nil, fmt.Errorf("redis: parse sentinel url: %w", err)
		}
		c, addr = goredis.NewFailoverClient(opts), "master "+opts.MasterName+" at sentinels "+strings.Join(opts.SentinelAddrs, ",")
	} else {
		opts, err := goredis.ParseURL(url)
		if err != nil {
			return nil, fmt.Errorf("redis: parse url: %w", err)
		}
		c, addr = goredis.NewClient(opts), opts.Addr
	}
	c.AddHook(outageHook{})
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redis: ping %s: %w", addr, err)
	}
	return c, nil
}

// keyPrefix returns prefix, or DefaultPrefix when it is empty.
func keyPrefix(prefix string) string {
	if prefix == "" {
		return DefaultPrefix
	}
	return prefix
}

// Instants cross into Lua as whole seconds and nanoseconds ("1628766000:0"): Lua numbers
// are doubles, which hold Unix seconds exactly but not Unix nanoseconds, and the rules
// are judged to the nanosecond (guardtest checks VerifyWindow-1ns).

// instantArg encodes t for a script or a stored value.
func instantArg(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + ":" + strconv.Itoa(t.Nanosecond())
}

// parseInstant decodes a value written by instantArg, in Seoul like every instant of
// the service.
func parseInstant(s string) (time.Time, error) {
	sec, nsec, ok := strings.Cut(s, ":")
	if !ok {
		return time.Time{}, fmt.Errorf("redis: malformed instant %q", s)
	}
	a, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("redis: malformed instant %q", s)
	}
	b, err := strconv.ParseInt(nsec, 10, 64)
	if err != nil || b < 0 || b >= 1e9 {
		return time.Time{}, fmt.Errorf("redis: malformed instant %q", s)
	}
	return time.Unix(a, b).In(vaxbook.Seoul), nil
}

// luaInstant is the Lua side of instantArg: parse and compare "sec:nsec" instants.
const luaInstant = `
local function instant(s)
  local sec, nsec = string.match(s, '^(%-?%d+):(%d+)$')
  return tonumber(sec), tonumber(nsec)
end
local function before(a, b)
  local as, an = instant(a)
  local bs, bn = instant(b)
  return as < bs or (as == bs and an < bn)
end
`

// ttlMillis returns d in whole milliseconds, rounded up and at least one, for PEXPIRE:
// rounding down could drop a key a moment before its rule ends.
func ttlMillis(d time.Duration) int64 {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return max(int64(ms), 1)
}
