package batch_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/batch"
)

// fakeStore books every request whose person key does not start with "full" and
// records the size of every call. If gate is set, each call waits for it first.
type fakeStore struct {
	gate chan struct{}

	mu     sync.Mutex
	sizes  []int
	people map[string]int
}

func (f *fakeStore) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sizes = append(f.sizes, len(reqs))
	if f.people == nil {
		f.people = map[string]int{}
	}
	out := make([]vaxbook.BookResult, len(reqs))
	for i, r := range reqs {
		f.people[r.PersonKey]++
		if strings.HasPrefix(r.PersonKey, "full") {
			out[i].Err = vaxbook.Errorf(vaxbook.CodeShareFull, "full")
			continue
		}
		out[i].Reservation = vaxbook.Reservation{PersonKey: r.PersonKey, SiteID: r.SiteID}
	}
	return out
}

func (f *fakeStore) calls() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.sizes...)
}

func (f *fakeStore) seen(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.people[key]
}

func req(key string, site int64) vaxbook.BookRequest {
	return vaxbook.BookRequest{PersonKey: key, SiteID: site}
}

func TestEveryCallerGetsItsOwnResults(t *testing.T) {
	f := &fakeStore{}
	c := batch.New(f, batch.Config{MaxBatch: 32, MaxWait: time.Millisecond})
	defer c.Close()
	var wg sync.WaitGroup
	for g := range 500 {
		wg.Go(func() {
			n := 1 + g%3
			var reqs []vaxbook.BookRequest
			for i := range n {
				key := fmt.Sprintf("p%d-%d", g, i)
				if g%7 == 0 && i == 0 {
					key = "full" + key
				}
				reqs = append(reqs, req(key, int64(g*10+i)))
			}
			res := c.Book(t.Context(), reqs)
			if len(res) != n {
				t.Errorf("caller %d: %d results for %d requests", g, len(res), n)
				return
			}
			for i, r := range res {
				full := strings.HasPrefix(reqs[i].PersonKey, "full")
				switch {
				case full && vaxbook.ErrorCode(r.Err) != vaxbook.CodeShareFull:
					t.Errorf("caller %d result %d: %v, want share_full", g, i, r.Err)
				case !full && r.Err != nil:
					t.Errorf("caller %d result %d: %v, want success beside a failure", g, i, r.Err)
				case !full && (r.Reservation.PersonKey != reqs[i].PersonKey || r.Reservation.SiteID != reqs[i].SiteID):
					t.Errorf("caller %d result %d: reservation of %s at %d, want %s at %d", g, i,
						r.Reservation.PersonKey, r.Reservation.SiteID, reqs[i].PersonKey, reqs[i].SiteID)
				}
			}
		})
	}
	wg.Wait()
	calls := f.calls()
	total, most := 0, 0
	for _, n := range calls {
		total += n
		most = max(most, n)
	}
	const want = 999 // 500 callers of 1, 2 or 3 requests
	if total != want || most > 32 {
		t.Errorf("store saw %d requests in %d calls, largest %d; want %d, none above 32", total, len(calls), most, want)
	}
	if len(calls) == 500 {
		t.Errorf("every caller had a store call of its own: nothing was batched")
	}
	st := c.Stats()
	if st.Requests != want || st.Batches != uint64(len(calls)) || st.SizeCounts[5] != st.Batches {
		t.Errorf("stats %+v, want %d requests in %d batches, all of at most 32", st, want, len(calls))
	}
}

func TestALoneRequestWaitsAtMostMaxWait(t *testing.T) {
	f := &fakeStore{}
	c := batch.New(f, batch.Config{MaxWait: 20 * time.Millisecond})
	defer c.Close()
	start := time.Now()
	res := c.Book(t.Context(), []vaxbook.BookRequest{req("p", 1)})
	if took := time.Since(start); res[0].Err != nil || took > time.Second {
		t.Errorf("Book: %v after %v, want a booking after about MaxWait", res[0].Err, took)
	}
}

func TestACallerThatGivesUpBeforeItsBatchStartsIsDropped(t *testing.T) {
	f := &fakeStore{gate: make(chan struct{})}
	c := batch.New(f, batch.Config{MaxBatch: 1, Flushers: 1})
	defer c.Close()
	first := make(chan []vaxbook.BookResult)
	go func() { first <- c.Book(context.Background(), []vaxbook.BookRequest{req("first", 1)}) }()
	waitFor(t, func() bool { return queued(c) })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan []vaxbook.BookResult)
	go func() { done <- c.Book(ctx, []vaxbook.BookRequest{req("second", 2)}) }()
	time.Sleep(20 * time.Millisecond) // let the second call queue behind the blocked first
	cancel()
	if res := <-done; !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("cancelled caller: %v, want context.Canceled", res[0].Err)
	}
	close(f.gate)
	if res := <-first; res[0].Err != nil {
		t.Errorf("first caller: %v", res[0].Err)
	}
	c.Close()
	if n := f.seen("second"); n != 0 {
		t.Errorf("the dropped request reached the store %d times", n)
	}
	if st := c.Stats(); st.Dropped != 1 {
		t.Errorf("Dropped = %d, want 1", st.Dropped)
	}
}

func TestACallerThatGivesUpAfterItsBatchStartedMayStillBeBooked(t *testing.T) {
	f := &fakeStore{gate: make(chan struct{})}
	c := batch.New(f, batch.Config{})
	defer c.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan []vaxbook.BookResult)
	go func() { done <- c.Book(ctx, []vaxbook.BookRequest{req("p", 1)}) }()
	waitFor(t, func() bool { return queued(c) })
	cancel()
	if res := <-done; !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("cancelled caller: %v, want context.Canceled", res[0].Err)
	}
	close(f.gate)
	c.Close()
	if n := f.seen("p"); n != 1 {
		t.Errorf("the started request reached the store %d times, want 1", n)
	}
}

func TestCloseAnswersEveryQueuedCaller(t *testing.T) {
	f := &fakeStore{gate: make(chan struct{})}
	c := batch.New(f, batch.Config{MaxBatch: 8, Flushers: 1})
	var wg sync.WaitGroup
	results := make([][]vaxbook.BookResult, 40)
	for i := range results {
		wg.Go(func() { results[i] = c.Book(context.Background(), []vaxbook.BookRequest{req(fmt.Sprint(i), 1)}) })
	}
	waitFor(t, func() bool { return queued(c) })
	time.Sleep(20 * time.Millisecond) // let the callers queue
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	close(f.gate)
	<-closed
	wg.Wait()
	for i, res := range results {
		if res[0].Err != nil && vaxbook.ErrorCode(res[0].Err) != vaxbook.CodeUnavailable {
			t.Errorf("caller %d: %v, want booked or unavailable", i, res[0].Err)
		}
		if res[0].Err == nil && f.seen(fmt.Sprint(i)) != 1 {
			t.Errorf("caller %d booked but the store never saw it", i)
		}
	}
	if res := c.Book(t.Context(), []vaxbook.BookRequest{req("late", 1)}); vaxbook.ErrorCode(res[0].Err) != vaxbook.CodeUnavailable {
		t.Errorf("Book after Close: %v, want unavailable", res[0].Err)
	}
}

// queued reports whether some request is inside a store call; with a gated store that
// means the first batch has started and waits at the gate.
func queued(c *batch.Committer) bool { return c.Stats().InFlight > 0 }

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

// silentStore never answers by itself, as a primary frozen by a network partition: it
// returns only when the call's context ends, the way the drivers do.
type silentStore struct{}

func (silentStore) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	<-ctx.Done()
	out := make([]vaxbook.BookResult, len(reqs))
	for i := range out {
		out[i].Err = vaxbook.Errorf(vaxbook.CodeUnavailable, "database did not answer: %v", ctx.Err())
	}
	return out
}

// TestASilentDatabaseEndsTheBatchAtItsTimeout: callers are answered "unavailable"
// after Config.Timeout, not held until the operating system drops the connection.
func TestASilentDatabaseEndsTheBatchAtItsTimeout(t *testing.T) {
	c := batch.New(silentStore{}, batch.Config{Timeout: 50 * time.Millisecond})
	defer c.Close()
	done := make(chan []vaxbook.BookResult, 1)
	go func() { done <- c.Book(context.Background(), []vaxbook.BookRequest{req("kim", 1)}) }()
	select {
	case res := <-done:
		if vaxbook.ErrorCode(res[0].Err) != vaxbook.CodeUnavailable {
			t.Fatalf("result %+v, want unavailable", res[0])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the batch outlived its timeout")
	}
}
