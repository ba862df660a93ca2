package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteSummary writes the result for a person: rates, CPU per booking on every side
// and each step's latency as the client and as the server saw it.
func (r Result) WriteSummary(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "booked %d of %d residents (%d failed) in %.1f s: %.1f bookings/s steady, %.1f overall; %.2f polls per booking\n",
		r.Booked, r.Users, r.Failed, r.DurationS, r.BookingsPerS, r.OverallPerS, r.PollsPerBooking)
	if c := r.CPU; c != nil {
		fmt.Fprintf(&b, "CPU ms per booking: server %.2f, load generator %.2f", c.ServerMSPerBooking, c.LoadgenMSPerBooking)
		if c.DB != nil {
			if c.DB.Method == dbMethodInServer {
				fmt.Fprint(&b, ", database in the server")
			} else {
				fmt.Fprintf(&b, ", database %.2f", c.DB.MSPerBooking)
			}
		}
		if c.DevProvidersS > 0 {
			fmt.Fprintf(&b, ", development providers %.2f", c.DevProvidersMSPerBooking)
		}
		fmt.Fprintf(&b, ", total %.2f\n", c.TotalMSPerBooking)
		if c.DB != nil {
			if c.DB.ServerBackends > 0 {
				fmt.Fprintf(&b, "database, only the %d backends of the servers' connections: %.2f ms per booking\n", c.DB.ServerBackends, c.DB.ServerBackendsMSPerBooking)
			}
			if c.DB.TransactionsPerBooking > 0 {
				fmt.Fprintf(&b, "database transactions per booking: %.2f\n", c.DB.TransactionsPerBooking)
			}
			if c.DB.StatementsPerBooking > 0 {
				fmt.Fprintf(&b, "database statements per booking: %.2f\n", c.DB.StatementsPerBooking)
			}
			if c.DB.Note != "" {
				fmt.Fprintf(&b, "database: %s\n", c.DB.Note)
			}
		}
	}
	fmt.Fprintf(&b, "invariant violations: %d\n", r.InvariantViolations)
	fmt.Fprintf(&b, "%-14s %9s %9s %9s %9s | %9s %9s %9s %9s\n", "step", "client n", "p50 ms", "p95 ms", "p99 ms", "server n", "p50 ms", "p95 ms", "p99 ms")
	names := make([]string, 0, len(r.Steps)+len(r.ServerSteps))
	for n := range r.Steps {
		names = append(names, n)
	}
	for n := range r.ServerSteps {
		if _, ok := r.Steps[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%-14s", n)
		if s, ok := r.Steps[n]; ok {
			fmt.Fprintf(&b, " %9d %9.1f %9.1f %9.1f", s.Count, s.P50, s.P95, s.P99)
		} else {
			fmt.Fprintf(&b, " %9s %9s %9s %9s", "", "", "", "")
		}
		if s, ok := r.ServerSteps[n]; ok {
			// A quantile at the top bucket's bound means at least that.
			q := func(v float64) string {
				if s.AboveTop > 0 && v >= s.TopMS {
					return "≥" + fmt.Sprintf("%.0f", v)
				}
				return fmt.Sprintf("%.1f", v)
			}
			fmt.Fprintf(&b, " | %9d %9s %9s %9s\n", s.Count, q(s.P50), q(s.P95), q(s.P99))
		} else {
			fmt.Fprint(&b, " |\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
