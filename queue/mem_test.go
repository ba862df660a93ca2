package queue_test

import (
	"testing"

	"vaxbook/queue"
	"vaxbook/queue/queuetest"
)

func TestMemCountersConform(t *testing.T) {
	queuetest.Run(t, func(*testing.T) queue.Counters { return queue.NewMemCounters() })
}
