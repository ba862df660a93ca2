package faults_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"vaxbook/postgres"
)

// outcome is what one resident's booking request came back with.
type outcome struct {
	r    *resident
	i    int    // the resident's place in the surge, which names its site and day
	base string // the instance asked
	a    answer
	err  error     // a transport error: the instance died or refused the connection
	done time.Time // when the answer (or the error) came
}

// readyAll takes every resident through the line and verification, resident i at
// bases[i%len(bases)], a few at a time, and fails the test if one cannot.
func readyAll(t *testing.T, rs []*resident, bases []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(rs))
	sem := make(chan struct{}, 16)
	for i, r := range rs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := r.ready(bases[i%len(bases)]); err != nil {
				errs <- fmt.Errorf("%s: %w", r.who.Phone, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// siteFor spreads bookings over sites and days so that no share runs out.
func siteFor(i int) (int, string) {
	return i%40 + 1, fmt.Sprintf("2021-09-%02d", 1+i/40)
}

// surge sends every resident's booking, resident i to bases[i%len(bases)], starting
// one every gap, and calls during(k) once after the k-th request has started, so a
// fault can land while requests are in flight.
func surge(rs []*resident, bases []string, gap time.Duration, at int, during func()) []outcome {
	out := make([]outcome, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		if i == at && during != nil {
			during()
		}
		base := bases[i%len(bases)]
		site, date := siteFor(i)
		wg.Go(func() {
			a, err := r.book(base, site, date)
			out[i] = outcome{r: r, i: i, base: base, a: a, err: err, done: time.Now()}
		})
		time.Sleep(gap)
	}
	wg.Wait()
	return out
}

// checkInvariants opens the store the cluster shares and checks, from the rows, that
// no share is overbooked or drifts from its reservations, that nobody holds two active
// reservations, and that every acknowledged reservation exists and is active.
func checkInvariants(t *testing.T, db string, acked []int64) {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := s.Audit(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Overbooked != 0 || a.DoubleBooked != 0 || a.CounterDrift != 0 || a.ActiveReservations != a.BookedTotal {
		t.Errorf("audit after the fault: %+v", a)
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, id := range acked {
		var status string
		if err := conn.QueryRow(ctx, "SELECT status FROM reservations WHERE id = $1", id).Scan(&status); err != nil {
			t.Errorf("acknowledged reservation %d: %v", id, err)
		} else if status != "booked" && status != "confirmed" {
			t.Errorf("acknowledged reservation %d is %s", id, status)
		}
	}
	t.Logf("audit: %+v; %d acknowledged reservations checked", a, len(acked))
}

// activeCount is how many active reservations the cluster's database holds.
func activeCount(t *testing.T, db string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM reservations WHERE status IN ('booked', 'confirmed')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
