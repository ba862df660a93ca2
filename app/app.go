// Package app is the vaxbook service as one value. Open builds everything a process
// serves with from a Config (the store, the state instances share, the waiting room,
// the identity providers, the services and the HTTP handlers), Run serves until its
// context ends, and Close releases what Open took. cmd/vaxbook parses flags into a
// Config and calls these three; tests start the real service the same way.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/batch"
	"vaxbook/booking"
	"vaxbook/congestion"
	"vaxbook/demo"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/metrics"
	"vaxbook/queue"
	"vaxbook/redis"
	"vaxbook/signin"
	"vaxbook/web"
)

// App is one running vaxbook service: its listener is bound from Open on, it serves
// from Run, and Close releases it.
type App struct {
	cfg   Config
	log   *slog.Logger
	clock vaxbook.Clock
	// start is the instant the clock replays from (--now, or the demo's 2021 evening);
	// zero for the real clock.
	start time.Time

	store     vaxbook.Store
	shared    *shared
	committer *batch.Committer
	sheets    *booking.Sheets
	signin    *signin.Service
	room      *queue.Room // nil without the waiting room
	life      *lifecycle
	demo      *api.Demo // nil outside --demo

	ln, opsLn   net.Listener // opsLn is nil without --ops-addr
	srv, opsSrv *http.Server
	ready       chan struct{}

	// closers release what Open took, in the order it took them; Close runs them
	// backwards, once.
	closers   []func() error
	closeOnce sync.Once
	closeErr  error
}

// Open builds the service cfg describes and binds its listener (Addr says where), but
// serves nothing until Run. It validates and decodes cfg's secrets first. On error
// everything already opened is released.
func Open(ctx context.Context, cfg Config) (_ *App, err error) {
	if err := cfg.loadSecrets(); err != nil {
		return nil, err
	}
	if err := cfg.checkTransport(); err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: cfg.logger(), ready: make(chan struct{})}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	log := a.log
	log.Info("starting vaxbook", "config", cfg)
	if cfg.Redis != "" && len(cfg.TrustedProxies) == 0 {
		// Instances sharing Redis usually sit behind a balancer; without its address in
		// --trusted-proxies every resident shares the balancer's per-address limits.
		log.Warn("several instances but no --trusted-proxies: behind a load balancer, every client counts as the balancer's address")
	}
	a.clock, a.start = openClock(cfg, log)

	sealer, prov, err := a.openBackends(ctx)
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	apiCfg, err := a.openHandlers(ctx, sealer, prov, m)
	if err != nil {
		return nil, err
	}
	if err := a.openServers(m, apiCfg); err != nil {
		return nil, err
	}
	return a, nil
}

// openBackends opens what the rest stands on: the store, the listener (first, since
// the development issuers and the redirects need its address), the state instances
// share, and the identity providers with their congestion lines.
func (a *App) openBackends(ctx context.Context) (*identity.Sealer, *providers, error) {
	cfg := a.cfg
	var err error
	if a.store, err = OpenStore(ctx, cfg.Database); err != nil {
		return nil, nil, err
	}
	a.onClose(a.store.Close)
	sealer, err := identity.NewSealer(cfg.PhoneKey)
	if err != nil {
		return nil, nil, err
	}
	// Listen first: the development issuers and the redirects need the address.
	if a.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return nil, nil, err
	}
	a.onClose(func() error { return ignoreClosed(a.ln.Close()) })
	base := cfg.PublicURL
	if base == "" {
		base = "http://" + a.Addr()
	}
	// The Guard comes first and the lines after: providers name the lines, and the
	// shared state holds both.
	if a.shared, err = openShared(ctx, cfg, a.clock, sealer); err != nil {
		return nil, nil, err
	}
	sh := a.shared
	a.onClose(sh.Close)
	prov, err := openProviders(ctx, cfg, base, sealer)
	if err != nil {
		return nil, nil, err
	}
	if err := sh.openLines(cfg, prov.lines, a.clock); err != nil {
		return nil, nil, err
	}
	return sealer, prov, nil
}

// openHandlers builds the services and what the API serves them with: the group
// commit, booking, sign-in, the limits, the demo (--demo only), the waiting room, the
// application services, the lifecycle work and the pages.
func (a *App) openHandlers(ctx context.Context, sealer *identity.Sealer, prov *providers, m *metrics.Metrics) (api.Config, error) {
	cfg, log, sh := a.cfg, a.log, a.shared
	var err error
	// Concurrent bookings share transactions; each caller still gets its own outcome,
	// only after the commit.
	a.committer = batch.New(a.store, batch.Config{MaxBatch: cfg.BatchMax, MaxWait: cfg.BatchWait})
	a.onClose(a.committer.Close)
	m.RegisterBatch(a.committer.Stats)
	// Searches are answered from a copy of each campaign's places in memory.
	bookings := booking.New(a.store, m.Booker(a.committer), sh.guard, a.clock)
	a.sheets = booking.NewSheets(a.store, booking.SheetsConfig{}, log)
	bookings.SearchFrom(a.sheets)
	apiCfg := api.Config{
		Store: a.store, Booking: bookings, Sealer: sealer,
		Line: sh.line, LineMethods: names(prov.lines), OIDC: prov.oidc, Cert: prov.cert, Mounts: prov.mounts,
		Clock: a.clock, Logger: log, SecureCookies: cfg.SecureCookies, StaffKey: cfg.StaffKey,
		TrustedProxies: cfg.TrustedProxies, OperatorToken: cfg.OperatorToken,
	}
	// Every verification method ends in one sign-in service; passes are bound to
	// their person in the state the instances share, and sessions are kept in memory,
	// a sign-out reaching every instance's copy through that state too.
	var passes vaxbook.Passes = inmem.NewPasses()
	var ends vaxbook.SessionEnds = inmem.NewSessionEnds()
	if sh.rdb != nil {
		passes = redis.NewPasses(sh.rdb, cfg.RedisPrefix)
		ends = redis.NewSessionEnds(sh.rdb, cfg.RedisPrefix)
	}
	// Concurrent sign-ins share commits too: at 20:00 every booking begins with one.
	sessions := batch.NewSessions(a.store, batch.Config{MaxBatch: cfg.BatchMax, MaxWait: cfg.BatchWait})
	a.onClose(sessions.Close)
	m.RegisterSignInBatch(sessions.Stats)
	a.signin = signin.New(sessions, sealer, sh.guard, passes)
	a.signin.CacheSessions(ends)
	apiCfg.SignIn = a.signin
	if apiCfg.StaffLogins, err = staffLoginLimits(sh, cfg); err != nil {
		return api.Config{}, err
	}
	if apiCfg.Limits, err = openRouteLimits(cfg, sh); err != nil {
		return api.Config{}, err
	}
	// A real carrier integration is configured per deployment; without one the phone
	// method answers "unavailable" rather than pretending. The demo brings its own.
	apiCfg.Phone = unavailablePhone{}
	if cfg.Demo {
		if apiCfg.Phone, a.demo, err = openDemo(ctx, cfg, a.store, sh, apiCfg.SignIn, prov, a.clock, a.start, log); err != nil {
			return api.Config{}, err
		}
		apiCfg.Demo = a.demo
	}
	// The campaigns there are now (the demo's included) have their sheets loaded at
	// start; one created later is loaded at its first search.
	if cs, err := a.store.Campaigns(ctx); err == nil {
		for _, c := range cs {
			a.sheets.Want(c.ID)
		}
	}
	if cfg.WaitingRoom {
		if a.room, err = openRoom(ctx, cfg, a.clock, sh, a.store, log); err != nil {
			return api.Config{}, fmt.Errorf("waiting room: %w", err)
		}
		apiCfg.Room = a.room
	}
	openServices(&apiCfg, a.store, cfg.StandbyOfferWindow, log)
	var life *lifecycle
	life, notices := openLifecycle(cfg, a.store, a.clock, sealer, log)
	a.life = life
	if a.demo != nil {
		a.demo.Notices = notices
	}
	pages, err := web.New(web.Config{Demo: cfg.Demo, Now: a.clock.Now, Logger: log})
	if err != nil {
		return api.Config{}, fmt.Errorf("pages: %w", err)
	}
	for _, pattern := range web.Patterns {
		apiCfg.Mounts[pattern] = pages
	}
	return apiCfg, nil
}

// openServers builds the public HTTP server and, with --ops-addr, the operators' own
// listener, and registers what the metrics read.
func (a *App) openServers(m *metrics.Metrics, apiCfg api.Config) error {
	cfg, sh := a.cfg, a.shared
	var err error
	// Metrics are the operators': behind their token on the public listener, open
	// only on their private one.
	apiCfg.Metrics = m.Handler()
	m.RegisterLines(func(ctx context.Context) ([]congestion.Light, error) { return sh.line.Lights(ctx, a.clock.Now()) })
	if a.room != nil {
		m.RegisterQueue(a.room.Snapshot)
	}
	registerPool(m, a.store)
	if cfg.OpsAddr != "" {
		if a.opsLn, err = net.Listen("tcp", cfg.OpsAddr); err != nil {
			return fmt.Errorf("operators' listener: %w", err)
		}
		a.onClose(func() error { return ignoreClosed(a.opsLn.Close()) })
		a.opsSrv = &http.Server{Handler: opsHandler(m.Handler()), ReadHeaderTimeout: 5 * time.Second}
	}
	a.srv = &http.Server{
		Handler:           m.Wrap(api.New(apiCfg).Handler()),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
	}
	if a.room != nil {
		// Held status answers end at once when the server shuts down, so that they do
		// not keep it up for their whole hold.
		a.srv.RegisterOnShutdown(a.room.Drain)
	}
	return nil
}

// Addr returns the address the service listens on, known from Open on (with
// --addr 127.0.0.1:0, the port the system chose).
func (a *App) Addr() string { return a.ln.Addr().String() }

// Ready is closed once Run serves: the start-up message is written and requests are
// answered.
func (a *App) Ready() <-chan struct{} { return a.ready }

// Run starts the background work (the waiting room, the openings refresh, the
// notification worker and the lifecycle jobs) and serves HTTP until ctx ends, then
// shuts down gracefully: in-flight requests finish and the background work stops
// before Run returns. Call it once.
func (a *App) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if a.room != nil {
		wg.Go(func() { watchOpenings(ctx, a.store, a.room, a.log) })
		wg.Go(func() {
			if err := a.room.Run(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("waiting room stopped", "err", err)
			}
		})
	}
	a.life.run(ctx, &wg)
	wg.Go(func() { a.sheets.Run(ctx) })
	wg.Go(func() { a.signin.RunCache(ctx, a.log) })
	if a.opsSrv != nil {
		wg.Go(func() {
			if err := a.opsSrv.Serve(a.opsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.log.Error("operators' listener", "err", err)
			}
		})
		defer a.opsSrv.Close()
	}
	if a.cfg.Welcome != nil {
		printWelcome(a.cfg.Welcome, a.Addr(), a.cfg, a.demo, a.room != nil, a.clock.Now())
	}
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	close(a.ready)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// In-flight requests (bookings among them) finish before the process exits.
	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancelShutdown()
	if err := a.srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// Close releases everything Open took, the last taken first: the listeners, the
// group commits, the shared state's connection and the store. Call it after Run has
// returned; later calls return the first call's error.
func (a *App) Close() error {
	a.closeOnce.Do(func() {
		var errs []error
		for i := len(a.closers) - 1; i >= 0; i-- {
			errs = append(errs, a.closers[i]())
		}
		a.closeErr = errors.Join(errs...)
	})
	return a.closeErr
}

// onClose adds a release step for Close.
func (a *App) onClose(f func() error) { a.closers = append(a.closers, f) }

// ignoreClosed drops the error of closing a listener the server has closed already.
func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// openClock returns the service's clock and the instant it replays from (zero: the
// real clock).
func openClock(cfg Config, log *slog.Logger) (vaxbook.Clock, time.Time) {
	start := clockStart(cfg)
	if start.IsZero() {
		return vaxbook.SystemClock{}, start
	}
	log.Info("clock replays a past moment at real speed", "starts_at", start.Format(time.RFC3339), "set_by_now_flag", !cfg.Now.IsZero())
	return vaxbook.NewOffsetClock(start), start
}

// clockStart returns the instant the service's clock starts at: --now if given, else in
// --demo the replayed 2021 evening (on today's clock every 2021 window is closed and a
// first run would lead nowhere), else zero, the real clock of a production run.
func clockStart(cfg Config) time.Time {
	if cfg.Now.IsZero() && cfg.Demo {
		return demo.ReplayStart()
	}
	return cfg.Now
}

// names returns the keys of a method map.
func names(m map[string]congestion.MethodConfig) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// logger returns cfg.Logger, or a text log on standard error at cfg.LogLevel.
func (c Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
}
