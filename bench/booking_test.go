package bench_test

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"vaxbook"
	"vaxbook/bench"
	"vaxbook/postgres/pgtest"
	"vaxbook/sqlite/sqlitetest"
)

// options returns small options for a test run, or the full defaults when
// VAXBOOK_BENCH=full, so that `VAXBOOK_BENCH=full go test ./bench -run X -v` measures.
func options(tb testing.TB) bench.BookingOptions {
	if os.Getenv("VAXBOOK_BENCH") == "full" {
		o := bench.BookingOptions{}
		o.Bookings = envInt("VAXBOOK_BENCH_BOOKINGS")
		o.Concurrency = envInt("VAXBOOK_BENCH_CONCURRENCY")
		o.Batch.MaxBatch = envInt("VAXBOOK_BENCH_MAX_BATCH")
		o.Batch.Flushers = envInt("VAXBOOK_BENCH_FLUSHERS")
		return o
	}
	return bench.BookingOptions{Bookings: 3000, Concurrency: 64, Sites: 40, Dates: 3, Repeats: 0.05}
}

// envInt returns the number in the environment variable, or 0 (the default) if unset.
func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

func TestBookingOnSQLiteKeepsEveryInvariant(t *testing.T) {
	check(t, sqlitetest.OpenStore(t), "sqlite")
}

func TestBookingOnPostgresKeepsEveryInvariant(t *testing.T) {
	check(t, pgtest.OpenStore(t), "postgres")
}

// check runs the benchmark and fails on a broken invariant or an outcome no request
// should have.
func check(t *testing.T, s vaxbook.Store, engine string) {
	o := options(t)
	o.Engine = engine
	r, err := bench.Booking(t.Context(), s, o)
	out, _ := json.Marshal(r)
	t.Logf("%s", out)

	if err != nil {
		t.Fatalf("Booking: %v", err)
	}
	if r.Overbooked != 0 || r.DoubleBooked != 0 || r.CounterDrift != 0 {
		t.Errorf("overbooked %d, double booked %d, counter drift %d; want none", r.Overbooked, r.DoubleBooked, r.CounterDrift)
	}
	for _, outcomes := range []map[string]int{r.Outcomes, r.BaselineOutcomes} {
		for code, n := range outcomes {
			switch code {
			case "ok", string(vaxbook.CodeAlreadyBooked), string(vaxbook.CodeShareFull):
			default:
				t.Errorf("%d requests ended %s", n, code)
			}
		}
		if outcomes["ok"] == 0 || outcomes[string(vaxbook.CodeAlreadyBooked)] == 0 {
			t.Errorf("outcomes %v: want bookings and repeated persons refused", outcomes)
		}
	}
}
