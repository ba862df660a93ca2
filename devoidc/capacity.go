package devoidc

import (
	"context"
	"math"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// capacity makes the issuer behave like a real provider under the 20:00 surge: every
// request takes Latency and at most MaxConcurrent are served at once; at most
// PerSecond sign-ins are started per second. A request beyond capacity waits up to
// maxWait, then gets 503 with Retry-After, so load tests meet the bottleneck the real
// service met (identity verification was its largest load).
//
// The rate counts sign-ins, not requests: a sign-in is five or six requests here
// (authorization, the sign-in page and its form, the return to the authorization
// endpoint, the token exchange, the user-info call), and a provider sized for N
// sign-ins a second serves all of theirs. The service's lights count the same
// (--provider-per-second, "verifications started per second"); an issuer that
// metered requests instead admitted a fifth of that, and the lights sent residents to
// a provider already queueing them for seconds.
type capacity struct {
	latency time.Duration
	slots   chan struct{} // nil: unbounded
	limiter *rate.Limiter // nil: unbounded
	maxWait time.Duration
}

func newCapacity(latency time.Duration, maxConcurrent int, perSecond float64, maxWait time.Duration) *capacity {
	c := &capacity{latency: latency, maxWait: maxWait}
	if maxConcurrent > 0 {
		c.slots = make(chan struct{}, maxConcurrent)
	}
	if perSecond > 0 {
		// A burst of one second's worth: a provider sized for N per second absorbs
		// N arriving together, not more.
		c.limiter = rate.NewLimiter(rate.Limit(perSecond), max(1, int(math.Ceil(perSecond))))
	}
	return c
}

// starts applies the capacity to next, which starts sign-ins: each request counts
// against the rate.
func (c *capacity) starts(next http.Handler) http.Handler { return c.serve(next, true) }

// wrap applies the latency and the bound on concurrent requests to next, whose
// requests belong to sign-ins already started.
func (c *capacity) wrap(next http.Handler) http.Handler { return c.serve(next, false) }

func (c *capacity) serve(next http.Handler, start bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), c.maxWait)
		defer cancel()
		// Wait fails at once when the wait would pass the deadline, so an overloaded
		// issuer answers 503 quickly instead of holding connections open.
		if start && c.limiter != nil && c.limiter.Wait(ctx) != nil {
			busy(w)
			return
		}
		if c.slots != nil {
			select {
			case c.slots <- struct{}{}:
				defer func() { <-c.slots }()
			case <-ctx.Done():
				busy(w)
				return
			}
		}
		if c.latency > 0 {
			t := time.NewTimer(c.latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func busy(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, "The identity provider is busy. Please try again shortly. 인증 기관이 혼잡합니다. 잠시 후 다시 시도해 주세요.", http.StatusServiceUnavailable)
}
