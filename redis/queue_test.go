package redis_test

import (
	"testing"

	"vaxbook/queue"
	"vaxbook/queue/queuetest"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

func TestQueueCountersConform(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Counters {
		rdb, prefix := redistest.Client(t)
		return redis.NewQueueCounters(rdb, prefix)
	})
}

func TestQueueCountersEmptiedKeepTicketsAndOrder(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	queuetest.RunLoss(t, redis.NewQueueCounters(rdb, prefix), func(t *testing.T) {
		// Delete this queue's keys only, never FLUSHALL: other tests share the server.
		keys, err := rdb.Keys(t.Context(), prefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) > 0 {
			if err := rdb.Del(t.Context(), keys...).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
