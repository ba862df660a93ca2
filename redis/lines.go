package redis

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
	"vaxbook/congestion"
)

var _ congestion.Line = (*Lines)(nil)

// waitLease is how long a waiter stays in a line without polling. Waiters poll at
// least every maxPoll, so only a waiter whose instance died is dropped, within seconds.
const (
	waitLease = 5 * time.Second
	minPoll   = 2 * time.Millisecond
	maxPoll   = 100 * time.Millisecond
)

// Lines is the shared congestion.Line: one line per method for every instance, so that
// a provider's capacity is never exceeded however many instances start verifications.
//
// Per method m it keeps, under "<prefix>lines:{m}:" (one hash slot, so the scripts
// also run on a cluster): "holders", a sorted set of slot holders scored by the end of
// their lease, so a crashed instance cannot leak capacity beyond MethodConfig.Lease;
// "waiting", the line scored by arrival, and "waitlease", its waiters scored by the end
// of their lease; "tat", the pacing of starts; "done:<unix second>", the completions of
// each second of the injected clock, which expire after two windows.
//
// Waiters poll: each poll is one script that admits the waiter if it is within the
// free slots from the front of the line and the start rate allows. Pacing and leases
// use Redis TIME, the one clock every instance shares.
type Lines struct {
	rdb    goredis.UniversalClient
	prefix string
	clock  vaxbook.Clock
	cfg    map[string]congestion.MethodConfig
	names  []string
}

// NewLines returns the shared Line for the configured methods, keeping its keys under
// prefix (DefaultPrefix if empty). It returns an error for a configuration
// congestion.WithDefaults refuses.
func NewLines(rdb goredis.UniversalClient, prefix string, cfg map[string]congestion.MethodConfig, clock vaxbook.Clock) (*Lines, error) {
	cfg, err := congestion.WithDefaults(cfg)
	if err != nil {
		return nil, err
	}
	l := &Lines{rdb: rdb, prefix: keyPrefix(prefix), clock: clock, cfg: cfg}
	for name := range cfg {
		l.names = append(l.names, name)
	}
	slices.Sort(l.names)
	return l, nil
}

// lineClean computes the server's time and drops the holders and waiters whose lease
// ended; every line script starts with it. KEYS[1..3] are holders, waiting, waitlease.
const lineClean = `
local t = redis.call('TIME')
local nowus = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowms = math.floor(nowus / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowms)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', nowms, 'LIMIT', 0, 500)
if #gone > 0 then
  redis.call('ZREM', KEYS[2], unpack(gone))
  redis.call('ZREM', KEYS[3], unpack(gone))
end
`

// lineTry is one poll of a waiter. KEYS: holders, waiting, waitlease, tat. ARGV: id,
// MaxInFlight, MaxWaiting, lease ms, wait lease ms, start interval µs, burst
// tolerance µs. It returns {1} when it admitted the waiter, {-1} when the line is
// full, and {0, places ahead beyond the free slots, µs until the rate allows}.
var lineTry = goredis.NewScript(lineClean + `
local id = ARGV[1]
if not redis.call('ZSCORE', KEYS[2], id) then
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {-1} end
  redis.call('ZADD', KEYS[2], string.format('%.0f', nowus), id)
end
redis.call('ZADD', KEYS[3], nowms + tonumber(ARGV[5]), id)
local ahead = redis.call('ZRANK', KEYS[2], id) - (tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1]))
if ahead >= 0 then return {0, ahead + 1, 0} end
local interval = tonumber(ARGV[6])
local tat = math.max(tonumber(redis.call('GET', KEYS[4]) or '0'), nowus)
local early = tat - tonumber(ARGV[7]) - nowus
if early > 0 then return {0, 0, early} end
tat = tat + interval
redis.call('SET', KEYS[4], string.format('%.0f', tat), 'PX', math.ceil((tat - nowus) / 1000) + 1000)
redis.call('ZREM', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
redis.call('ZADD', KEYS[1], nowms + tonumber(ARGV[4]), id)
return {1}
`)

// lineCount returns {in flight, waiting, completions} of a method. KEYS: holders,
// waiting, waitlease, then the completion buckets of the window.
var lineCount = goredis.NewScript(lineClean + `
local done = 0
for i = 4, #KEYS do done = done + tonumber(redis.call('GET', KEYS[i]) or '0') end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), done}
`)

func (l *Lines) key(method, name string) string {
	return l.prefix + "lines:{" + method + "}:" + name
}

// Acquire implements congestion.Line.
func (l *Lines) Acquire(ctx context.Context, method string) (func(ok bool), error) {
	c, ok := l.cfg[method]
	if !ok {
		return nil, congestion.UnknownMethod()
	}
	keys := []string{l.key(method, "holders"), l.key(method, "waiting"), l.key(method, "waitlease"), l.key(method, "tat")}
	tolerance := time.Duration(c.Burst()-1) * c.StartInterval()
	id := rand.Text()
	deadline := time.Now().Add(c.MaxWait)
	for {
		res, err := lineTry.Run(ctx, l.rdb, keys, id, c.MaxInFlight, c.MaxWaiting, c.Lease.Milliseconds(),
			waitLease.Milliseconds(), c.StartInterval().Microseconds(), tolerance.Microseconds()).Int64Slice()
		if err != nil {
			l.leave(ctx, method, id)
			if ctx.Err() != nil {
				return nil, fmt.Errorf("congestion: wait for %s: %w", method, ctx.Err())
			}
			return nil, fmt.Errorf("redis lines acquire %s: %w", method, err)
		}
		switch {
		case len(res) == 1 && res[0] == 1:
			return l.releaser(method, id), nil
		case len(res) == 1 && res[0] == -1:
			return nil, l.busy(ctx, method)
		case len(res) != 3:
			l.leave(ctx, method, id)
			return nil, fmt.Errorf("redis lines acquire %s: unexpected reply %v", method, res)
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			l.leave(ctx, method, id)
			return nil, l.busy(ctx, method)
		}
		// Waiters far back poll less often: the line moves at most one place per
		// release, and a thousand waiters polling every few milliseconds would be
		// the load this line exists to prevent.
		delay := min(max(time.Duration(res[1])*minPoll, time.Duration(res[2])*time.Microsecond, minPoll), maxPoll, remaining)
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			l.leave(ctx, method, id)
			return nil, fmt.Errorf("congestion: wait for %s: %w", method, ctx.Err())
		}
	}
}

// leave takes the id out of the method's line and slots, also when ctx has ended, so
// that the waiting count drops at once rather than when the waiter's lease ends.
func (l *Lines) leave(ctx context.Context, method, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	// A failure here is covered by the leases; there is nobody to report it to.
	_, _ = l.rdb.TxPipelined(ctx, func(tx goredis.Pipeliner) error {
		tx.ZRem(ctx, l.key(method, "waiting"), id)
		tx.ZRem(ctx, l.key(method, "waitlease"), id)
		tx.ZRem(ctx, l.key(method, "holders"), id)
		return nil
	})
}

// releaser returns the release function of an admitted holder. It frees the slot once
// and, when the provider answered, counts a completion in the current second of the
// injected clock.
func (l *Lines) releaser(method, id string) func(ok bool) {
	var once sync.Once
	return func(ok bool) {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			done := l.key(method, "done:"+strconv.FormatInt(l.clock.Now().Unix(), 10))
			// A failed release is covered by the holder's lease.
			_, _ = l.rdb.TxPipelined(ctx, func(tx goredis.Pipeliner) error {
				tx.ZRem(ctx, l.key(method, "holders"), id)
				if ok {
					tx.Incr(ctx, done)
					tx.Expire(ctx, done, 2*congestion.Window)
				}
				return nil
			})
		})
	}
}

// busy returns the refusal of a start, with the retry instant the light suggests.
func (l *Lines) busy(ctx context.Context, method string) error {
	now := l.clock.Now()
	light, err := l.light(ctx, method, now)
	if err != nil {
		light = congestion.MakeLight(method, l.cfg[method], 0, l.cfg[method].MaxWaiting, 0)
	}
	return congestion.BusyError(light, now)
}

// light reads one method's counters at now and judges them.
func (l *Lines) light(ctx context.Context, method string, now time.Time) (congestion.Light, error) {
	keys := []string{l.key(method, "holders"), l.key(method, "waiting"), l.key(method, "waitlease")}
	sec := now.Unix()
	for s := sec - int64(congestion.Window/time.Second) + 1; s <= sec; s++ {
		keys = append(keys, l.key(method, "done:"+strconv.FormatInt(s, 10)))
	}
	res, err := lineCount.Run(ctx, l.rdb, keys).Int64Slice()
	if err != nil || len(res) != 3 {
		return congestion.Light{}, fmt.Errorf("redis lines count %s: %v %w", method, res, err)
	}
	return congestion.MakeLight(method, l.cfg[method], int(res[0]), int(res[1]), int(res[2])), nil
}

// Lights implements congestion.Line. It costs one round trip per method.
func (l *Lines) Lights(ctx context.Context, now time.Time) ([]congestion.Light, error) {
	out := make([]congestion.Light, 0, len(l.names))
	for _, name := range l.names {
		x, err := l.light(ctx, name, now)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}
