package batch_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/batch"
)

// fakeSessions refuses sign-ins of person keys starting with "bad" and records the size
// of every SignIn call; the other methods are not used by these tests.
type fakeSessions struct {
	vaxbook.Sessions
	gate chan struct{}

	mu    sync.Mutex
	sizes []int
}

func (f *fakeSessions) SignIn(ctx context.Context, reqs []vaxbook.SignInRequest) []error {
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sizes = append(f.sizes, len(reqs))
	out := make([]error, len(reqs))
	for i, r := range reqs {
		if len(r.Person.Key) >= 3 && r.Person.Key[:3] == "bad" {
			out[i] = vaxbook.Errorf(vaxbook.CodeInvalidInput, "bad")
		}
	}
	return out
}

func signInReq(key string) []vaxbook.SignInRequest {
	return []vaxbook.SignInRequest{{Person: vaxbook.Person{Key: key}, Session: vaxbook.Session{IDHash: "s-" + key}}}
}

func TestSessionsGatherConcurrentSignInsAndAnswerEachAlone(t *testing.T) {
	f := &fakeSessions{gate: make(chan struct{})}
	s := batch.NewSessions(f, batch.Config{MaxBatch: 64, MaxWait: 50 * time.Millisecond, Flushers: 1})
	defer s.Close()
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		key := fmt.Sprintf("k%d", i)
		if i%10 == 3 {
			key = "bad" + key
		}
		wg.Go(func() { errs[i] = s.SignIn(t.Context(), signInReq(key))[0] })
	}
	time.Sleep(20 * time.Millisecond) // let them queue behind the first call
	close(f.gate)
	wg.Wait()
	for i, err := range errs {
		want := vaxbook.Code("")
		if i%10 == 3 {
			want = vaxbook.CodeInvalidInput
		}
		if got := vaxbook.ErrorCode(err); got != want {
			t.Errorf("sign-in %d: %v, want code %q", i, err, want)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	total := 0
	for _, n := range f.sizes {
		total += n
	}
	if total != n || len(f.sizes) >= n {
		t.Errorf("store calls of sizes %v: want all %d sign-ins in fewer calls", f.sizes, n)
	}
}

func TestSessionsAfterCloseAreUnavailable(t *testing.T) {
	s := batch.NewSessions(&fakeSessions{}, batch.Config{})
	if err := s.SignIn(t.Context(), signInReq("k1"))[0]; err != nil {
		t.Fatalf("SignIn before Close: %v", err)
	}
	s.Close()
	if got := vaxbook.ErrorCode(s.SignIn(t.Context(), signInReq("k2"))[0]); got != vaxbook.CodeUnavailable {
		t.Fatalf("SignIn after Close: code %q, want unavailable", got)
	}
}

func TestSessionsCountTheirBatches(t *testing.T) {
	s := batch.NewSessions(&fakeSessions{}, batch.Config{MaxWait: time.Millisecond})
	defer s.Close()
	s.SignIn(t.Context(), append(signInReq("k1"), signInReq("bad1")...))
	st := s.Stats()
	if st.Batches != 1 || st.Requests != 2 || st.Failed != 1 || st.InFlight != 0 {
		t.Fatalf("Stats = %+v; want one batch of two with one refused, none in flight", st)
	}
}
