package faults_test

import (
	"net/http"
	"net/http/cookiejar"
	"syscall"
	"testing"
	"time"
)

// TestRedisMasterKilledSentinelPromotesLineKeepsOrder kills the Redis master (kill -9)
// while admitted residents book through two instances and others wait in a paused
// line: the Sentinels promote the replica, the instances follow it through the failover
// client without a restart, the line keeps its order, nobody is admitted out of turn,
// and a person who booked stays booked, from the same device or a new one.
func TestRedisMasterKilledSentinelPromotesLineKeepsOrder(t *testing.T) {
	requireHA(t)
	pg := startPatroni(t)
	rd := startSentinel(t)
	c := newHACluster(t, pg, rd, failoverFlags...)
	a, b := c.start(), c.start()
	bases := []string{a.base, b.base}
	rs := group2(69)
	booked, bookers, line := rs[0], rs[1:61], rs[61:]
	readyAll(t, rs[:61], bases)
	site, date := siteFor(0)
	first, err := booked.book(a.base, site, date)
	if err != nil || first.reservationID() == 0 {
		t.Fatalf("first booking: %v %v", first, err)
	}
	acked := []int64{first.reservationID()}

	// The line forms while admission is paused, alternating between the instances.
	admin(t, a.base, "POST", "/api/v1/admin/queue/pause", "")
	for i, r := range line {
		r.do("POST", bases[i%2]+"/api/v1/queue/join", nil)
	}
	time.Sleep(1100 * time.Millisecond) // the confirming join must come after a delay
	for i, r := range line {
		got, err := r.do("POST", bases[i%2]+"/api/v1/queue/join", nil)
		if err != nil || got.status != 200 || got.body["position"] != float64(i+1) {
			t.Fatalf("join %d at %s: %v %v, want position %d", i, bases[i%2], got, err, i+1)
		}
	}

	old := rd.masterAddrs()[0]
	var killed, promoted, agreed time.Time
	load := &retryLoad{}
	load.run(bookers, bases, 40*time.Millisecond, len(bookers)/3, func() {
		rd.master.signal(syscall.SIGKILL)
		killed = time.Now()
	})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		addrs, moved := rd.masterAddrs(), 0
		for _, a := range addrs {
			if a != "" && a != old {
				moved++
			}
		}
		if moved > 0 && promoted.IsZero() {
			promoted = time.Now()
		}
		if moved == len(addrs) {
			agreed = time.Now()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Sentinels did not agree on a new master within 60 s: %v", addrs)
		}
	}
	recovery := load.firstAfter(killed)
	t.Logf("Redis master %s killed; a Sentinel named %s %v after the kill, all of them %v after it; answers: %s", old, rd.masterAddrs()[0],
		promoted.Sub(killed).Round(time.Millisecond), agreed.Sub(killed).Round(time.Millisecond), load.summary())
	t.Logf("Redis failover: %d acknowledged bookings, %d already booked on retry, first booking sent after the kill acknowledged %v after it",
		len(load.acked), load.already, recovery.Round(time.Millisecond))
	load.check(t)
	if recovery == 0 {
		t.Fatal("no booking sent after the kill was acknowledged")
	}
	acked = append(acked, load.acked...)

	// Everyone still stands in the line, in the order they joined.
	wantLineInOrder(t, line, bases, "after the failover")

	// Admission resumes slowly enough to see its order: the admitted must always be
	// a prefix of the line (see TestRedisEmptiedMidSurgeKeepsTheLineAndOneBooking).
	adminRetry(t, b.base, "PUT", "/api/v1/admin/queue/rate", `{"rate":2}`)
	adminRetry(t, b.base, "POST", "/api/v1/admin/queue/resume", "")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		admitted := make([]bool, len(line))
		for i := len(line) - 1; i >= 0; i-- {
			got, err := line[i].do("GET", b.base+"/api/v1/queue/status", nil)
			if err != nil {
				t.Fatal(err)
			}
			admitted[i] = got.body["admitted"] == true
		}
		n := 0
		for n < len(line) && admitted[n] {
			n++
		}
		for i := n; i < len(line); i++ {
			if admitted[i] {
				t.Fatalf("person %d admitted before person %d after the failover: %v", i+1, n+1, admitted)
			}
		}
		if n == len(line) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d admitted after the failover", n, len(line))
		}
	}
	for _, r := range line {
		if err := r.admitted(b.base, 5*time.Second); err != nil {
			t.Error(err)
		}
	}
	t.Logf("the line of %d kept its order across the failover and was admitted in it", len(line))

	// The person who booked before the failover tries again: same device, then a new
	// one. The database, not Redis, refuses the second booking.
	got, err := booked.book(b.base, site+1, date)
	if err != nil || got.status != 409 || got.code() != "already_booked" {
		t.Errorf("second booking from the same device after the failover: %v %v, want 409 already_booked", got, err)
	}
	jar, _ := cookiejar.New(nil)
	again := &resident{who: booked.who, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if err := again.enter(b.base); err != nil {
		t.Fatal(err)
	}
	if err := again.verify(b.base); err != nil {
		t.Logf("verification on a new device after the failover: %v (refused: no second booking possible)", err)
	} else if got, err := again.book(b.base, site+2, date); err != nil || got.status != 409 || got.code() != "already_booked" {
		t.Errorf("second booking from a new device after the failover: %v %v, want 409 already_booked", got, err)
	}
	checkInvariants(t, pg.url(), acked)
	if got, want := activeCount(t, pg.url()), 1+len(bookers); got != want {
		t.Errorf("%d active reservations, want %d (one per booking resident)", got, want)
	}
}
