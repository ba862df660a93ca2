package queue_test

import (
	"testing"

	"vaxbook/queue"
	"vaxbook/queue/queuetest"
)

// swappable lets a test empty the in-process counters under a running Room, as a
// restart of the process holding them would.
type swappable struct{ queue.Counters }

func TestLostCountersKeepTicketsAndOrder(t *testing.T) {
	c := &swappable{queue.NewMemCounters()}
	queuetest.RunLoss(t, c, func(*testing.T) { c.Counters = queue.NewMemCounters() })
}
