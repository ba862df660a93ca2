package faults_test

import (
	"syscall"
	"testing"
	"time"
)

// slowCommit makes every booking wait for others to share its transaction for a while,
// so that a kill or a SIGTERM surely lands while bookings are in flight.
var slowCommit = []string{"--batch-wait", "300ms", "--queue-auto=false"}

// TestKill9MidSurgeLosesNoAcknowledgedBooking books through two instances, kills one
// with SIGKILL in the middle, and checks the promise: every booking acknowledged to a
// client exists afterwards, no share counter drifts, and a client whose request died
// retries on the surviving instance and gets a booking or "already_booked", never two.
func TestKill9MidSurgeLosesNoAcknowledgedBooking(t *testing.T) {
	c := newCluster(t, slowCommit...)
	a := c.start()
	b := c.start()
	rs := group2(60)
	bases := []string{a.base, b.base}
	readyAll(t, rs, bases)

	killed := false
	out := surge(rs, bases, 15*time.Millisecond, len(rs)/2, func() {
		a.cmd.Process.Signal(syscall.SIGKILL)
		killed = true
	})
	<-a.done
	if !killed {
		t.Fatal("the instance was not killed")
	}

	var acked []int64
	var lost, inFlight, retried, retryBooked, retryAlready int
	for _, o := range out {
		if o.i < len(rs)/2 && o.base == a.base && o.err != nil {
			inFlight++ // sent before the kill, so the instance had it when it died
		}
		if id := o.a.reservationID(); id != 0 && o.err == nil {
			acked = append(acked, id)
			continue
		}
		if o.err == nil && o.a.status < 500 {
			t.Errorf("%s at %s: %v, want 201 or a dead instance", o.r.who.Phone, o.base, o.a)
			continue
		}
		// The request died with the instance (or was refused by the dead one): the
		// client does not know whether it booked, so it asks the survivor.
		lost++
		site, date := siteFor(o.i)
		re, err := o.r.book(b.base, site, date)
		retried++
		switch {
		case err != nil:
			t.Errorf("retry of %s on the survivor: %v", o.r.who.Phone, err)
		case re.reservationID() != 0:
			retryBooked++
			acked = append(acked, re.reservationID())
		case re.status == 409 && re.code() == "already_booked":
			retryAlready++
		default:
			t.Errorf("retry of %s on the survivor: %v, want 201 or 409 already_booked", o.r.who.Phone, re)
		}
	}
	t.Logf("kill -9: %d acknowledged during the surge, %d requests lost with the instance (%d of them in flight at the kill), %d retried: %d booked on retry, %d already booked (committed but never acknowledged)",
		len(acked)-retryBooked, lost, inFlight, retried, retryBooked, retryAlready)
	if inFlight == 0 {
		t.Error("no request was in flight at the kill: it did not land mid-surge")
	}
	checkInvariants(t, c.db, acked)
	// Every resident ends with exactly one booking: the acknowledged ones plus those
	// committed by the dead instance that the retry reported as already booked.
	if got, want := activeCount(t, c.db), len(acked)+retryAlready; got != want || got != len(rs) {
		t.Errorf("%d active reservations, want %d (one per resident, %d residents)", got, want, len(rs))
	}
}

// TestSIGTERMFinishesInFlightBookings sends SIGTERM while bookings are in flight: every
// request the instance accepted before the signal is answered, every 201 is in the
// database, and the process exits 0.
func TestSIGTERMFinishesInFlightBookings(t *testing.T) {
	c := newCluster(t, slowCommit...)
	n := c.start()
	rs := group2(40)
	readyAll(t, rs, []string{n.base})

	at := len(rs) / 2
	var exit error
	sent := time.Time{}
	out := surge(rs, []string{n.base}, 10*time.Millisecond, at, func() {
		sent = time.Now()
		n.cmd.Process.Signal(syscall.SIGTERM)
	})
	select {
	case <-n.done:
		exit = n.err
	case <-time.After(40 * time.Second):
		t.Fatal("the instance did not exit after SIGTERM")
	}
	t.Logf("exit %v, %v after SIGTERM", exit, time.Since(sent).Round(time.Millisecond))
	if exit != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0\n%s", exit, tail(n.out.String(), 2000))
	}
	var acked []int64
	finished := 0 // acknowledged after the signal: in flight when it came
	for i, o := range out {
		if id := o.a.reservationID(); id != 0 && o.err == nil {
			acked = append(acked, id)
			if o.done.After(sent) {
				finished++
			}
		} else if i < at-1 {
			// Sent at least 10 ms before the signal: the server had the request.
			t.Errorf("%s sent before SIGTERM: %v %v, want 201", o.r.who.Phone, o.a, o.err)
		}
	}
	t.Logf("SIGTERM: %d of %d bookings acknowledged (%d sent before the signal, %d of them in flight and answered after it)", len(acked), len(rs), at, finished)
	if finished == 0 {
		t.Error("no booking was in flight at SIGTERM: the test proves nothing")
	}
	if len(acked) < at-1 {
		t.Errorf("only %d bookings acknowledged, want at least the %d sent before SIGTERM", len(acked), at-1)
	}
	checkInvariants(t, c.db, acked)
}
