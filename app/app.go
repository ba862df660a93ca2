package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
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
	"vaxbook/phone"
	"vaxbook/redis"
	"vaxbook/signin"
	"vaxbook/web"
)

// Demo clinic staff: accounts clinic-1 … clinic-3 for sites 1 to 3. The password is
// public, like the other demo keys, and exists only in --demo.
const demoStaffPassword = "vaxbook-demo-clinic"

var demoStaffSites = []int64{1, 2, 3}

// demoSMSKeep is how many text messages the demo sink keeps (about 100 bytes each).
const demoSMSKeep = 200_000

// demoResidentsPerGroup is how many residents of each rotation group the demo page lists.
const demoResidentsPerGroup = 3

// serve runs the HTTP service until ctx ends, then shuts down gracefully. ready, when
// not nil, receives the listening address (tests use it with --addr 127.0.0.1:0).
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	cfg, fs, err := parseConfig("serve", args)
	if err != nil {
		return err
	}
	fs.SetOutput(stderr)
	if err := cfg.loadSecrets(); err != nil {
		return err
	}
	if err := cfg.checkTransport(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	log.Info("starting vaxbook", "config", cfg)
	if cfg.Redis != "" && len(cfg.TrustedProxies) == 0 {
		// Instances sharing Redis usually sit behind a balancer; without its address in
		// --trusted-proxies every resident shares the balancer's per-address limits.
		log.Warn("several instances but no --trusted-proxies: behind a load balancer, every client counts as the balancer's address")
	}

	var clock vaxbook.Clock = vaxbook.SystemClock{}
	start := clockStart(cfg)
	if !start.IsZero() {
		clock = vaxbook.NewOffsetClock(start)
		log.Info("clock replays a past moment at real speed", "starts_at", start.Format(time.RFC3339), "set_by_now_flag", !cfg.Now.IsZero())
	}
	store, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer store.Close()

	sealer, err := identity.NewSealer(cfg.PhoneKey)
	if err != nil {
		return err
	}
	// Listen first: the development issuers and the redirects need the address.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().String()
	base := cfg.PublicURL
	if base == "" {
		base = "http://" + addr
	}
	// The Guard comes first and the lines after: providers name the lines, and the
	// shared state holds both.
	sh, err := openShared(ctx, cfg, clock, sealer)
	if err != nil {
		return err
	}
	defer sh.Close()
	prov, err := openProviders(ctx, cfg, base, sealer)
	if err != nil {
		return err
	}
	if err := sh.openLines(cfg, prov.lines, clock); err != nil {
		return err
	}
	// Concurrent bookings share transactions; each caller still gets its own outcome,
	// only after the commit.
	committer := batch.New(store, batch.Config{MaxBatch: cfg.BatchMax, MaxWait: cfg.BatchWait})
	defer committer.Close()
	m := metrics.New()
	m.RegisterBatch(committer.Stats)
	apiCfg := api.Config{
		Store: store, Booking: booking.New(store, m.Booker(committer), sh.guard, clock), Sealer: sealer,
		Line: sh.line, LineMethods: names(prov.lines), OIDC: prov.oidc, Cert: prov.cert, Mounts: prov.mounts,
		Clock: clock, Logger: log, SecureCookies: cfg.SecureCookies, StaffKey: cfg.StaffKey,
		StandbyOfferWindow: cfg.StandbyOfferWindow, TrustedProxies: cfg.TrustedProxies,
	}
	// Every verification method ends in one sign-in service; passes are bound to
	// their person in the state the instances share.
	var passes vaxbook.Passes = inmem.NewPasses()
	if sh.rdb != nil {
		passes = redis.NewPasses(sh.rdb, cfg.RedisPrefix)
	}
	apiCfg.SignIn = signin.New(store, sealer, sh.guard, passes)
	if apiCfg.StaffLogins, err = staffLoginLimits(sh, cfg); err != nil {
		return err
	}
	if apiCfg.Limits, err = openRouteLimits(cfg, sh); err != nil {
		return err
	}
	if cfg.Demo {
		sum, err := demo.Load(ctx, store, demo.Options{Sites: cfg.DemoSites, Seed: cfg.DemoSeed, Logger: log})
		if err != nil {
			return fmt.Errorf("load demo data into %s: %w", maskURL(cfg.Database), err)
		}
		log.Info("demo data ready", "summary", sum)
		if _, err := demo.LoadStaff(ctx, store, demoStaffSites, demoStaffPassword); err != nil {
			return fmt.Errorf("demo staff: %w", err)
		}
		pop := demo.NewPopulation(demo.FullPopulation, cfg.DemoSeed, demo.Campaign2021())
		// The demo sink keeps enough messages for a load test's surge of codes.
		sms := phone.NewSMSSink(demoSMSKeep, clock, log)
		carrier := phone.WithLine(phone.NewDevCarrier(pop, sms, phone.DevCarrierConfig{
			Latency: cfg.DevCarrierLatency, Capacity: cfg.PhoneMaxInFlight, PerSecond: cfg.PhonePerSecond,
		}), sh.line)
		apiCfg.Phone, err = phone.New(phone.Config{Secret: cfg.PersonKeySecret}, carrier, apiCfg.SignIn, sh.challenges, sh.limiter)
		if err != nil {
			return err
		}
		apiCfg.Demo = &api.Demo{
			SMS: sms, Residents: exampleResidents(pop), IssueCert: prov.demoCerts(pop),
			Campaign: demo.Campaign2021(), ClockStart: start,
		}
	} else {
		// A real carrier integration is configured per deployment; without one the
		// phone method answers "unavailable" rather than pretending.
		apiCfg.Phone = unavailablePhone{}
	}

	if cfg.WaitingRoom {
		room, err := openRoom(ctx, cfg, clock, sh, store, log)
		if err != nil {
			return fmt.Errorf("waiting room: %w", err)
		}
		apiCfg.Room = room
		go watchOpenings(ctx, store, room, log)
		go func() {
			if err := room.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("waiting room stopped", "err", err)
			}
		}()
	}
	apiCfg.OperatorToken = cfg.OperatorToken
	notices := startLifecycle(ctx, cfg, store, clock, sealer, log)
	if apiCfg.Demo != nil {
		apiCfg.Demo.Notices = notices
	}
	pages, err := web.New(web.Config{Demo: cfg.Demo, Now: clock.Now, Logger: log})
	if err != nil {
		return fmt.Errorf("pages: %w", err)
	}
	for _, pattern := range web.Patterns {
		apiCfg.Mounts[pattern] = pages
	}
	// Metrics are the operators': behind their token on the public listener, open
	// only on their private one.
	apiCfg.Metrics = m.Handler()
	m.RegisterLines(func(ctx context.Context) ([]congestion.Light, error) { return sh.line.Lights(ctx, clock.Now()) })
	if apiCfg.Room != nil {
		m.RegisterQueue(apiCfg.Room.Snapshot)
	}
	registerPool(m, store)
	if cfg.OpsAddr != "" {
		go func() {
			if err := http.ListenAndServe(cfg.OpsAddr, opsHandler(m.Handler())); err != nil {
				log.Error("operators' listener", "err", err)
			}
		}()
	}

	srv := &http.Server{
		Handler:           m.Wrap(api.New(apiCfg).Handler()),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
	}
	printWelcome(stdout, addr, cfg, apiCfg.Demo, apiCfg.Room != nil, clock.Now())
	if ready != nil {
		ready <- addr
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// In-flight requests (bookings among them) finish before the process exits.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
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

// exampleResidents picks residents of the synthetic population for the demo page and the
// start-up message: the source's example, then demoResidentsPerGroup of every rotation
// group, so that whichever group may book at the demo's clock has people to book as.
func exampleResidents(pop demo.Population) []identity.Subscriber {
	first := pop.Example()
	out := []identity.Subscriber{first}
	for g := 0; g < vaxbook.Groups; g++ {
		from := 0
		for range demoResidentsPerGroup {
			i, r := pop.FindInGroup(g, from)
			if i < 0 {
				break
			}
			if r.Phone != first.Phone {
				out = append(out, r)
			}
			from = i + 1
		}
	}
	return out
}

// openGroups says in words who may book in c at t: "groups 2", "everyone", or "".
func openGroups(c vaxbook.Campaign, t time.Time) string {
	var gs []string
	for g := range vaxbook.Groups {
		if w, ok := c.OpenWindow(g, t); ok {
			if w.Pooled() {
				return "everyone born " + c.CohortFrom.String() + " … " + c.CohortTo.String() + " who has not booked"
			}
			gs = append(gs, fmt.Sprint(g))
		}
	}
	if len(gs) == 0 {
		return ""
	}
	return "group " + strings.Join(gs, ", ") + " (born on a day ending in " + strings.Join(gs, " or ") + ")"
}

// printWelcome tells the person who started the service where it is and, in demo mode,
// what the demo's clock says, who may book now and how to sign in as them.
func printWelcome(w io.Writer, addr string, cfg Config, d *api.Demo, room bool, now time.Time) {
	fmt.Fprintf(w, "vaxbook is serving on http://%s (database %s)\n", addr, maskURL(cfg.Database))
	if d == nil {
		return
	}
	fmt.Fprintf(w, "\nDemo clock: %s Korea time, running at real speed", now.In(vaxbook.Seoul).Format("2006-01-02 15:04 (Mon)"))
	if cfg.Now.IsZero() {
		fmt.Fprint(w, " (a replay of 2021; --now starts it elsewhere)")
	}
	fmt.Fprintln(w)
	if who := openGroups(d.Campaign, now); who != "" {
		fmt.Fprintf(w, "Who can book now: %s.\n", who)
	} else {
		fmt.Fprintln(w, "Nobody can book at this moment: see http://"+addr+"/demo for when each group opens.")
	}
	fmt.Fprintf(w, "Open http://%[1]s/ in a browser. Residents to sign in as, and the demo SMS inbox: http://%[1]s/demo\n", addr)
	if room {
		fmt.Fprint(w, `
The waiting room is on: POST /api/v1/queue/join twice (the first sets a device cookie),
poll GET /api/v1/queue/status, then POST /api/v1/queue/claim once admitted.
`)
	}
	fmt.Fprintf(w, "Clinic staff: sign in at http://%s/clinic as clinic-1, clinic-2 or clinic-3, password %s\n", addr, demoStaffPassword)
	if cfg.madeUpToken {
		// A token the operator chose is never printed; one made up for this demo run
		// must be, or nobody could use the operator API.
		fmt.Fprintf(w, "Operator API token (this demo run only): %s\n", cfg.OperatorToken)
	}
	r := d.Residents[0]
	if open, _ := d.Bookable(now); len(open) > 0 {
		r = open[0].Subscriber
	}
	fmt.Fprintf(w, `
Sign in as a demo resident by mobile phone:
  name %s, born %s, 7th digit %d, carrier %s, phone %s
  POST http://%[6]s/api/v1/identity/phone/start, then read the one-time code at
  http://%[6]s/demo (or /demo/sms?phone=%[5]s) and POST it to /api/v1/identity/phone/confirm.
`, r.Name, r.Birth, r.Digit7, r.Carrier, r.Phone, addr)
}

// unavailablePhone stands in for the mobile-phone method when no carrier is configured.
type unavailablePhone struct{}

func (unavailablePhone) Start(context.Context, string, phone.Claim, time.Time) (phone.Challenge, error) {
	return phone.Challenge{}, vaxbook.Errorf(vaxbook.CodeUnavailable, "verification by mobile phone is not available")
}

func (unavailablePhone) Confirm(context.Context, string, string, time.Time) (identity.Identity, string, error) {
	return identity.Identity{}, "", vaxbook.Errorf(vaxbook.CodeUnavailable, "verification by mobile phone is not available")
}

// opsHandler serves the operators' private listener: the metrics and Go's profiling
// endpoints, which the public listener never serves without the operator token.
func opsHandler(metricsHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metricsHandler)
	mux.Handle("/debug/pprof/", metrics.Pprof())
	return mux
}
