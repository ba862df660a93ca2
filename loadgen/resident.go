package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"vaxbook/identity"
)

// actor is one resident in progress: a device (client), the shard it records into
// and its own random choices. It lives as long as the resident's goroutine.
type actor struct {
	g   *gen
	c   *client
	rec *recorder
	rng *rand.Rand
}

func (a *actor) count(f func(c *counts)) { a.rec.update(f) }

// queueStatus is the part of the waiting room's answer the flow needs.
type queueStatus struct {
	Admitted   bool    `json:"admitted"`
	PollAfterS float64 `json:"poll_after_s"`
}

// light is one method's congestion light.
type light struct {
	Method      string  `json:"method"`
	Color       string  `json:"color"`
	WaitSeconds float64 `json:"wait_seconds"`
}

var colorRank = map[string]int{"green": 0, "yellow": 1, "red": 2}

// place is a site and date with places left.
type place struct {
	SiteID int64  `json:"site_id"`
	Date   string `json:"date"`
}

// run plays the whole flow, due at due; the first error ends it and is counted.
// A resident who booked and then failed to change or cancel is counted in the errors
// but not as failed: the booking stands.
func (a *actor) run(ctx context.Context, sub identity.Subscriber, due time.Time) {
	booked, err := a.flow(ctx, sub, due)
	if err != nil {
		a.rec.fail(err)
	}
	if !booked {
		a.count(func(c *counts) { c.failed++ })
	}
}

func (a *actor) flow(ctx context.Context, sub identity.Subscriber, due time.Time) (booked bool, err error) {
	lights, err := a.enterQueue(ctx, due)
	if err != nil {
		return false, err
	}
	if err := a.verifyGreenest(ctx, sub, lights); err != nil {
		return false, err
	}
	return a.book(ctx)
}

// enterQueue joins twice (the first join only sets the device cookie), polls as told
// and claims the pass, whose answer carries the methods' lights.
func (a *actor) enterQueue(ctx context.Context, due time.Time) ([]light, error) {
	var st queueStatus
	for try := 0; ; try++ {
		resp, err := a.c.do(ctx, "POST", "/api/v1/queue/join", nil, &st)
		a.rec.observe(stepJoin, due, time.Now())
		if err != nil && codeOf(err) == "transport" && try < 4 {
			// The connection failed before any answer: the resident reloads the
			// page a second later.
			a.count(func(c *counts) { c.joinRetries++ })
			due = time.Now().Add(time.Second)
			if err := sleepUntil(ctx, due); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == 200 {
			break
		}
		if try == 4 {
			return nil, &problem{Code: "join_not_confirmed", Status: resp.StatusCode}
		}
		wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		due = time.Now().Add(time.Duration(max(wait, 1)) * time.Second)
		if err := sleepUntil(ctx, due); err != nil {
			return nil, err
		}
	}
	inLine := time.Now()
	for !st.Admitted {
		// As the waiting page: the server's advice, at least a second.
		d := max(time.Duration(st.PollAfterS*float64(time.Second)), time.Second)
		capped := a.g.o.PollCap > 0 && d > a.g.o.PollCap
		if capped {
			d = a.g.o.PollCap
		}
		a.count(func(c *counts) {
			c.polls++
			if capped {
				c.pollsCapped++
			}
		})
		due = time.Now().Add(d)
		if err := sleepUntil(ctx, due); err != nil {
			return nil, err
		}
		if _, err := a.c.do(ctx, "GET", a.g.statusPath, nil, &st); err != nil {
			return nil, err
		}
		a.rec.observe(stepStatus, due, time.Now())
	}
	a.rec.waited(time.Since(inLine))
	if err := a.think(ctx); err != nil {
		return nil, err
	}
	t := time.Now()
	var claimed struct{ Methods []light }
	if _, err := a.c.do(ctx, "POST", "/api/v1/queue/claim", nil, &claimed); err != nil {
		return nil, err
	}
	a.rec.observe(stepClaim, t, time.Now())
	return claimed.Methods, nil
}

// verifyGreenest verifies by the least congested method, going down the list when a
// method's line refuses (unavailable), as a resident would. The lights come with the
// claim; without them (no waiting room, an older server) it reads them.
func (a *actor) verifyGreenest(ctx context.Context, sub identity.Subscriber, lights []light) error {
	t := time.Now()
	m := struct{ Methods []light }{lights}
	if len(m.Methods) == 0 {
		if _, err := a.c.do(ctx, "GET", "/api/v1/identity/methods", nil, &m); err != nil {
			return err
		}
		a.rec.observe(stepMethods, t, time.Now())
	}
	// Shuffle first so that equally green methods share the load, then sort stably.
	a.rng.Shuffle(len(m.Methods), func(i, j int) { m.Methods[i], m.Methods[j] = m.Methods[j], m.Methods[i] })
	slices.SortStableFunc(m.Methods, func(x, y light) int {
		if d := colorRank[x.Color] - colorRank[y.Color]; d != 0 {
			return d
		}
		return int((x.WaitSeconds - y.WaitSeconds) * 1000)
	})
	twice := a.rng.Float64() < a.g.o.SecondVerification
	var err error
	for _, l := range m.Methods {
		if err := a.think(ctx); err != nil {
			return err
		}
		t = time.Now()
		if err = a.verify(ctx, l.Method, sub, twice); err == nil {
			a.rec.observe(stepVerify, t, time.Now())
			return nil
		}
		if c := codeOf(err); c != "unavailable" && c != "issuer_busy" {
			return err
		}
		a.rec.fail(err) // counted, then the next method
	}
	return err
}

// book searches sites after a random one from a random date and books the first
// place with room, trying the next on share_full; then some residents change or
// cancel.
func (a *actor) book(ctx context.Context) (booked bool, err error) {
	var last error
	for range 3 {
		if err := a.think(ctx); err != nil {
			return false, err
		}
		places, err := a.search(ctx)
		if err != nil {
			return false, err
		}
		for i, p := range places {
			if err := a.think(ctx); err != nil {
				return false, err
			}
			t := time.Now()
			_, err := a.c.do(ctx, "POST", "/api/v1/campaigns/1/reservation", p, nil)
			a.rec.observe(stepBook, t, time.Now())
			if err == nil {
				a.rec.booked(time.Since(a.g.start))
				return true, a.afterBooking(ctx, places[i+1:])
			}
			if last = err; codeOf(err) != "share_full" {
				return false, err
			}
			a.rec.fail(err) // counted, then the next place
		}
	}
	if last == nil {
		last = &problem{Code: "no_places_found"}
	}
	return false, last
}

// search returns up to five sites' places with room within a week, in the server's
// order.
func (a *actor) search(ctx context.Context) ([]place, error) {
	day := a.rng.IntN(a.g.vaxDays)
	from := a.g.vaxFrom.AddDate(0, 0, day)
	// A week from the chosen day, as the search page asks by default (its to field
	// starts six days after from), not to the end of the campaign.
	to := a.g.vaxFrom.AddDate(0, 0, min(day+6, a.g.vaxDays-1))
	q := fmt.Sprintf("/api/v1/campaigns/1/sites?limit=5&from=%s&to=%s&after=%d",
		from.Format(time.DateOnly), to.Format(time.DateOnly), a.rng.IntN(a.g.o.Sites))
	t := time.Now()
	var res struct {
		Sites []struct {
			ID    int64 `json:"id"`
			Dates []struct {
				Date      string `json:"date"`
				Remaining int    `json:"remaining"`
			} `json:"dates"`
		} `json:"sites"`
	}
	if _, err := a.c.do(ctx, "GET", q, nil, &res); err != nil {
		return nil, err
	}
	a.rec.observe(stepSearch, t, time.Now())
	var out []place
	for _, s := range res.Sites {
		for _, d := range s.Dates {
			if d.Remaining > 0 {
				out = append(out, place{s.ID, d.Date})
			}
		}
	}
	return out, nil
}

// afterBooking changes (to another place found) or cancels, for a share of residents.
func (a *actor) afterBooking(ctx context.Context, others []place) error {
	if a.rng.Float64() >= a.g.o.ChangeCancel {
		return nil
	}
	t := time.Now()
	if len(others) > 0 && a.rng.IntN(2) == 0 {
		_, err := a.c.do(ctx, "PUT", "/api/v1/campaigns/1/reservation", others[0], nil)
		a.rec.observe(stepChange, t, time.Now())
		if err == nil {
			a.count(func(c *counts) { c.changed++ })
		}
		return err
	}
	_, err := a.c.do(ctx, "DELETE", "/api/v1/campaigns/1/reservation", nil, nil)
	a.rec.observe(stepCancel, t, time.Now())
	if err == nil {
		a.count(func(c *counts) { c.cancelled++ })
	}
	return err
}

// think pauses as a resident reading the page would, for Options.Think on average.
func (a *actor) think(ctx context.Context) error {
	if a.g.o.Think <= 0 {
		return nil
	}
	d := time.Duration((0.5 + a.rng.Float64()) * float64(a.g.o.Think))
	return sleepUntil(ctx, time.Now().Add(d))
}

// sleepUntil waits until t or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
