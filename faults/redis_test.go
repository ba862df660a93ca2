package faults_test

import (
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"
)

// TestRedisEmptiedMidSurgeKeepsTheLineAndOneBooking empties the cluster's Redis keys
// (as a Redis restarted without persistence would) while people wait at two instances:
// the line goes on in the order people joined, and a person who already booked cannot
// book again, from the same device or a new one, because the database judges that.
func TestRedisEmptiedMidSurgeKeepsTheLineAndOneBooking(t *testing.T) {
	c := newCluster(t, "--queue-auto=false")
	a := c.start()
	b := c.start()
	bases := []string{a.base, b.base}
	rs := group2(9)
	booked, line := rs[0], rs[1:]
	if err := booked.ready(a.base); err != nil {
		t.Fatal(err)
	}
	site, date := siteFor(0)
	if got, err := booked.book(a.base, site, date); err != nil || got.reservationID() == 0 {
		t.Fatalf("first booking: %v %v", got, err)
	}

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

	keys := deletePrefix(t, c.redisURL, c.prefix)
	t.Logf("deleted %d Redis keys under %s with people waiting", keys, c.prefix)
	if keys == 0 {
		t.Fatal("nothing to delete: the instances keep no state in Redis")
	}
	time.Sleep(500 * time.Millisecond) // a few ticks of the rooms' loops

	// Everyone still stands in the line, in the order they joined.
	wantLineInOrder(t, line, bases, "after the loss")

	// Admission resumes slowly enough to see its order: the admitted must always be a
	// prefix of the line. One instance's snapshot only moves forward, so polling it from
	// the back of the line to the front sees a consistent prefix.
	// The body names only the rate: {"rate":2,"auto":false} sets the rate and then puts
	// back the instance's older snapshot of it (api.adminRate calls SetAuto after SetRate).
	admin(t, b.base, "PUT", "/api/v1/admin/queue/rate", `{"rate":2}`)
	admin(t, b.base, "POST", "/api/v1/admin/queue/resume", "")
	began, steps := time.Now(), map[int]bool{}
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
				t.Fatalf("person %d admitted before person %d after the loss: %v", i+1, n+1, admitted)
			}
		}
		steps[n] = true
		if n == len(line) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d admitted after the loss", n, len(line))
		}
	}
	t.Logf("the line of %d went on in join order after the loss: admitted over %v in %d distinct steps",
		len(line), time.Since(began).Round(time.Millisecond), len(steps))
	for _, r := range line {
		if err := r.admitted(b.base, 5*time.Second); err != nil {
			t.Error(err)
		}
	}

	// The person who booked before the loss tries again: same device, then a new one
	// (whose device lock Redis has forgotten). Neither may make a second booking.
	got, err := booked.book(b.base, site+1, date)
	t.Logf("same device books again after the loss: %v %v", got, err)
	if err != nil || got.status != 409 || got.code() != "already_booked" {
		if got.status != 401 && got.status != 403 { // a forgotten pass or lock refuses too
			t.Errorf("second booking from the same device: %v %v, want 409 already_booked", got, err)
		}
	}
	jar, _ := cookiejar.New(nil)
	again := &resident{who: booked.who, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if err := again.enter(b.base); err != nil {
		t.Fatal(err)
	}
	if err := again.verify(b.base); err != nil {
		t.Logf("verification on a new device after the loss: %v (refused: no second booking possible)", err)
	} else {
		got, err := again.book(b.base, site+2, date)
		t.Logf("new device, verified after the loss, books: %v %v", got, err)
		if err != nil || got.status != 409 || got.code() != "already_booked" {
			t.Errorf("second booking from a new device after the loss: %v %v, want 409 already_booked", got, err)
		}
	}
	if n := activeCount(t, c.db); n != 1 {
		t.Errorf("%d active reservations, want 1", n)
	}
	checkInvariants(t, c.db, nil)
}

// wantLineInOrder checks that every resident of line, asking the instances in turn,
// is still waiting (not admitted) at a position after the one before: the line kept its
// order through what happened (when).
func wantLineInOrder(t *testing.T, line []*resident, bases []string, when string) {
	t.Helper()
	last := 0.0
	for i, r := range line {
		got, err := r.do("GET", bases[i%len(bases)]+"/api/v1/queue/status", nil)
		if err != nil || got.status != 200 {
			t.Fatalf("status %d %s: %v %v", i, when, got, err)
		}
		pos, _ := got.body["position"].(float64)
		if got.body["admitted"] == true || pos <= last {
			t.Errorf("status %d %s: %v, want a position after %v", i, when, got, last)
		}
		last = pos
	}
}
