package redis_test

import (
	"testing"

	"vaxbook"
	"vaxbook/guardtest"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

func TestPassesConformance(t *testing.T) {
	guardtest.RunPasses(t, func(t *testing.T) vaxbook.Passes {
		rdb, prefix := redistest.Client(t)
		return redis.NewPasses(rdb, prefix)
	})
}

func TestSessionEndsConformance(t *testing.T) {
	guardtest.RunSessionEnds(t, func(t *testing.T) (vaxbook.SessionEnds, vaxbook.SessionEnds) {
		rdb, prefix := redistest.Client(t)
		return redis.NewSessionEnds(rdb, prefix), redis.NewSessionEnds(rdb, prefix)
	})
}
