package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook"
)

// Config configures a Room. Start from DefaultConfig; zero durations take the defaults.
type Config struct {
	Queue    uint32   // tickets and passes of another queue are refused
	Signer   *Signer  // required
	Counters Counters // required: MemCounters or redis.QueueCounters
	Clock    vaxbook.Clock
	Log      *slog.Logger
	Instance string // names this instance for the controller lease

	// DeviceLimit and AddrLimit bound joins per device and per client address; nil
	// means no bound. Mobile carriers put many people behind one address, so the
	// address bound must stay generous.
	DeviceLimit, AddrLimit vaxbook.Limiter

	// Windows are the booking windows the queue serves (the campaigns' windows).
	Windows []vaxbook.Window
	// HoldWhenClosed holds admission while no window is open, so that everyone who
	// arrives before an opening is placed by the opening shuffle.
	HoldWhenClosed bool
	// Shuffle places the people waiting at an opening in a random order.
	Shuffle bool

	Rate      float64 // admissions per second at first start
	Auto      bool    // the controller sets the rate at first start
	Control   ControlConfig
	MaxActive int // admitted people active at once; 0 = no bound

	ConfirmAfter time.Duration // a new device may join this long after its first visit
	DeviceTTL    time.Duration // a device token is good this long
	TicketTTL    time.Duration // a ticket is good this long
	ClaimWindow  time.Duration // an admitted ticket must be claimed within this
	PassTTL      time.Duration // a pass is good this long
	Idle         time.Duration // an admitted person silent this long stops counting
	PollMin      time.Duration
	PollMax      time.Duration
	Tick         time.Duration // how often Run advances the queue
	MaxHold      time.Duration // the longest Await holds an answer; under the server's write timeout
	OpeningGrace time.Duration // an opening is recorded only this soon after it
}

// DefaultConfig returns the defaults: shuffle at openings on, admission held while no
// window is open, 250 admissions/s at first under the controller. The first rate is
// what an opening lets in before anything is learnt — the admission window is learnt
// from the first bookings, a second or more later — so it is best below what one small
// machine serves: on the 2-core benchmark machine (≈ 250–290 bookings/s with the
// database and the load on it) a start at 500/s let in about 2,000 people before the
// window, and their queue set the run's booking p99 (1.2–3.0 s against 0.44–0.72 s from
// 250/s, docs/BENCHMARKS.md). A larger deployment grows from it by a tenth a second,
// or is started at its measured capacity with --queue-rate.
func DefaultConfig() Config {
	return Config{
		HoldWhenClosed: true, Shuffle: true, Rate: 250, Auto: true,
		Control: DefaultControlConfig(), MaxActive: 20000,
		ConfirmAfter: time.Second, DeviceTTL: 24 * time.Hour, TicketTTL: 12 * time.Hour,
		ClaimWindow: 2 * time.Minute, PassTTL: 10 * time.Minute, Idle: 30 * time.Second,
		PollMin: 2 * time.Second, PollMax: time.Minute, Tick: 150 * time.Millisecond,
		MaxHold: 20 * time.Second, OpeningGrace: time.Minute,
	}
}

// Room is the waiting room in front of verification and booking. It keeps no state per
// waiting person: a ticket carries its place, the Counters the few shared numbers.
type Room struct {
	cfg   Config
	ctrl  *Controller
	state atomic.Pointer[State]
	mu    sync.RWMutex
	perms map[[16]byte]*Perm
	// windows replaces cfg.Windows once SetWindows is called.
	windows  atomic.Pointer[[]vaxbook.Window]
	waiters  waiters     // answers held by Await until the line reaches them
	draining atomic.Bool // set by Drain: no answer is held any more
}

// New returns a Room. Signer and Counters are required.
func New(cfg Config) (*Room, error) {
	if cfg.Signer == nil || cfg.Counters == nil {
		return nil, errors.New("queue: Signer and Counters are required")
	}
	def := DefaultConfig()
	for _, d := range []struct{ v, def *time.Duration }{
		{&cfg.ConfirmAfter, &def.ConfirmAfter}, {&cfg.DeviceTTL, &def.DeviceTTL},
		{&cfg.TicketTTL, &def.TicketTTL}, {&cfg.ClaimWindow, &def.ClaimWindow},
		{&cfg.PassTTL, &def.PassTTL}, {&cfg.Idle, &def.Idle}, {&cfg.PollMin, &def.PollMin},
		{&cfg.PollMax, &def.PollMax}, {&cfg.Tick, &def.Tick}, {&cfg.MaxHold, &def.MaxHold}, {&cfg.OpeningGrace, &def.OpeningGrace},
	} {
		if *d.v <= 0 {
			*d.v = *d.def
		}
	}
	if cfg.Clock == nil {
		cfg.Clock = vaxbook.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Instance == "" {
		var b [8]byte
		rand.Read(b[:])
		cfg.Instance = hex.EncodeToString(b[:])
	}
	return &Room{cfg: cfg, ctrl: NewController(cfg.Control), perms: make(map[[16]byte]*Perm)}, nil
}

// Controller returns the admission controller; verification and booking report each
// downstream call to its Observe.
func (r *Room) Controller() *Controller { return r.ctrl }

// Signer returns the signer of the room's tokens, which also signs the device cookie
// that verification binds to.
func (r *Room) Signer() *Signer { return r.cfg.Signer }

// JoinRequest is what a browser sends to join: its device cookie, the ticket it holds
// if any (a refresh), and its address as the trusted proxy chain gives it.
type JoinRequest struct {
	Device, Ticket, ClientAddr string
}

// JoinResult is the answer to a join. With no Ticket, the client must join again at
// RetryAt carrying Device: a client that keeps no cookie never gets a place.
type JoinResult struct {
	Device  string
	Ticket  string
	RetryAt time.Time
	Kept    bool // the ticket presented is still good and was given back
}

// Join gives the device a place in line, or gives back the place it holds. A request
// without a valid device token gets a new one and no place; a device younger than
// ConfirmAfter is told when to come back. Joins beyond the per-device or per-address
// bound fail with CodeRateLimited and RetryAt.
func (r *Room) Join(ctx context.Context, req JoinRequest, now time.Time) (JoinResult, error) {
	dev, err := r.cfg.Signer.ParseDevice(req.Device)
	if err != nil || now.Sub(dev.Issued) > r.cfg.DeviceTTL {
		dev = Device{Issued: now}
		rand.Read(dev.ID[:])
		return JoinResult{Device: r.cfg.Signer.SignDevice(dev), RetryAt: now.Add(r.cfg.ConfirmAfter)}, nil
	}
	if ready := dev.Issued.Add(r.cfg.ConfirmAfter); now.Before(ready) {
		return JoinResult{Device: req.Device, RetryAt: ready}, nil
	}
	if req.Ticket != "" {
		if t, err := r.openTicket(req.Ticket, dev, now); err == nil {
			if _, err := r.status(ctx, t, now); err == nil {
				return JoinResult{Device: req.Device, Ticket: req.Ticket, Kept: true}, nil
			}
		}
	}
	if err := r.limit(ctx, r.cfg.DeviceLimit, "queue:device:"+hex.EncodeToString(dev.ID[:]), now); err != nil {
		return JoinResult{}, err
	}
	if err := r.limit(ctx, r.cfg.AddrLimit, "queue:addr:"+req.ClientAddr, now); err != nil {
		return JoinResult{}, err
	}
	if err := r.recordOpenings(ctx, now); err != nil {
		return JoinResult{}, err
	}
	var seq uint64
	err = r.retry(ctx, now, func() (err error) {
		seq, err = r.cfg.Counters.Issue(ctx, now)
		return err
	})
	if err != nil {
		return JoinResult{}, fmt.Errorf("issue ticket: %w", err)
	}
	t := Ticket{Queue: r.cfg.Queue, Seq: seq, Issued: now, Device: DeviceHash(dev.ID)}
	return JoinResult{Device: req.Device, Ticket: r.cfg.Signer.SignTicket(t)}, nil
}

func (r *Room) limit(ctx context.Context, l vaxbook.Limiter, key string, now time.Time) error {
	if l == nil {
		return nil
	}
	ok, retryAt, err := l.Allow(ctx, key, now)
	if err != nil {
		return fmt.Errorf("join limit: %w", err)
	}
	if !ok {
		return vaxbook.RetryError(vaxbook.CodeRateLimited, retryAt, "too many joins from this device or network: try again later")
	}
	return nil
}

// openTicket checks a ticket against the device that presents it.
func (r *Room) openTicket(tok string, dev Device, now time.Time) (Ticket, error) {
	t, err := r.cfg.Signer.ParseTicket(tok)
	if err != nil || t.Queue != r.cfg.Queue {
		return Ticket{}, errTicket
	}
	if now.Sub(t.Issued) > r.cfg.TicketTTL {
		return Ticket{}, errTicketExpired
	}
	if t.Device != DeviceHash(dev.ID) {
		return Ticket{}, errOtherDevice
	}
	return t, nil
}

var (
	errTicketExpired = vaxbook.Errorf(vaxbook.CodeUnauthorized, "your waiting ticket has expired: join the queue again")
	errTurnPassed    = vaxbook.Errorf(vaxbook.CodeUnauthorized, "your turn came and passed without being taken: join the queue again")
	errPassExpired   = vaxbook.Errorf(vaxbook.CodeUnauthorized, "your admission has expired: join the queue again")
	errOtherDevice   = vaxbook.Errorf(vaxbook.CodeForbidden, "this place in line belongs to another browser")
)

// Counters returns the counters the room runs on (for operators' tools and tests).
func (r *Room) Counters() Counters { return r.cfg.Counters }
