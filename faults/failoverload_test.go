package faults_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// retryLoad is a surge whose residents behave as the pages tell them to: a 503 or a
// dead connection is retried on the other instance until the booking is acknowledged
// or refused as already booked, so a failover shows both what was acknowledged and
// when booking worked again.
type retryLoad struct {
	mu       sync.Mutex
	acked    []int64     // every acknowledged reservation
	ackedAt  []time.Time // when each acknowledgement arrived
	sentAt   []time.Time // when the request that got it was sent
	already  int         // retries answered "already_booked": committed, answer lost
	gaveUp   []string
	answers  map[string]int // "503 unavailable" and the like, for the log
	bad      []string       // answers a failover must never give
	attempts int
}

// run books every resident of rs, one starting every gap, resident i first at
// bases[i%len(bases)], and calls fault once after the at-th resident started.
func (l *retryLoad) run(rs []*resident, bases []string, gap time.Duration, at int, fault func()) {
	l.answers = map[string]int{}
	var wg sync.WaitGroup
	for i, r := range rs {
		if i == at && fault != nil {
			fault()
		}
		site, date := siteFor(i)
		wg.Go(func() {
			for k, deadline := 0, time.Now().Add(90*time.Second); ; k++ {
				base := bases[(i+k)%len(bases)]
				sent := time.Now()
				a, err := r.book(base, site, date)
				if l.record(a, err, sent) {
					return
				}
				if time.Now().After(deadline) {
					l.mu.Lock()
					l.gaveUp = append(l.gaveUp, fmt.Sprintf("%s: last answer %v %v", r.who.Phone, a, err))
					l.mu.Unlock()
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
		})
		time.Sleep(gap)
	}
	wg.Wait()
}

// record notes one answer and reports whether the resident is done.
func (l *retryLoad) record(a answer, err error, sent time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts++
	if err != nil {
		l.answers["transport error"]++
		return false
	}
	key := fmt.Sprintf("%d %s", a.status, a.code())
	l.answers[key]++
	switch {
	case a.reservationID() != 0:
		l.acked = append(l.acked, a.reservationID())
		l.ackedAt = append(l.ackedAt, time.Now())
		l.sentAt = append(l.sentAt, sent)
		return true
	case a.status == 409 && a.code() == "already_booked":
		l.already++
		return true
	case a.status == 503 && a.code() == "unavailable" && a.header.Get("Retry-After") != "":
		return false
	case a.status == 401 || a.status == 403 || a.status == 409 || a.status >= 500:
		// Anything else is a failover leaking through: a 500, a 503 without its
		// Retry-After, or a session or pass forgotten.
		l.bad = append(l.bad, fmt.Sprintf("%v (Retry-After %q)", a, a.header.Get("Retry-After")))
		return a.status < 500
	}
	l.bad = append(l.bad, a.String())
	return true
}

// firstAfter is the time from t to the first acknowledgement of a request sent after
// t: the service booking again, not an answer that was already on its way.
func (l *retryLoad) firstAfter(t time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var best time.Duration
	for i, at := range l.ackedAt {
		if l.sentAt[i].After(t) && (best == 0 || at.Sub(t) < best) {
			best = at.Sub(t)
		}
	}
	return best
}

// ackedBetween counts the acknowledgements of requests sent after from that arrived
// before to.
func (l *retryLoad) ackedBetween(from, to time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for i, at := range l.ackedAt {
		if l.sentAt[i].After(from) && at.Before(to) {
			n++
		}
	}
	return n
}

// summary lists the answers seen, for the log.
func (l *retryLoad) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(l.answers))
	for k, n := range l.answers {
		keys = append(keys, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// check fails t on answers a failover must never give and on residents left without
// an answer.
func (l *retryLoad) check(t *testing.T) {
	t.Helper()
	for _, b := range l.bad {
		t.Errorf("during the failover: %s, want 201, 409 already_booked or 503 unavailable with Retry-After", b)
	}
	for _, g := range l.gaveUp {
		t.Errorf("gave up after 90 s: %s", g)
	}
}
