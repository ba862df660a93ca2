package redis

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook/queue"
)

var _ queue.Counters = (*QueueCounters)(nil)

// queueTTL keeps a queue's keys for two days after its last Advance, however long the
// line: the keys hold a few numbers, not people.
const queueTTL = 48 * time.Hour

// QueueCounters are the shared queue.Counters. One queue is five keys with one hash tag,
// "<prefix>{queue}:…" (so they live in one slot of a cluster and one script may touch
// them all): "state" (hash: gen, issued, head, carry, rate, auto, paused, last,
// lastsample, window, pruned), "samples" (list of "ms:head:issued:pruned"), "openings" (hash: opening ms →
// "lo:hi:seedhex"), "active" (sorted set: admitted order keys by last-seen ms) and "leader".
// Every multi-key step is one Lua script, so instances never interleave. Instants cross
// as Unix milliseconds, which Lua's doubles hold exactly.
//
// If Redis is emptied, every method but Touch, Done and TryLead answers queue.ErrLost until
// the Room restores the counters from the last state it saw; tickets stay valid.
type QueueCounters struct {
	rdb  goredis.UniversalClient
	keys []string // state, samples, openings, active
	lead string
}

// NewQueueCounters returns the counters of one queue under prefix (DefaultPrefix if
// empty). Give each queue its own prefix.
func NewQueueCounters(rdb goredis.UniversalClient, prefix string) *QueueCounters {
	p := keyPrefix(prefix) + "{queue}:"
	return &QueueCounters{rdb: rdb, keys: []string{p + "state", p + "samples", p + "openings", p + "active"}, lead: p + "leader"}
}

// Issue implements queue.Counters.
func (c *QueueCounters) Issue(ctx context.Context, _ time.Time) (uint64, error) {
	n, err := queueIssue.Run(ctx, c.rdb, c.keys[:1]).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis queue issue: %w", err)
	}
	if n < 0 {
		return 0, queue.ErrLost
	}
	return uint64(n), nil
}

// Advance implements queue.Counters.
func (c *QueueCounters) Advance(ctx context.Context, now time.Time, p queue.AdvanceParams) (queue.State, error) {
	args := []any{now.UnixMilli(), p.MaxActive, boolArg(p.Hold), p.Idle.Milliseconds(), max(p.Samples, 1),
		p.MaxStep.Milliseconds(), queueTTL.Milliseconds()}
	for _, o := range p.Openings {
		args = append(args, o.At.UnixMilli(), hex.EncodeToString(o.Seed[:]))
	}
	return c.state(ctx, queueAdvance, args)
}

// State implements queue.Counters.
func (c *QueueCounters) State(ctx context.Context) (queue.State, error) {
	return c.state(ctx, queueRead, nil)
}

// Restore implements queue.Counters.
func (c *QueueCounters) Restore(ctx context.Context, s queue.State, now time.Time) error {
	args := []any{now.UnixMilli(), s.Issued, min(s.Head, s.Issued), floatArg(s.Rate), boolArg(s.Auto), boolArg(s.Paused)}
	for _, o := range s.Openings {
		args = append(args, o.At.UnixMilli(), fmt.Sprintf("%d:%d:%s", o.Lo, o.Hi, hex.EncodeToString(o.Seed[:])))
	}
	if err := queueRestore.Run(ctx, c.rdb, c.keys, args...).Err(); err != nil {
		return fmt.Errorf("redis queue restore: %w", err)
	}
	return nil
}

// Raise implements queue.Counters.
func (c *QueueCounters) Raise(ctx context.Context, issued, head uint64) error {
	return c.run(ctx, "raise", queueRaise, issued, head)
}

// SetRate implements queue.Counters.
func (c *QueueCounters) SetRate(ctx context.Context, rate float64, auto bool) error {
	return c.run(ctx, "set rate", queueSet, "rate", floatArg(rate), "auto", boolArg(auto), "window", "0")
}

// AdjustRate implements queue.Counters.
func (c *QueueCounters) AdjustRate(ctx context.Context, rate float64, window int) error {
	return c.run(ctx, "adjust rate", queueAdjust, floatArg(rate), window)
}

// SetPaused implements queue.Counters.
func (c *QueueCounters) SetPaused(ctx context.Context, paused bool) error {
	return c.run(ctx, "pause", queueSet, "paused", boolArg(paused))
}

// Touch implements queue.Counters. GT keeps the latest instant when instances race.
func (c *QueueCounters) Touch(ctx context.Context, key uint64, now time.Time) error {
	err := c.rdb.ZAddGT(ctx, c.keys[3], goredis.Z{Score: float64(now.UnixMilli()), Member: key}).Err()
	if err != nil {
		return fmt.Errorf("redis queue touch: %w", err)
	}
	return nil
}

// Done implements queue.Counters.
func (c *QueueCounters) Done(ctx context.Context, key uint64) error {
	if err := c.rdb.ZRem(ctx, c.keys[3], key).Err(); err != nil {
		return fmt.Errorf("redis queue done: %w", err)
	}
	return nil
}

// TryLead implements queue.Counters. The lease expires in Redis time: it is a physical
// duration between instances, not a rule judged at the caller's instant.
func (c *QueueCounters) TryLead(ctx context.Context, instance string, _ time.Time, ttl time.Duration) (bool, error) {
	n, err := queueLead.Run(ctx, c.rdb, []string{c.lead}, instance, ttlMillis(ttl)).Int()
	if err != nil {
		return false, fmt.Errorf("redis queue lead: %w", err)
	}
	return n == 1, nil
}

// run runs a script that answers -1 when the counters are lost.
func (c *QueueCounters) run(ctx context.Context, what string, s *goredis.Script, args ...any) error {
	n, err := s.Run(ctx, c.rdb, c.keys[:1], args...).Int()
	if err != nil {
		return fmt.Errorf("redis queue %s: %w", what, err)
	}
	if n < 0 {
		return queue.ErrLost
	}
	return nil
}

func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// floatArg writes a float so that Lua's tonumber reads back the same double.
func floatArg(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
