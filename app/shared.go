package app

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
	"vaxbook/congestion"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/phone"
	"vaxbook/redis"
)

// Send limits for one-time codes, per device and per phone number.
const (
	phoneStarts      = 5
	phoneStartWindow = 10 * time.Minute
)

// shared is the short-lived state that several instances must agree on. Without Redis
// it lives in this process, which is right for one instance and wrong for two.
type shared struct {
	guard      vaxbook.Guard
	challenges phone.Challenges
	limiter    vaxbook.Limiter
	line       congestion.Line
	rdb        *goredis.Client // nil in-process
}

// openShared builds the shared state in Redis when cfg.Redis is set, else in-process.
// The congestion lines come later, from openLines, once the methods are known.
func openShared(ctx context.Context, cfg Config, clock vaxbook.Clock, sealer *identity.Sealer) (*shared, error) {
	if cfg.Redis == "" {
		return &shared{
			guard: inmem.NewGuard(), challenges: inmem.NewChallenges(),
			limiter: inmem.NewLimiter(phoneStarts, phoneStartWindow),
		}, nil
	}
	rdb, err := redis.Open(ctx, cfg.Redis)
	if err != nil {
		return nil, fmt.Errorf("open redis: %w", err)
	}
	limiter, err := redis.NewLimiter(rdb, cfg.RedisPrefix, phoneStarts, phoneStartWindow)
	if err != nil {
		rdb.Close()
		return nil, err
	}
	return &shared{
		guard: redis.NewGuard(rdb, cfg.RedisPrefix), challenges: redis.NewChallenges(rdb, cfg.RedisPrefix, sealer),
		limiter: limiter, rdb: rdb,
	}, nil
}

// openLines builds the verification methods' congestion lines, shared through Redis
// when the instances share one.
func (s *shared) openLines(cfg Config, methods map[string]congestion.MethodConfig, clock vaxbook.Clock) error {
	var err error
	if s.rdb == nil {
		s.line, err = congestion.NewMem(methods, clock)
	} else {
		s.line, err = redis.NewLines(s.rdb, cfg.RedisPrefix, methods, clock)
	}
	return err
}

// Close releases the Redis connection, if any.
func (s *shared) Close() error {
	if s.rdb != nil {
		return s.rdb.Close()
	}
	return nil
}
