package api

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vaxbook"
	"vaxbook/congestion"
	"vaxbook/queue"
	"vaxbook/signin"
)

// The waiting room's cookies. They carry signed tokens; the server keeps nothing per
// waiting person.
const (
	deviceCookie = "vb_device"
	ticketCookie = "vb_ticket"
	passCookie   = "vb_pass"
)

// clientAddr is the client's address, for the per-address limits: the peer's, or, when
// the peer is a trusted load balancer, the one its X-Forwarded-For names (realAddr has
// already put it in RemoteAddr).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// queueJoin places the device in line. A device seen for the first time gets only a
// device cookie and is asked to come back shortly: a client that keeps no cookies
// never gets a place. Joining again with the same cookies keeps the place.
func (s *Server) queueJoin(w http.ResponseWriter, r *http.Request) {
	now := s.clock.Now()
	res, err := s.room.Join(r.Context(), queue.JoinRequest{
		Device: s.cookie(r, deviceCookie), Ticket: s.cookie(r, ticketCookie), ClientAddr: limitAddr(r),
	}, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setToken(w, deviceCookie, res.Device, signin.DeviceTTL)
	if res.Ticket == "" {
		w.Header().Set("Retry-After", retryAfter(res.RetryAt, now))
		s.writeJSON(w, http.StatusAccepted, queueNotedJSON{Joined: false, ConfirmAt: res.RetryAt.Format(time.RFC3339Nano)})
		return
	}
	s.setToken(w, ticketCookie, res.Ticket, 12*time.Hour)
	st, err := s.room.Status(r.Context(), res.Ticket, res.Device, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := statusView(st)
	joined, kept := true, res.Kept
	out.Joined, out.Kept = &joined, &kept
	s.writeJSON(w, http.StatusOK, out)
}

// maxWaitParam bounds the wait a client may ask for; the room holds at most its
// MaxHold, under the server's write timeout.
const maxWaitParam = 60

// queueStatus tells a waiting device its position, expected wait and when to ask again.
// With ?wait=N a device close to its turn gets the answer when the turn comes, or
// after at most N seconds (queue.Room.Await).
func (s *Server) queueStatus(w http.ResponseWriter, r *http.Request) {
	var wait int
	if q := r.URL.Query().Get("wait"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 || n > maxWaitParam {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeInvalidInput, "wait must be a whole number of seconds from 0 to %d", maxWaitParam))
			return
		}
		wait = n
	}
	st, err := s.room.Await(r.Context(), s.cookie(r, ticketCookie), s.cookie(r, deviceCookie), time.Duration(wait)*time.Second)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, statusView(st))
}

// queueClaim exchanges an admitted ticket for the pass that verification and booking
// require.
func (s *Server) queueClaim(w http.ResponseWriter, r *http.Request) {
	pass, err := s.room.Claim(r.Context(), s.cookie(r, ticketCookie), s.cookie(r, deviceCookie), s.clock.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setToken(w, passCookie, pass, 10*time.Minute)
	// The lights come with the pass: the admitted choose a method next, and this spares
	// each of them a request at the busiest moment.
	lights, err := s.lights(r)
	if err != nil {
		lights = []congestion.Light{} // the page asks again; the pass is what matters here
	}
	s.writeJSON(w, http.StatusOK, claimJSON{Admitted: true, Methods: lights})
}

// queueOpenings publishes the recorded openings with their seeds, so that anyone can
// recompute the order in which people present at an opening were placed.
func (s *Server) queueOpenings(w http.ResponseWriter, r *http.Request) {
	st, err := s.room.Snapshot(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, openingsView(st))
}

// retryAfter renders the seconds from now to at, at least 1.
func retryAfter(at, now time.Time) string {
	secs := int(at.Sub(now).Seconds() + 0.999)
	return strconv.Itoa(max(secs, 1))
}

// admitted wraps a handler of verification or booking: without the waiting room's pass
// for this device the request is refused before it costs anything downstream, and the
// handler's latency and failures feed the admission controller.
func (s *Server) admitted(next http.HandlerFunc) http.HandlerFunc {
	if s.room == nil {
		return next
	}
	return func(w http.ResponseWriter, r *http.Request) {
		err := s.room.CheckPass(r.Context(), s.cookie(r, passCookie), s.cookie(r, deviceCookie), s.clock.Now())
		if err != nil {
			if vaxbook.ErrorCode(err) == vaxbook.CodeUnauthorized {
				err = vaxbook.Errorf(vaxbook.CodePassRequired, "please enter through the waiting room first")
			}
			s.writeError(w, r, err)
			return
		}
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next(rec, r)
		step := stepOf(r)
		s.room.Controller().Observe(step, time.Since(start), rec.status >= 500)
		if step == queue.Booking && rec.status < 300 {
			// Booked (or changed or cancelled): their place in the admission window
			// goes to the next in line now rather than after the idle timeout. Not the
			// request's context: a client gone after its answer was still served.
			if err := s.room.Done(context.WithoutCancel(r.Context()), s.cookie(r, passCookie)); err != nil {
				s.log.Warn("queue done", "err", err)
			}
		}
	}
}

// stepOf tells the admission controller which of its targets a request is held to:
// the reservation routes book (and change and cancel), the rest verify.
func stepOf(r *http.Request) queue.Step {
	if strings.Contains(r.URL.Path, "/reservation") {
		return queue.Booking
	}
	return queue.Verification
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// operator wraps an operator route: the request must carry the operator token as a
// bearer credential, compared in constant time.
func (s *Server) operator(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.operatorToken == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.operatorToken)) != 1 {
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeUnauthorized, "operator credentials required"))
			return
		}
		next(w, r)
	}
}
