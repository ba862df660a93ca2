package bench_test

import (
	"context"
	"testing"
	"time"

	"vaxbook/bench"
)

// TestQueueBenchRuns checks that the queue benchmark runs end to end and reports real
// figures; the goals themselves are judged by `vaxbook bench queue`, not by a test.
func TestQueueBenchRuns(t *testing.T) {
	res, err := bench.Queue(context.Background(), bench.QueueOptions{Tickets: 3000, Workers: 4, Seconds: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tickets != 3000 || res.StatusPerS <= 0 || res.BaselinePerS <= 0 || res.Errors != 0 || res.Ratio <= 0 {
		t.Errorf("result %+v", res)
	}
}
