package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook/api"
)

// QueueOptions configure Queue.
type QueueOptions struct {
	Tickets int           // people joining (default 2,000,000)
	Workers int           // concurrent polling clients (default 64)
	Seconds time.Duration // how long each of the two HTTP runs lasts (default 5 s)
}

// QueueResult is what `vaxbook bench queue` prints.
type QueueResult struct {
	Tickets      int     `json:"tickets"`
	JoinPerS     float64 `json:"join_per_s"`
	HeapMBBefore float64 `json:"heap_mb_before"`
	HeapMBAfter  float64 `json:"heap_mb_after"`
	HeapMBGrowth float64 `json:"heap_mb_growth"`
	Workers      int     `json:"workers"`
	StatusPerS   float64 `json:"status_per_s"`
	BaselinePerS float64 `json:"baseline_per_s"`
	Ratio        float64 `json:"ratio"`
	Errors       int64   `json:"errors"`
}

// Queue fills a waiting room with opts.Tickets people, then measures status polls over
// HTTP on loopback through the real API handler, and, with the same client, a bare
// net/http handler answering a JSON object of the same size: the ratio says what the
// waiting room costs over serving nothing at all.
func Queue(ctx context.Context, opts QueueOptions) (QueueResult, error) {
	if opts.Tickets <= 0 {
		opts.Tickets = 2_000_000
	}
	if opts.Workers <= 0 {
		opts.Workers = 64
	}
	if opts.Seconds <= 0 {
		opts.Seconds = 5 * time.Second
	}
	room, clock, held, fill, err := FillRoom(ctx, opts.Tickets, max(opts.Tickets/20000, 1))
	if err != nil {
		return QueueResult{}, err
	}
	res := QueueResult{
		Tickets: opts.Tickets, Workers: opts.Workers,
		JoinPerS:     float64(opts.Tickets) / fill.JoinTime.Seconds(),
		HeapMBBefore: mb(fill.HeapBefore), HeapMBAfter: mb(fill.HeapAfterJoins), HeapMBGrowth: mb(fill.HeapGrowth()),
	}
	real := api.New(api.Config{Room: room, Clock: clock}).Handler()
	sample, err := sampleBody(real, held[0])
	if err != nil {
		return res, err
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(sample)
	})
	var errs atomic.Int64
	if res.StatusPerS, err = poll(ctx, real, held, opts, &errs); err != nil {
		return res, err
	}
	if res.BaselinePerS, err = poll(ctx, bare, held, opts, &errs); err != nil {
		return res, err
	}
	res.Ratio = res.StatusPerS / res.BaselinePerS
	res.Errors = errs.Load()
	return res, nil
}

// sampleBody returns one real status answer, so the baseline sends the same bytes.
func sampleBody(h http.Handler, k Held) ([]byte, error) {
	srv, base, err := serve(h)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	req, _ := http.NewRequest("GET", base+"/api/v1/queue/status", nil)
	req.AddCookie(&http.Cookie{Name: "vb_device", Value: k.Device})
	req.AddCookie(&http.Cookie{Name: "vb_ticket", Value: k.Ticket})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 {
		return nil, fmt.Errorf("sample status: %d %v", resp.StatusCode, err)
	}
	return json.Marshal(v)
}

// poll serves h on loopback and has opts.Workers clients poll status with the held
// tickets for opts.Seconds; it returns answers per second.
func poll(ctx context.Context, h http.Handler, held []Held, opts QueueOptions, errs *atomic.Int64) (float64, error) {
	srv, base, err := serve(h)
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: opts.Workers, MaxConnsPerHost: opts.Workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var done atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, opts.Seconds)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range opts.Workers {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i += opts.Workers {
				k := held[i%len(held)]
				req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/queue/status", nil)
				req.AddCookie(&http.Cookie{Name: "vb_device", Value: k.Device})
				req.AddCookie(&http.Cookie{Name: "vb_ticket", Value: k.Ticket})
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				var sink [512]byte
				for {
					if _, err := resp.Body.Read(sink[:]); err != nil {
						break
					}
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs.Add(1)
					continue
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

// serve starts h on a loopback port.
func serve(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String(), nil
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
