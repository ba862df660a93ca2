package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/demo"
	"vaxbook/identity"
	"vaxbook/phone"
	"vaxbook/signin"
)

// Demo clinic staff: accounts clinic-1 … clinic-3 for sites 1 to 3. The password is
// public, like the other demo keys, and exists only in --demo.
const demoStaffPassword = "vaxbook-demo-clinic"

var demoStaffSites = []int64{1, 2, 3}

// demoSMSKeep is how many text messages the demo sink keeps (about 100 bytes each).
const demoSMSKeep = 200_000

// demoResidentsPerGroup is how many residents of each rotation group the demo page lists.
const demoResidentsPerGroup = 3

// openDemo loads the demo data and staff into store and returns the mobile-phone
// method on the development carrier (its codes land in the demo SMS sink) and the demo
// pages' state. --demo only.
func openDemo(ctx context.Context, cfg Config, store vaxbook.Store, sh *shared, in *signin.Service, prov *providers,
	clock vaxbook.Clock, start time.Time, log *slog.Logger) (api.PhoneMethod, *api.Demo, error) {
	sum, err := demo.Load(ctx, store, demo.Options{Sites: cfg.DemoSites, Seed: cfg.DemoSeed, Logger: log})
	if err != nil {
		return nil, nil, fmt.Errorf("load demo data into %s: %w", MaskURL(cfg.Database), err)
	}
	log.Info("demo data ready", "summary", sum)
	if _, err := demo.LoadStaff(ctx, store, demoStaffSites, demoStaffPassword); err != nil {
		return nil, nil, fmt.Errorf("demo staff: %w", err)
	}
	pop := demo.NewPopulation(demo.FullPopulation, cfg.DemoSeed, demo.Campaign2021())
	// The demo sink keeps enough messages for a load test's surge of codes.
	sms := phone.NewSMSSink(demoSMSKeep, clock, log)
	carrier := phone.WithLine(phone.NewDevCarrier(pop, sms, phone.DevCarrierConfig{
		Latency: cfg.DevCarrierLatency, Capacity: cfg.PhoneMaxInFlight, PerSecond: cfg.PhonePerSecond,
	}), sh.line)
	method, err := phone.New(phone.Config{Secret: cfg.PersonKeySecret}, carrier, in, sh.challenges, sh.limiter)
	if err != nil {
		return nil, nil, err
	}
	d := &api.Demo{
		SMS: sms, Residents: exampleResidents(pop), IssueCert: prov.demoCerts(pop),
		Campaign: demo.Campaign2021(), ClockStart: start,
	}
	return method, d, nil
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
