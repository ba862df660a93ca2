// Package loadgen plays residents through the real HTTP flow of a running vaxbook
// server — waiting room, congestion lights, identity verification with the development
// providers, site search, booking, some changes and cancellations — and measures what
// they meet. It is the client of `vaxbook loadgen`; it talks to the server only over
// HTTP, except for the read-only invariant audit after the run.
package loadgen

import (
	"errors"
	"fmt"
	"time"
)

// Options configure one run. Zero values take the defaults named on each field.
type Options struct {
	// Target is the server's base URL, e.g. http://127.0.0.1:8080.
	Target string
	// Users is how many residents arrive.
	Users int
	// Arrival is the shape of the arrivals: "burst" (everyone within Spread of the
	// start, as at a window's opening; the default), "ramp" (arrival rate growing
	// linearly over Spread) or "day" (the real day: 40 % in the first 30 minutes, the
	// rest over the remaining 21.5 hours of the window, both divided by Compress).
	Arrival string
	// Spread is the length of a burst (1 s by default) or a ramp (60 s by default).
	Spread time.Duration
	// Compress divides the day's time scale (1 by default: real time).
	Compress float64
	// Concurrency bounds the residents in progress at once (4,096 by default): each is
	// a goroutine with its own cookie jar, gone when the resident finishes.
	Concurrency int
	// Seed makes the run's random choices repeatable (methods aside, which follow the
	// server's lights).
	Seed int64
	// PopulationSeed is the server's --demo-seed (2021 by default), so that residents
	// exist at the development providers.
	PopulationSeed int64
	// Database, when set, is the server's database (SQLite path or postgres:// URL),
	// opened after the run for the read-only invariant audit.
	Database string
	// SecondVerification is the probability that a resident verifies twice, a failed
	// attempt first (0.5 by default, as 28.98 million verifications for about 16
	// million people); negative means never.
	SecondVerification float64
	// ChangeCancel is the probability that a booked resident then changes (half) or
	// cancels (half) the booking (0.1 by default); negative means never.
	ChangeCancel float64
	// PollCap caps the sleep between waiting-room polls, for experiments (a compressed
	// run that the server's real-time poll_after_s would dominate); the result reports
	// how often it applied. 0, the default, follows the server's advice as the waiting
	// page does (at least 1 s between polls).
	PollCap time.Duration
	// Wait is how long each status request offers to wait for the turn (the server's
	// ?wait=, whole seconds), as the waiting page does: 20 s by default; negative asks
	// without waiting (a server that predates the parameter ignores it).
	Wait time.Duration
	// Think is the mean pause of a resident between two steps of the flow (reading
	// the lights, choosing a place), drawn uniformly from half to one and a half
	// times it; 0, the default, does not pause. Waiting-room polls follow the
	// server's advice instead.
	Think time.Duration
	// SourceAddrs spreads residents over this many loopback source addresses
	// (127.1.x.y) when the target is on loopback (1,024 by default; negative: none).
	// The server limits joins per client address, as it should against one script;
	// real residents come from millions of addresses, so the load generator must too.
	SourceAddrs int
	// Sites is about how many sites the server has (14,000 by default): searches start
	// after a random site id below it, to spread bookings over the country.
	Sites int
	// Servers are the base URLs whose /metrics give the server side's CPU time (the
	// Target by default). Behind a load balancer, list every instance: the balancer
	// would send each reading to any one of them.
	Servers []string
	// OperatorToken is sent as the bearer credential when reading the servers'
	// /metrics, which a server's public listener serves to operators only.
	OperatorToken string
	// DevProviders is the URL of `vaxbook devproviders` when the server uses the
	// development providers in their own process: residents fetch their certificates
	// there (as a certificate lives on the resident's device, not at the service),
	// and its CPU is reported apart.
	DevProviders string
	// Timeout bounds one HTTP request (30 s by default).
	Timeout time.Duration
}

// withDefaults validates o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Target == "" {
		return o, errors.New("loadgen: no target URL")
	}
	if o.Users < 1 {
		return o, errors.New("loadgen: users must be at least 1")
	}
	switch o.Arrival {
	case "":
		o.Arrival = "burst"
	case "burst", "ramp", "day":
	default:
		return o, fmt.Errorf("loadgen: arrival %q is not burst, ramp or day", o.Arrival)
	}
	if o.Spread <= 0 {
		o.Spread = time.Second
		if o.Arrival == "ramp" {
			o.Spread = time.Minute
		}
	}
	if o.Compress <= 0 {
		o.Compress = 1
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4096
	}
	if o.PopulationSeed == 0 {
		o.PopulationSeed = 2021
	}
	if o.SecondVerification == 0 {
		o.SecondVerification = 0.5
	}
	if o.ChangeCancel == 0 {
		o.ChangeCancel = 0.1
	}
	if o.PollCap < 0 || o.Think < 0 {
		return o, errors.New("loadgen: poll cap and think time cannot be negative")
	}
	if o.Wait == 0 {
		o.Wait = 20 * time.Second
	}
	if o.SourceAddrs == 0 {
		o.SourceAddrs = 1024
	}
	if o.Sites <= 0 {
		o.Sites = 14000
	}
	if len(o.Servers) == 0 {
		o.Servers = []string{o.Target}
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return o, nil
}
