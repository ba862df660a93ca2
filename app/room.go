package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"vaxbook"
	"vaxbook/inmem"
	"vaxbook/queue"
	"vaxbook/redis"
)

// Join limits of the waiting room. A device joins a few times at most (a refresh, a
// second tab); an address is shared by many people behind a carrier's NAT, so its bound
// (--queue-join-per-address) stays generous and only stops a script hammering from one
// machine. At 20:00 one carrier address may carry thousands of residents, each joining
// twice (the cookie, then the place): 240 a minute refused the 121st of them. A script
// gains nothing from more joins per address anyway: a place needs a device cookie, and
// a pass binds to one person.
const (
	deviceJoins      = 3
	defaultAddrJoins = 20000
	joinWindow       = time.Minute
)

// openRoom builds the waiting room in front of verification and booking, its counters
// in Redis when the instances share one, and the campaigns' windows as its openings.
func openRoom(ctx context.Context, cfg Config, clock vaxbook.Clock, sh *shared, store vaxbook.Campaigns, log *slog.Logger) (*queue.Room, error) {
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: cfg.QueueSecret})
	if err != nil {
		return nil, err
	}
	qc := queue.DefaultConfig()
	qc.Signer, qc.Clock, qc.Log = signer, clock, log
	qc.Rate, qc.Auto, qc.MaxActive = cfg.QueueRate, cfg.QueueAuto, cfg.QueueMaxActive
	host, _ := os.Hostname()
	qc.Instance = fmt.Sprintf("%s-%d", host, os.Getpid())
	var devices, addrs vaxbook.Limiter
	if sh.rdb != nil {
		qc.Counters = redis.NewQueueCounters(sh.rdb, cfg.RedisPrefix)
		if devices, err = redis.NewLimiter(sh.rdb, cfg.RedisPrefix+"qdev:", deviceJoins, joinWindow); err != nil {
			return nil, err
		}
		if addrs, err = redis.NewLimiter(sh.rdb, cfg.RedisPrefix+"qaddr:", cfg.Limits.JoinsPerAddr, joinWindow); err != nil {
			return nil, err
		}
	} else {
		// Fixed-memory sketches: a list per device would grow with the crowd.
		qc.Counters = queue.NewMemCounters()
		devices = inmem.NewSketchLimiter(deviceJoins, joinWindow, 1<<22)
		addrs = joinAddrLimiter(cfg.Limits.JoinsPerAddr)
	}
	qc.DeviceLimit, qc.AddrLimit = devices, addrs
	campaigns, err := store.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	qc.Windows = vaxbook.AllWindows(campaigns)
	return queue.New(qc)
}

// joinAddrLimiter is the in-process per-address join limiter: a fixed-memory sketch
// while the limit fits its byte counters, else a list per address (addresses are far
// fewer than devices).
func joinAddrLimiter(limit int) vaxbook.Limiter {
	if limit <= maxSketchLimit {
		return inmem.NewSketchLimiter(limit, joinWindow, 1<<18)
	}
	return inmem.NewLimiter(limit, joinWindow)
}
