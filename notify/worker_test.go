package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/notify"
)

// gateway is a fake SMS provider that, like a real one, delivers each idempotency key
// once and answers a repeat with 200.
type gateway struct {
	mu        sync.Mutex
	posts     map[string]int // requests per key
	delivered map[string]notify.GatewayRequest
	fail      atomic.Int32 // answer this many requests with 503 first
	status    atomic.Int32 // if set, answer every request with it
}

func newGateway(t *testing.T) (*gateway, *httptest.Server) {
	g := &gateway{posts: map[string]int{}, delivered: map[string]notify.GatewayRequest{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		var body notify.GatewayRequest
		if key == "" || json.NewDecoder(r.Body).Decode(&body) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		g.posts[key]++
		if s := g.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		if g.fail.Load() > 0 {
			g.fail.Add(-1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if _, ok := g.delivered[key]; !ok {
			g.delivered[key] = body
		}
	}))
	t.Cleanup(srv.Close)
	return g, srv
}

func (g *gateway) deliveries() map[string]notify.GatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[string]notify.GatewayRequest{}
	for k, v := range g.delivered {
		out[k] = v
	}
	return out
}

// crashingSender sends, then ends the worker's context before the worker can record
// the send: the process dying between the gateway's 200 and the UPDATE.
type crashingSender struct {
	notify.Sender
	crash context.CancelFunc
}

func (c crashingSender) Send(ctx context.Context, m notify.Message) error {
	err := c.Sender.Send(ctx, m)
	c.crash()
	return err
}

func fastConfig() notify.WorkerConfig {
	return notify.WorkerConfig{Lease: time.Minute, BaseDelay: time.Second, MaxDelay: time.Minute, MaxAttempts: 3}
}

func TestWorkerCrashBetweenSendAndMarkDeliversOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		sealer := mustSealer(t)
		rs := mustBookings(t, s, sealer, 1)
		g, srv := newGateway(t)
		sender := notify.NewGatewaySender(srv.URL, sealer, notify.GatewayConfig{Backoff: time.Millisecond})
		clock := vaxbook.NewManualClock(bookAt.Add(time.Second))

		ctx, crash := context.WithCancel(t.Context())
		w := notify.NewWorker(s, crashingSender{sender, crash}, clock, nil, fastConfig())
		if n, _ := w.RunOnce(ctx); n != 1 {
			t.Fatalf("first worker claimed %d, want 1", n)
		}
		if sent, _ := s.OutboxMessages(t.Context(), vaxbook.OutboxSent, 10); len(sent) != 0 {
			t.Fatalf("message marked sent although the worker crashed first")
		}
		// A restarted worker finds the row leased; once the lease ends it sends again.
		w2 := notify.NewWorker(s, sender, clock, nil, fastConfig())
		if n, err := w2.RunOnce(t.Context()); n != 0 || err != nil {
			t.Fatalf("restarted worker claimed %d (%v) inside the lease", n, err)
		}
		clock.Advance(2 * time.Minute)
		if n, err := w2.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("restarted worker claimed %d (%v), want 1", n, err)
		}
		key := vaxbook.IdempotencyKey(vaxbook.KindBooked, rs[0].ID)
		d := g.deliveries()
		if len(d) != 1 || d[key].To != "01000000000" || !strings.Contains(d[key].Text, "예약이 완료") {
			t.Errorf("deliveries = %+v, want one booked message to 01000000000 under %s", d, key)
		}
		if g.posts[key] != 2 {
			t.Errorf("gateway saw key %d times, want 2 (before and after the crash)", g.posts[key])
		}
		if sent, _ := s.OutboxMessages(t.Context(), vaxbook.OutboxSent, 10); len(sent) != 1 {
			t.Errorf("%d sent rows, want 1", len(sent))
		}
	})
}

func TestWorkerRetriesWithBackoffThenDeadAndOperatorRetry(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		sealer := mustSealer(t)
		mustBookings(t, s, sealer, 1)
		g, srv := newGateway(t)
		g.status.Store(http.StatusBadGateway)
		sender := notify.NewGatewaySender(srv.URL, sealer, notify.GatewayConfig{Attempts: 2, Backoff: time.Millisecond})
		clock := vaxbook.NewManualClock(bookAt.Add(time.Second))
		w := notify.NewWorker(s, sender, clock, nil, fastConfig())
		for i := range 3 {
			if n, err := w.RunOnce(t.Context()); n != 1 || err != nil {
				t.Fatalf("attempt %d claimed %d (%v)", i+1, n, err)
			}
			if n, _ := w.RunOnce(t.Context()); n != 0 {
				t.Fatalf("attempt %d: row due again before its backoff", i+1)
			}
			clock.Advance(2 * time.Minute)
		}
		dead, _ := s.OutboxMessages(t.Context(), vaxbook.OutboxDead, 10)
		if len(dead) != 1 || !strings.Contains(dead[0].LastError, "502") {
			t.Fatalf("dead = %+v, want the message with the gateway's 502", dead)
		}
		g.status.Store(0)
		if err := s.RetryDead(t.Context(), dead[0].ID, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if n, err := w.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("after operator retry claimed %d (%v)", n, err)
		}
		if len(g.deliveries()) != 1 {
			t.Errorf("%d deliveries, want 1", len(g.deliveries()))
		}
	})
}

func TestGatewayClientErrorIsPermanent(t *testing.T) {
	g, srv := newGateway(t)
	g.status.Store(http.StatusUnprocessableEntity)
	sealer := mustSealer(t)
	phone, _ := sealer.Seal("01012345678")
	err := notify.NewGatewaySender(srv.URL, sealer, notify.GatewayConfig{Backoff: time.Millisecond}).
		Send(t.Context(), notify.Message{IdempotencyKey: "booked:1", PhoneSealed: phone, Kind: vaxbook.KindBooked})
	if !notify.IsPermanent(err) || g.posts["booked:1"] != 1 {
		t.Errorf("Send = %v after %d posts, want a permanent error after 1", err, g.posts["booked:1"])
	}
}

func TestGatewayRetriesServerErrors(t *testing.T) {
	g, srv := newGateway(t)
	g.fail.Store(2)
	sealer := mustSealer(t)
	phone, _ := sealer.Seal("01012345678")
	err := notify.NewGatewaySender(srv.URL, sealer, notify.GatewayConfig{Attempts: 3, Backoff: time.Millisecond}).
		Send(t.Context(), notify.Message{IdempotencyKey: "booked:1", PhoneSealed: phone, Kind: vaxbook.KindBooked})
	if err != nil || g.posts["booked:1"] != 3 || len(g.deliveries()) != 1 {
		t.Errorf("Send = %v after %d posts, want success on the third", err, g.posts["booked:1"])
	}
}

func TestSinkDeliversEveryMessageOnceWithTheOpenedPhone(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		sealer := mustSealer(t)
		mustBookings(t, s, sealer, 3)
		sink := notify.NewSink(sealer, 10, nil, nil)
		w := notify.NewWorker(s, sink, vaxbook.NewManualClock(bookAt.Add(time.Second)), nil, fastConfig())
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- w.Run(ctx) }()
		deadline := time.Now().Add(5 * time.Second)
		for len(sink.Deliveries()) < 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		d := sink.Deliveries()
		if len(d) != 3 || !strings.HasPrefix(d[0].Phone, "010") {
			t.Errorf("deliveries = %+v, want 3 with opened phones", d)
		}
	})
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: 10 * time.Second} {
		for range 20 {
			got := notify.Backoff(attempt, time.Second, 10*time.Second)
			if got < want/2 || got > want {
				t.Errorf("Backoff(%d) = %s, want within [%s, %s]", attempt, got, want/2, want)
			}
		}
	}
}

func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		sealer := mustSealer(t)
		mustBookings(t, s, sealer, 8)
		g, srv := newGateway(t)
		sender := notify.NewGatewaySender(srv.URL, sealer, notify.GatewayConfig{})
		clock := vaxbook.NewManualClock(bookAt.Add(time.Second))
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		for range 4 {
			cfg := fastConfig()
			cfg.Batch, cfg.Poll = 2, 5*time.Millisecond
			w := notify.NewWorker(s, sender, clock, nil, cfg)
			wg.Go(func() { _ = w.Run(ctx) })
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(g.deliveries()) < 8 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		wg.Wait()
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.posts) != 8 {
			t.Errorf("%d keys posted, want 8", len(g.posts))
		}
		for k, n := range g.posts {
			if n != 1 {
				t.Errorf("key %s posted %d times, want once", k, n)
			}
		}
	})
}
