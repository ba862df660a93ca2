package api

import (
	"context"
	"net/http"
	"time"

	"vaxbook/inmem"

	"vaxbook"
)

// LimitWindow is the sliding window of the route limits: the limits are counts per
// minute.
const LimitWindow = time.Minute

// Default route limits, per minute. A resident searches a few times and books once or
// twice in a whole visit; twenty booking attempts a minute covers one who meets a full
// share at every place they try. The address bounds apply only to requests without a
// verified session (see limited), which the routes refuse anyway or, for the search,
// serve from the cache; they stop one machine hammering.
const (
	DefaultSearchesPerPerson = 60
	DefaultSearchesPerAddr   = 1200
	DefaultBookingsPerPerson = 20
	DefaultBookingsPerAddr   = 600
	// A verification is a start and a confirmation, with a few wrong codes or a
	// second method at most: thirty requests a minute per device is far above a
	// person and far below a script. An address carries a whole carrier NAT at 20:00,
	// so its bound only stops one machine flooding the providers; the waiting room's
	// pass is what paces the crowd.
	DefaultVerifiesPerDevice = 30
	DefaultVerifiesPerAddr   = 3000
)

// RouteLimits bound how often the expensive resident routes are called: the site search
// (a read over many sites' shares) and booking, changing and cancelling (a write
// transaction each, one budget for the three). Each is limited per person, from the
// verified session, and per client address. With Redis the limiters are shared by the
// instances (redis.Limiter); a nil limiter takes an in-process one with the default.
type RouteLimits struct {
	SearchPerPerson, SearchPerAddr   vaxbook.Limiter
	BookingPerPerson, BookingPerAddr vaxbook.Limiter
	// VerifyPerDevice and VerifyPerAddr bound the verification routes of every
	// method, per signed device cookie and per client address.
	VerifyPerDevice, VerifyPerAddr vaxbook.Limiter
}

// withDefaults fills the nil limiters with in-process ones at the defaults: per person
// a fixed-memory sketch (a list per person would grow with the crowd), per address a
// sliding list (the address bounds are above what a byte counter holds).
func (l RouteLimits) withDefaults() RouteLimits {
	const width = 1 << 20 // counters per row: well above the persons active in a minute
	if l.SearchPerPerson == nil {
		l.SearchPerPerson = inmem.NewSketchLimiter(DefaultSearchesPerPerson, LimitWindow, width)
	}
	if l.BookingPerPerson == nil {
		l.BookingPerPerson = inmem.NewSketchLimiter(DefaultBookingsPerPerson, LimitWindow, width)
	}
	if l.SearchPerAddr == nil {
		l.SearchPerAddr = inmem.NewLimiter(DefaultSearchesPerAddr, LimitWindow)
	}
	if l.BookingPerAddr == nil {
		l.BookingPerAddr = inmem.NewLimiter(DefaultBookingsPerAddr, LimitWindow)
	}
	if l.VerifyPerDevice == nil {
		l.VerifyPerDevice = inmem.NewSketchLimiter(DefaultVerifiesPerDevice, LimitWindow, width)
	}
	if l.VerifyPerAddr == nil {
		l.VerifyPerAddr = inmem.NewLimiter(DefaultVerifiesPerAddr, LimitWindow)
	}
	return l
}

// routeClass names a group of routes that share limits.
type routeClass int

const (
	searchRoutes routeClass = iota
	bookingRoutes
)

// sessionKey carries, in a request's context, the session and person the limits read,
// so that the handler behind them does not read them again (Server.sessionPerson looks
// here first).
type sessionKey struct{}

// signedIn is what sessionKey carries.
type signedIn struct {
	sess vaxbook.Session
	p    vaxbook.Person
}

// limited puts the class's limits in front of next: a request with a verified session
// counts against the person's budget only; any other request against its client
// address's. A verified resident is never refused for what others behind the same
// carrier NAT address sent, so a script at that address cannot lock the address's
// residents out of booking: it can only spend the anonymous budget, which buys it
// nothing past the pass and session checks. A refusal is 429 rate_limited with
// Retry-After. Every request counts, refused by next or not: the limits bound the
// work asked of the service. A limiter that fails (Redis down) lets the request
// through and logs: the limits protect capacity, while no booking rule depends on
// them.
func (s *Server) limited(class routeClass, next http.HandlerFunc) http.HandlerFunc {
	byPerson, byAddr, what := s.limits.SearchPerPerson, s.limits.SearchPerAddr, "searches"
	if class == bookingRoutes {
		byPerson, byAddr, what = s.limits.BookingPerPerson, s.limits.BookingPerAddr, "booking requests"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		now := s.clock.Now()
		if sess, p, err := s.sessionPerson(r); err == nil && sess.Verified(now) {
			if err := s.allow(r.Context(), byPerson, "person:"+sess.PersonKey, now, what); err != nil {
				s.writeError(w, r, err)
				return
			}
			next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, signedIn{sess, p})))
			return
		}
		if err := s.allow(r.Context(), byAddr, "addr:"+limitAddr(r), now, what); err != nil {
			s.writeError(w, r, err)
			return
		}
		next(w, r)
	}
}

// allow asks l for one more event of key and returns CodeRateLimited with the retry
// instant when it refuses.
func (s *Server) allow(ctx context.Context, l vaxbook.Limiter, key string, now time.Time, what string) error {
	ok, retryAt, err := l.Allow(ctx, key, now)
	if err != nil {
		s.log.Warn("route limit unavailable; request let through", "err", err)
		return nil
	}
	if !ok {
		return vaxbook.RetryError(vaxbook.CodeRateLimited, retryAt, "too many %s in a short time; please wait a moment and try again", what)
	}
	return nil
}

// verifyLimited puts the verification limits in front of a verification route: one
// budget per device (the server-signed cookie, so a stranger cannot spend someone
// else's) and one per client address (generous: a carrier NAT). A request without a
// device cookie counts against its address only; the route issues the cookie or
// refuses. As with limited, a failing limiter lets the request through.
func (s *Server) verifyLimited(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := s.clock.Now()
		if device, ok := s.devices.ID(s.cookie(r, deviceCookie), now); ok {
			if err := s.allow(r.Context(), s.limits.VerifyPerDevice, "device:"+device, now, "verification requests"); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		if err := s.allow(r.Context(), s.limits.VerifyPerAddr, "addr:"+limitAddr(r), now, "verification requests"); err != nil {
			s.writeError(w, r, err)
			return
		}
		next(w, r)
	}
}

// limitedSession returns the session and person the limits already read for this
// request, if any.
func limitedSession(r *http.Request) (signedIn, bool) {
	si, ok := r.Context().Value(sessionKey{}).(signedIn)
	return si, ok
}
