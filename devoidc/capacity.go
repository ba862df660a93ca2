package devoidc

import (
	"context"
	"math"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// capacity makes the issuer behave like a real provider under the 20:00 surge: every
// request takes Latency, at most MaxConcurrent are served at once and at most PerSecond
// are admitted per second. A request beyond capacity waits up to maxWait, then gets
// 503 with Retry-After, so load tests meet the bottleneck the real service met
// (identity verification was its largest load).
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

// wrap applies the capacity to next.
func (c *capacity) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), c.maxWait)
		defer cancel()
		// Wait fails at once when the wait would pass the deadline, so an overloaded
		// issuer answers 503 quickly instead of holding connections open.
		if c.limiter != nil && c.limiter.Wait(ctx) != nil {
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
