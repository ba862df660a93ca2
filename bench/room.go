package bench

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"vaxbook"
	"vaxbook/inmem"
	"vaxbook/queue"
)

// RoomResult reports Tickets: what n joins and polls cost in time and in heap.
type RoomResult struct {
	Tickets, Polls     int
	JoinTime, PollTime time.Duration
	// HeapGrowth is the live heap after the joins (after a GC) minus before, the
	// growth the 2-million-person requirement bounds at 50 MB; HeapAfterPolls the same
	// after the polls.
	HeapBefore, HeapAfterJoins, HeapAfterPolls uint64
}

// HeapGrowth returns the heap growth over the joins, in bytes (0 if it shrank).
func (b RoomResult) HeapGrowth() uint64 {
	return b.HeapAfterJoins - min(b.HeapBefore, b.HeapAfterJoins)
}

// String reports the figures in one line.
func (b RoomResult) String() string {
	return fmt.Sprintf("%d tickets in %v (%.0f/s), %d polls in %v (%.0f/s), heap %+.1f MB after joins, %+.1f MB after polls",
		b.Tickets, b.JoinTime.Round(time.Millisecond), float64(b.Tickets)/b.JoinTime.Seconds(),
		b.Polls, b.PollTime.Round(time.Millisecond), float64(b.Polls)/b.PollTime.Seconds(),
		(float64(b.HeapAfterJoins)-float64(b.HeapBefore))/1e6, (float64(b.HeapAfterPolls)-float64(b.HeapBefore))/1e6)
}

// Held is a ticket kept by a benchmark for polling, with its device token.
type Held struct{ Device, Ticket string }

// FillRoom joins n people through queue.Room.Join on queue.MemCounters with the
// in-process limits (each a cookie request, then the confirming join a second later),
// spread over the 20 minutes before a 20:00 opening, and keeps every keepEvery-th
// ticket for polling. It
// returns the room with its clock set after the opening, and the heap before and after
// the joins (after a GC), which is what the 2-million-person requirement bounds.
func FillRoom(ctx context.Context, n, keepEvery int) (*queue.Room, *vaxbook.ManualClock, []Held, RoomResult, error) {
	opens := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	start := opens.Add(-20 * time.Minute)
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte("bench secret, not for production use")})
	if err != nil {
		return nil, nil, nil, RoomResult{}, err
	}
	clock := vaxbook.NewManualClock(start)
	cfg := queue.DefaultConfig()
	cfg.Signer, cfg.Counters, cfg.Clock = signer, queue.NewMemCounters(), clock
	cfg.Windows = []vaxbook.Window{{Group: 2, Opens: opens, Closes: opens.Add(22 * time.Hour)}}
	cfg.DeviceLimit = inmem.NewSketchLimiter(3, time.Minute, 1<<22)
	cfg.AddrLimit = inmem.NewSketchLimiter(30, time.Minute, 1<<20)
	r, err := queue.New(cfg)
	if err != nil {
		return nil, nil, nil, RoomResult{}, err
	}
	var held []Held
	res := RoomResult{Tickets: n}
	res.HeapBefore = liveHeap()
	t0 := time.Now()
	step := 20 * time.Minute / time.Duration(max(n, 1))
	for i := range n {
		now := start.Add(time.Duration(i) * step)
		if i%1000 == 0 {
			if _, err := r.Advance(ctx, now); err != nil {
				return nil, nil, nil, res, err
			}
		}
		addr := "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
		a, err := r.Join(ctx, queue.JoinRequest{ClientAddr: addr}, now)
		if err != nil {
			return nil, nil, nil, res, err
		}
		b, err := r.Join(ctx, queue.JoinRequest{Device: a.Device, ClientAddr: addr}, now.Add(time.Second))
		if err != nil || b.Ticket == "" {
			return nil, nil, nil, res, fmt.Errorf("join %d: %v", i, err)
		}
		if i%keepEvery == 0 {
			held = append(held, Held{b.Device, b.Ticket})
		}
	}
	res.JoinTime = time.Since(t0)
	res.HeapAfterJoins = liveHeap()
	clock.Set(opens.Add(time.Second))
	if _, err := r.Advance(ctx, clock.Now()); err != nil {
		return nil, nil, nil, res, err
	}
	return r, clock, held, res, nil
}

// Tickets fills a room with n people (FillRoom), then polls the status of one in
// every hundred a hundred times, in process. It keeps only those tickets, so the heap
// measured is the server's.
func Tickets(ctx context.Context, n int) (RoomResult, error) {
	r, clock, held, res, err := FillRoom(ctx, n, 100)
	if err != nil {
		return res, err
	}
	now := clock.Now()
	t0 := time.Now()
	for range 100 {
		for _, k := range held {
			// Early tickets may have been admitted and let their turn pass: a valid
			// answer too, the only "unauthorized" one here (tickets live 12 hours, and
			// each is polled from the browser that took it).
			if _, err := r.Status(ctx, k.Ticket, k.Device, now); err != nil && vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
				return res, fmt.Errorf("poll: %w", err)
			}
			res.Polls++
		}
	}
	res.PollTime = time.Since(t0)
	res.HeapAfterPolls = liveHeap()
	runtime.KeepAlive(held)
	runtime.KeepAlive(r)
	return res, nil
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
