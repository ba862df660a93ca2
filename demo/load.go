package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"vaxbook"
)

// Batch bounds for Load. Sites are few and wide; capacities are many and narrow, and
// the stores make SetCapacities fast per call, so fewer, larger calls load quicker while
// each still fits in one transaction of reasonable size.
const (
	siteBatch     = 2_000
	capacityBatch = 50_000
)

// Options configure Load. The zero Options load DefaultSites sites with seed 0 and log
// nothing.
type Options struct {
	// Sites is the number of sites to load; zero means DefaultSites.
	Sites int
	// Seed selects the data; zero is a seed like any other.
	Seed int64
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Summary reports what Load did.
type Summary struct {
	// CampaignID is the campaign loaded, or the first existing one when Load did
	// nothing (Created false).
	CampaignID int64
	Created    bool
	Sites      int
	Capacities int
	// Places is the sum of the capacities: the first-dose places on offer.
	Places   int
	Duration time.Duration
}

// Load fills an empty store with the demo data: Campaign2021, opts.Sites sites and their
// capacities. If the store already holds a campaign, Load changes nothing and returns
// that campaign's ID with Created false, so that running the demo twice, or against a
// real deployment, never doubles or overwrites data. Errors come from the store,
// wrapped with the step that failed; a failure part-way leaves what was loaded so far.
func Load(ctx context.Context, s vaxbook.Store, opts Options) (Summary, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Sites <= 0 {
		opts.Sites = DefaultSites
	}
	existing, err := s.Campaigns(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: list campaigns: %w", err)
	}
	if len(existing) > 0 {
		if existing[0].Name == Campaign2021().Name {
			// A demo database: it must be the one these flags make, or the pages,
			// the examples and the load generator talk about sites it does not hold.
			if err := checkSites(ctx, s, opts, log); err != nil {
				return Summary{}, err
			}
		}
		log.Info("demo data not loaded: the store already has campaigns", "campaigns", len(existing))
		return Summary{CampaignID: existing[0].ID}, nil
	}

	c := Campaign2021()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		return Summary{}, fmt.Errorf("demo: create campaign: %w", err)
	}
	log.Info("demo campaign created", "id", c.ID, "name", c.Name)
	sum := Summary{CampaignID: c.ID, Created: true}

	sites := Sites(opts.Sites, opts.Seed)
	for lo := 0; lo < len(sites); lo += siteBatch {
		hi := min(lo+siteBatch, len(sites))
		if err := s.PutSites(ctx, sites[lo:hi]); err != nil {
			return sum, fmt.Errorf("demo: put sites %d…%d: %w", sites[lo].ID, sites[hi-1].ID, err)
		}
		sum.Sites = hi
	}
	log.Info("demo sites loaded", "sites", sum.Sites, "elapsed", time.Since(start).Round(time.Millisecond))

	caps := Capacities(sites, c, opts.Seed)
	for lo := 0; lo < len(caps); lo += capacityBatch {
		hi := min(lo+capacityBatch, len(caps))
		if err := s.SetCapacities(ctx, c.ID, caps[lo:hi]); err != nil {
			return sum, fmt.Errorf("demo: set capacities %d…%d of %d: %w", lo, hi, len(caps), err)
		}
		sum.Capacities = hi
		sum.Places += Places(caps[lo:hi])
		log.Info("demo capacities loaded", "done", hi, "of", len(caps), "elapsed", time.Since(start).Round(time.Millisecond))
	}
	sum.Duration = time.Since(start)
	log.Info("demo data loaded", "campaign", sum.CampaignID, "sites", sum.Sites,
		"capacities", sum.Capacities, "places", sum.Places, "duration", sum.Duration.Round(time.Millisecond))
	return sum, nil
}
