package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
)

var _ vaxbook.Passes = (*Passes)(nil)

// Passes is the shared vaxbook.Passes: one string key per pass, "<prefix>pass:<pass>",
// holding its person ("!" before the key once a booking ended it), expiring with the
// pass. If Redis is emptied the bindings are forgotten: a pass copied before then could
// verify a second person until it expires, as a pass could before binding existed.
type Passes struct {
	rdb    goredis.UniversalClient
	prefix string
}

// NewPasses returns Passes keeping their keys under prefix (DefaultPrefix if empty).
func NewPasses(rdb goredis.UniversalClient, prefix string) *Passes {
	return &Passes{rdb: rdb, prefix: keyPrefix(prefix)}
}

// endedMark starts the stored value of a pass a booking ended.
const endedMark = "!"

func (p *Passes) key(pass string) string { return p.prefix + "pass:" + pass }

// Bind implements vaxbook.Passes: SET NX binds, in one step, so that of two persons
// verifying under one pass at once exactly one wins; GET tells the loser who holds it.
func (p *Passes) Bind(ctx context.Context, pass, personKey string, ttl time.Duration) error {
	prev, err := p.rdb.SetArgs(ctx, p.key(pass), personKey, goredis.SetArgs{Mode: "NX", TTL: time.Duration(ttlMillis(ttl)) * time.Millisecond, Get: true}).Result()
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redis bind pass: %w", err)
	}
	if prev == personKey {
		return nil
	}
	return vaxbook.PassInUse(strings.HasPrefix(prev, endedMark))
}

// End implements vaxbook.Passes.
func (p *Passes) End(ctx context.Context, pass string, ttl time.Duration) error {
	holder, _, err := p.Holder(ctx, pass)
	if err != nil {
		return err
	}
	if err := p.rdb.Set(ctx, p.key(pass), endedMark+holder, time.Duration(ttlMillis(ttl))*time.Millisecond).Err(); err != nil {
		return fmt.Errorf("redis end pass: %w", err)
	}
	return nil
}

// Holder implements vaxbook.Passes.
func (p *Passes) Holder(ctx context.Context, pass string) (string, bool, error) {
	v, err := p.rdb.Get(ctx, p.key(pass)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("redis pass holder: %w", err)
	}
	v = strings.TrimPrefix(v, endedMark)
	return v, v != "", nil
}
