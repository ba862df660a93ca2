package app

import (
	"flag"
	"fmt"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/inmem"
	"vaxbook/jobs"
	"vaxbook/redis"
)

// RouteLimitConfig is how many requests a minute the expensive resident routes take
// per person and per client address (api.RouteLimits).
type RouteLimitConfig struct {
	SearchesPerPerson, SearchesPerAddr int
	BookingsPerPerson, BookingsPerAddr int
	VerifiesPerDevice, VerifiesPerAddr int
	// JoinsPerAddr is the waiting room's joins per minute per client address.
	JoinsPerAddr int
}

// addLimitFlags registers the route limits and the outbox retention on fs.
func addLimitFlags(fs *flag.FlagSet, c *Config) {
	fs.IntVar(&c.Limits.SearchesPerPerson, "limit-search-person", api.DefaultSearchesPerPerson, "site searches per minute per verified person")
	fs.IntVar(&c.Limits.SearchesPerAddr, "limit-search-addr", api.DefaultSearchesPerAddr, "site searches per minute per client address")
	fs.IntVar(&c.Limits.BookingsPerPerson, "limit-booking-person", api.DefaultBookingsPerPerson, "booking, change and cancel requests per minute per verified person")
	fs.IntVar(&c.Limits.BookingsPerAddr, "limit-booking-addr", api.DefaultBookingsPerAddr, "booking, change and cancel requests per minute per client address")
	fs.IntVar(&c.Limits.VerifiesPerDevice, "limit-verify-device", api.DefaultVerifiesPerDevice, "verification requests (every method) per minute per device")
	fs.IntVar(&c.Limits.VerifiesPerAddr, "limit-verify-addr", api.DefaultVerifiesPerAddr, "verification requests (every method) per minute per client address; a carrier NAT puts many residents behind one")
	fs.IntVar(&c.Limits.JoinsPerAddr, "queue-join-per-address", defaultAddrJoins, "waiting-room joins per minute per client address; a carrier NAT puts many residents behind one at 20:00")
	fs.DurationVar(&c.OutboxRetention.Sent, "outbox-sent-retention", vaxbook.DefaultSentRetention, "keep sent notifications this long (at least 48h), then delete them")
	fs.DurationVar(&c.OutboxRetention.Dead, "outbox-dead-retention", vaxbook.DefaultDeadRetention, "keep dead notifications (not retried by an operator) this long after their last attempt (at least 48h)")
}

// validateLimits refuses limits that would shut a route (there is no "off": a route
// without a limit is what the limits exist to prevent) and retentions shorter than
// vaxbook.MinOutboxRetention.
func (c Config) validateLimits() error {
	for _, l := range []struct {
		flag string
		n    int
	}{
		{"--limit-search-person", c.Limits.SearchesPerPerson}, {"--limit-search-addr", c.Limits.SearchesPerAddr},
		{"--limit-booking-person", c.Limits.BookingsPerPerson}, {"--limit-booking-addr", c.Limits.BookingsPerAddr},
		{"--limit-verify-device", c.Limits.VerifiesPerDevice}, {"--limit-verify-addr", c.Limits.VerifiesPerAddr},
		{"--queue-join-per-address", c.Limits.JoinsPerAddr},
	} {
		if l.n < 1 {
			return fmt.Errorf("%s must be at least 1, not %d", l.flag, l.n)
		}
	}
	return CheckRetention(c.OutboxRetention, "--outbox-sent-retention", "--outbox-dead-retention")
}

// openRouteLimits builds the route limiters: in Redis when the instances share one, so
// that a limit holds across them, else in this process.
func openRouteLimits(cfg Config, sh *shared) (api.RouteLimits, error) {
	var out api.RouteLimits
	for _, l := range []struct {
		dst   *vaxbook.Limiter
		name  string
		limit int
	}{
		{&out.SearchPerPerson, "rl-search-person:", cfg.Limits.SearchesPerPerson},
		{&out.SearchPerAddr, "rl-search-addr:", cfg.Limits.SearchesPerAddr},
		{&out.BookingPerPerson, "rl-booking-person:", cfg.Limits.BookingsPerPerson},
		{&out.BookingPerAddr, "rl-booking-addr:", cfg.Limits.BookingsPerAddr},
		{&out.VerifyPerDevice, "rl-verify-device:", cfg.Limits.VerifiesPerDevice},
		{&out.VerifyPerAddr, "rl-verify-addr:", cfg.Limits.VerifiesPerAddr},
	} {
		switch {
		case sh.rdb != nil:
			lim, err := redis.NewLimiter(sh.rdb, cfg.RedisPrefix+l.name, l.limit, api.LimitWindow)
			if err != nil {
				return out, err
			}
			*l.dst = lim
		case l.limit <= maxSketchLimit:
			// Fixed memory whatever the crowd: a list per person would grow with it.
			*l.dst = inmem.NewSketchLimiter(l.limit, api.LimitWindow, 1<<20)
		default:
			*l.dst = inmem.NewLimiter(l.limit, api.LimitWindow)
		}
	}
	return out, nil
}

// maxSketchLimit is the largest limit inmem.SketchLimiter's byte counters hold.
const maxSketchLimit = 255

// CheckRetention refuses a retention shorter than vaxbook.MinOutboxRetention, naming the
// flag (sentFlag or deadFlag) that set it: the reminder job relies on the rows of the
// reminders it wrote to write none twice.
func CheckRetention(ret jobs.Retention, sentFlag, deadFlag string) error {
	for _, r := range []struct {
		flag string
		d    time.Duration
	}{{sentFlag, ret.Sent}, {deadFlag, ret.Dead}} {
		if r.d < vaxbook.MinOutboxRetention {
			return fmt.Errorf("%s must be at least %s, not %s: the reminder job tells a reservation already reminded by its outbox row, and a row pruned sooner would have the reminder sent again",
				r.flag, vaxbook.MinOutboxRetention, r.d)
		}
	}
	return nil
}
