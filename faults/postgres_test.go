package faults_test

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// restartPostgres restarts the local cluster the way an operator would. It disturbs
// every other user of the server, which is why the fault tests run on their own.
func restartPostgres(t *testing.T) error {
	versions, _ := os.ReadDir("/etc/postgresql")
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil || len(versions) != 1 {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			t.Fatalf("cannot restart PostgreSQL here (pg_ctlcluster: %v, clusters %d)", err, len(versions))
		}
		t.Skip("no single local PostgreSQL cluster to restart")
	}
	out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", versions[0].Name(), "main", "restart").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctlcluster restart: %v\n%s", err, out)
	}
	return nil
}

// TestPostgresRestartMidSurgeAnswers503ThenRecovers restarts PostgreSQL while residents
// book and read their bookings: while it is down, the service answers 503 "unavailable"
// with Retry-After (never a 500), and afterwards it answers normally again without
// being restarted.
func TestPostgresRestartMidSurgeAnswers503ThenRecovers(t *testing.T) {
	// The test retries one resident's booking every 50 ms through the restart, far
	// faster than a page that honours Retry-After: under the default per-person limit
	// (20 a minute) a restart that refuses connections for a few seconds would spend
	// that resident's budget and leave them 429 for the rest of the minute, which is
	// the limit doing its work, not the recovery this test is about.
	c := newCluster(t, "--queue-auto=false", "--limit-booking-person", "100000")
	n := c.start()
	rs := group2(60)
	readyAll(t, rs, []string{n.base})

	var (
		mu     sync.Mutex
		counts = map[string]int{} // "book 503 unavailable retry-after" and the like
		bad    []string
		acked  []int64
	)
	record := func(what string, a answer, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", what, err))
			return
		}
		key := fmt.Sprintf("%s %d %s", what, a.status, a.code())
		if a.status == 503 && a.header.Get("Retry-After") != "" {
			key += " with Retry-After"
		}
		counts[key]++
		if id := a.reservationID(); id != 0 {
			acked = append(acked, id)
		}
		if a.status >= 500 && (a.status != 503 || a.code() != "unavailable" || a.header.Get("Retry-After") == "") {
			bad = append(bad, fmt.Sprintf("%s: %v (Retry-After %q)", what, a, a.header.Get("Retry-After")))
		}
	}

	// Residents book one after another while the booked ones read their booking, so
	// both writes and reads are in flight when the server goes away.
	restarted := make(chan error, 1)
	next := 0
	book := func() answer {
		r := rs[next]
		site, date := siteFor(next)
		a, err := r.book(n.base, site, date)
		record("book", a, err)
		if a.reservationID() != 0 || a.code() == "already_booked" {
			next++
		}
		if next > 0 {
			a, err := rs[next-1].do("GET", n.base+"/api/v1/campaigns/1/reservation", nil)
			record("read", a, err)
		}
		return a
	}
	for range 10 {
		book()
	}
	go func() { restarted <- restartPostgres(t) }()
	began := time.Now()
	var restartErr error
	// PostgreSQL may take a while to stop accepting work, and bookings succeed until it
	// does: keep some residents back for the recovery, and only read while they wait.
	const spare = 10
	for done := false; !done; time.Sleep(50 * time.Millisecond) {
		if next < len(rs)-spare {
			book()
		} else {
			a, err := rs[next-1].do("GET", n.base+"/api/v1/campaigns/1/reservation", nil)
			record("read", a, err)
		}
		select {
		case restartErr = <-restarted:
			done = true
		default:
		}
	}
	if restartErr != nil {
		t.Fatal(restartErr)
	}
	t.Logf("PostgreSQL restarted in %v", time.Since(began).Round(time.Millisecond))

	// The same process answers normally again: a booking succeeds within 30 s.
	answers := func() string {
		mu.Lock()
		defer mu.Unlock()
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, fmt.Sprintf("%s: %d", k, counts[k]))
		}
		sort.Strings(keys)
		return strings.Join(keys, ", ")
	}
	var recovered time.Duration
	for deadline := time.Now().Add(30 * time.Second); next < len(rs); time.Sleep(100 * time.Millisecond) {
		if a := book(); a.reservationID() != 0 {
			recovered = time.Since(began)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no booking succeeded within 30 s of the restart; answers: %s", answers())
		}
	}
	if recovered == 0 {
		t.Fatal("ran out of residents before the service recovered")
	}
	t.Logf("answers around the restart: %s; booking again %v after the restart began", answers(), recovered.Round(time.Millisecond))
	mu.Lock()
	defer mu.Unlock()
	for _, b := range bad {
		t.Errorf("during the restart: %s, want 503 unavailable with Retry-After", b)
	}
	checkInvariants(t, c.db, acked)
}
