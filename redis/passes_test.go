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
