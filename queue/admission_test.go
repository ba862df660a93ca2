package queue_test

import (
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/inmem"
	"vaxbook/queue"
)

func TestJoinsAreLimitedPerDeviceAndAddress(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) {
		c.DeviceLimit = inmem.NewSketchLimiter(3, time.Minute, 1024)
		c.AddrLimit = inmem.NewSketchLimiter(5, time.Minute, 1024)
	})
	t.Run("a device that drops its ticket gets at most 3 places a minute", func(t *testing.T) {
		p := h.join(t, "10.0.0.1")
		for range 2 {
			p.ticket = ""
			h.rejoin(t, p)
		}
		p.ticket = ""
		_, err := h.Join(t.Context(), queue.JoinRequest{Device: p.device, ClientAddr: p.addr}, h.clock.Now())
		var e *vaxbook.Error
		if vaxbook.ErrorCode(err) != vaxbook.CodeRateLimited || !asError(err, &e) || !e.RetryAt.After(h.clock.Now()) {
			t.Fatalf("fourth join = %v, want rate_limited with a retry instant", err)
		}
	})
	t.Run("an address gets at most 5 places a minute", func(t *testing.T) {
		for range 2 { // 3 already used by the device above
			h.join(t, "10.0.0.1")
		}
		res, _ := h.Join(t.Context(), queue.JoinRequest{ClientAddr: "10.0.0.1"}, h.clock.Now())
		h.clock.Advance(time.Second)
		if _, err := h.Join(t.Context(), queue.JoinRequest{Device: res.Device, ClientAddr: "10.0.0.1"}, h.clock.Now()); vaxbook.ErrorCode(err) != vaxbook.CodeRateLimited {
			t.Fatalf("sixth join from the address = %v, want rate_limited", err)
		}
		h.join(t, "10.0.0.2")
	})
}

func TestAdmissionIsInTicketOrder(t *testing.T) {
	h := mustRoom(t, nil)
	var people []*person
	for i := range 40 {
		people = append(people, h.join(t, fmt.Sprint("10.0.0.", i)))
	}
	for step := range 5 {
		h.advance(t, time.Second)
		s, _ := h.Snapshot(t.Context())
		for i, p := range people {
			st := h.status(t, p)
			if want := uint64(i+1) <= s.Head; st.Admitted != want {
				t.Fatalf("step %d head %d: seq %d admitted %v, want %v", step, s.Head, st.Seq, st.Admitted, want)
			}
			if !st.Admitted && st.Position != st.Seq-s.Head {
				t.Fatalf("seq %d position %d, want %d", st.Seq, st.Position, st.Seq-s.Head)
			}
		}
	}
}

func TestPreOpeningArrivalsAreShuffledAtTheOpening(t *testing.T) {
	opens := t0.Add(10 * time.Minute) // 20:00
	h := mustRoom(t, func(c *queue.Config) {
		c.Windows = []vaxbook.Window{{Group: 2, Opens: opens, Closes: opens.Add(22 * time.Hour)}}
		c.Rate = 0.01 // nobody admitted during the test: places are positions
	})
	var early, late []*person
	for i := range 200 {
		early = append(early, h.join(t, fmt.Sprint("e", i)))
	}
	st := h.status(t, early[0])
	if !st.PreOpening || !st.OpensAt.Equal(opens) || st.WaitMin != opens.Sub(h.clock.Now()) || st.Position != 0 {
		t.Fatalf("before the opening: %+v, want pre-opening, opens at %v", st, opens)
	}
	h.advance(t, opens.Sub(h.clock.Now())-time.Second)
	if s, _ := h.Snapshot(t.Context()); s.Head != 0 || !s.Held {
		t.Fatalf("before the opening: %+v, want nobody admitted, held", s)
	}
	h.clock.Set(opens)
	for i := range 20 {
		late = append(late, h.join(t, fmt.Sprint("l", i)))
	}
	var places []uint64
	var arrival []float64
	for i, p := range early {
		st := h.status(t, p)
		places = append(places, st.Position)
		arrival = append(arrival, float64(i))
	}
	slices.Sort(places)
	for i, pos := range places {
		if pos != uint64(i+1) {
			t.Fatalf("early places %v…, want 1…200 each once", places[:i+1])
		}
	}
	for i, p := range late {
		if st := h.status(t, p); st.Position != uint64(201+i) {
			t.Errorf("late arrival %d: position %d, want %d (behind every early one, in order)", i, st.Position, 201+i)
		}
	}
	s, _ := h.Snapshot(t.Context())
	if len(s.Openings) != 1 || s.Openings[0].Lo != 0 || s.Openings[0].Hi != 200 || len(s.Openings[0].Seed) != 32 {
		t.Fatalf("published openings = %+v, want (0, 200] with its seed", s.Openings)
	}
	seed, _ := hex.DecodeString(s.Openings[0].Seed)
	perm := queue.NewPerm([16]byte(seed), 200)
	for i, p := range early {
		if st := h.status(t, p); st.Position != 1+perm.At(uint64(i)) {
			t.Fatalf("seq %d: position %d, but the published seed gives %d", i+1, st.Position, 1+perm.At(uint64(i)))
		}
	}
}

func TestClaimWindow(t *testing.T) {
	h := mustRoom(t, func(c *queue.Config) { c.ClaimWindow = time.Minute })
	a, b := h.join(t, "a"), h.join(t, "b")
	c := h.join(t, "c")
	if _, err := h.Claim(t.Context(), c.ticket, c.device, h.clock.Now()); vaxbook.ErrorCode(err) != vaxbook.CodeConflict {
		t.Fatalf("claim before the turn = %v, want conflict with retry", err)
	}
	h.advance(t, 300*time.Millisecond) // 10/s: a, b and c admitted
	pass, err := h.Claim(t.Context(), a.ticket, a.device, h.clock.Now())
	if err != nil {
		t.Fatalf("claim in time: %v", err)
	}
	if err := h.CheckPass(t.Context(), pass, a.device, h.clock.Now()); err != nil {
		t.Fatalf("pass refused: %v", err)
	}
	if err := h.CheckPass(t.Context(), pass, b.device, h.clock.Now()); vaxbook.ErrorCode(err) != vaxbook.CodeForbidden {
		t.Fatalf("pass from another device = %v, want forbidden", err)
	}
	h.advance(t, 50*time.Second)
	if st := h.status(t, b); !st.Admitted || !st.ClaimBy.After(h.clock.Now()) {
		t.Fatalf("50 s after the turn: %+v, want admitted, still claimable", st)
	}
	h.advance(t, 11*time.Second)
	for name, err := range map[string]error{
		"status": func() error { _, err := h.Status(t.Context(), b.ticket, b.device, h.clock.Now()); return err }(),
		"claim":  func() error { _, err := h.Claim(t.Context(), b.ticket, b.device, h.clock.Now()); return err }(),
	} {
		if vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			t.Errorf("%s 61 s after the turn = %v, want unauthorized (join again)", name, err)
		}
	}
	if res := h.rejoin(t, b); res.Kept || res.Ticket == "" {
		t.Errorf("rejoin after the turn passed = %+v, want a new place", res)
	}
	if err := h.CheckPass(t.Context(), pass, a.device, h.clock.Now()); err != nil {
		t.Errorf("a claimed pass is good for PassTTL: %v", err)
	}
}
