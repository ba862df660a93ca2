package api

import (
	"net/http"
	"sync"
	"time"

	"vaxbook/congestion"
)

// lightsTTL bounds how often the lights are recomputed. Every resident choosing a
// method reads them; with Redis each read costs a round trip per method, and a light
// half a second old is as useful as a fresh one.
const lightsTTL = 500 * time.Millisecond

// lightsCache holds the last lights read from the line.
type lightsCache struct {
	mu   sync.Mutex
	at   time.Time
	last []congestion.Light
}

// methods answers each verification method's congestion light and expected wait, so
// that a resident can pick the least congested one (rule 8).
func (s *Server) methods(w http.ResponseWriter, r *http.Request) {
	lights, err := s.lights(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "max-age=1")
	s.writeJSON(w, http.StatusOK, lightsJSON{Methods: lights})
}

func (s *Server) lights(r *http.Request) ([]congestion.Light, error) {
	if s.line == nil {
		return []congestion.Light{}, nil
	}
	c := &s.lightsCache
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now() // cache age is wall time, not the service clock
	if c.last != nil && now.Sub(c.at) < lightsTTL {
		return c.last, nil
	}
	lights, err := s.line.Lights(r.Context(), s.clock.Now())
	if err != nil {
		return nil, err
	}
	c.at, c.last = now, lights
	return lights, nil
}
