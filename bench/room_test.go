package bench_test

import (
	"os"
	"strconv"
	"testing"

	"vaxbook/bench"
)

// TestHeapStaysFlatWhileMillionsWait runs bench.Tickets: 20,000 tickets by default
// (the kept tickets for polling grow the heap by about 2 kB per hundred), 2,000,000
// with VAXBOOK_BENCH_TICKETS=2000000. The requirement: under 50 MB of growth.
func TestHeapStaysFlatWhileMillionsWait(t *testing.T) {
	n := 20_000 // the race detector makes every join ~10× slower
	if v, err := strconv.Atoi(os.Getenv("VAXBOOK_BENCH_TICKETS")); err == nil {
		n = v
	}
	res, err := bench.Tickets(t.Context(), n)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res)
	if g := res.HeapGrowth(); g > 50<<20 {
		t.Errorf("heap grew %d MB for %d tickets, want under 50 MB", g>>20, n)
	}
}
