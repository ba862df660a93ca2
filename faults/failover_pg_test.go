package faults_test

import (
	"syscall"
	"testing"
	"time"
)

// failoverFlags keep bookings in flight long enough for the fault to land among them,
// and the instances' pool small enough that reconnecting is quick to see.
var failoverFlags = []string{"--batch-wait", "100ms", "--queue-auto=false"}

// TestPrimaryKilledStandbyPromotedNoAcknowledgedBookingLost kills the PostgreSQL
// primary's machine (Patroni and PostgreSQL, kill -9) while residents book through two
// instances: Patroni promotes the synchronous standby, the instances reconnect by
// themselves through the multi-host URL, and every booking acknowledged before or after
// the kill is on the new primary, with no share overbooked and no counter drifting.
func TestPrimaryKilledStandbyPromotedNoAcknowledgedBookingLost(t *testing.T) {
	requireHA(t)
	pg := startPatroni(t)
	rd := startSentinel(t)
	c := newHACluster(t, pg, rd, failoverFlags...)
	a, b := c.start(), c.start()
	bases := []string{a.base, b.base}
	rs := group2(60)
	readyAll(t, rs, bases)

	old := pg.leader(t)
	var killed time.Time
	load := &retryLoad{}
	load.run(rs, bases, 40*time.Millisecond, len(rs)/3, func() {
		old.signal(t, syscall.SIGKILL)
		killed = time.Now()
	})
	promoted := pg.leader(t)
	if promoted == old {
		t.Fatalf("%s is still the leader after its kill", old.name)
	}
	recovery := load.firstAfter(killed)
	t.Logf("primary %s killed; %s promoted; answers: %s", old.name, promoted.name, load.summary())
	t.Logf("PostgreSQL failover: %d acknowledged bookings, %d already booked on retry, first booking sent after the kill acknowledged %v after it",
		len(load.acked), load.already, recovery.Round(time.Millisecond))
	load.check(t)
	if recovery == 0 {
		t.Fatal("no booking sent after the kill was acknowledged")
	}
	// The target of the issue; timings on a shared CI machine vary, so it is logged
	// and only a far slower recovery fails.
	if recovery > 45*time.Second {
		t.Errorf("booking worked again %v after the kill, want well under 45 s (target 15 s)", recovery)
	}
	checkInvariants(t, promoted.url(), load.acked)
	if got := activeCount(t, promoted.url()); got != len(rs) {
		t.Errorf("%d active reservations on the new primary, want one per resident (%d)", got, len(rs))
	}
}

// TestPrimaryPartitionedNoSplitBrain stops the primary's machine (SIGSTOP: it neither
// answers nor dies, as behind a network partition) while residents book, waits for
// Patroni to promote the standby, then lets the old primary run again. Synchronous
// commit means the old primary can acknowledge nothing the standby did not receive,
// and Patroni demotes it when it wakes without the leader key: every acknowledged
// booking is on the new primary, whichever server took it.
func TestPrimaryPartitionedNoSplitBrain(t *testing.T) {
	requireHA(t)
	pg := startPatroni(t)
	rd := startSentinel(t)
	c := newHACluster(t, pg, rd, failoverFlags...)
	a, b := c.start(), c.start()
	bases := []string{a.base, b.base}
	rs := group2(60)
	readyAll(t, rs, bases)

	old := pg.leader(t)
	var standby *pgNode
	for _, n := range pg.nodes {
		if n != old {
			standby = n
		}
	}
	var stopped, promoted, resumed time.Time
	var promoteErr, resumeErr error
	healed := make(chan struct{})
	load := &retryLoad{}
	load.run(rs, bases, 40*time.Millisecond, len(rs)/3, func() {
		old.signal(t, syscall.SIGSTOP)
		stopped = time.Now()
		// The partition lasts past the promotion, with bookings still arriving,
		// then heals: the moment an old primary that kept writing would show.
		go func() {
			defer close(healed)
			promoted, promoteErr = awaitPromoted(standby, 60*time.Second)
			if promoteErr == nil {
				time.Sleep(3 * time.Second)
			}
			resumed = time.Now()
			resumeErr = old.send(syscall.SIGCONT)
		}()
	})
	<-healed
	if promoteErr != nil || resumeErr != nil {
		t.Fatalf("promotion: %v; resuming the old primary: %v", promoteErr, resumeErr)
	}
	t.Logf("primary %s stopped; %s promoted %v later; %s resumed %v after the stop; answers: %s", old.name, standby.name,
		promoted.Sub(stopped).Round(time.Millisecond), old.name, resumed.Sub(stopped).Round(time.Millisecond), load.summary())
	recovery := load.firstAfter(stopped)
	t.Logf("partition: %d acknowledged bookings, %d already booked on retry, first booking sent after the stop acknowledged %v after it",
		len(load.acked), load.already, recovery.Round(time.Millisecond))
	load.check(t)
	// Until the leader key expires no server can commit: the old primary is frozen
	// and the standby still in recovery. The key was renewed at most loop_wait before
	// the stop, so nothing can be promoted for ttl-loop_wait seconds; an answer in that
	// time would come from a primary the stop did not freeze, and the test would
	// prove nothing. (The promotion is seen by polling, later than it happens, so it
	// cannot bound this.)
	frozen := time.Duration(patroniTTL-patroniLoopWait)*time.Second - 500*time.Millisecond
	if n := load.ackedBetween(stopped, stopped.Add(frozen)); n != 0 {
		t.Errorf("%d bookings sent after the stop were acknowledged within %v of it, with no primary to commit them", n, frozen)
	}
	if leader := pg.leader(t); leader != standby {
		t.Errorf("leader after the partition healed: %s, want %s", leader.name, standby.name)
	}
	// An acknowledgement from the old primary after the promotion would be a row the
	// new primary's timeline does not hold.
	checkInvariants(t, standby.url(), load.acked)
	if got := activeCount(t, standby.url()); got != len(rs) {
		t.Errorf("%d active reservations on the new primary, want one per resident (%d)", got, len(rs))
	}
}
