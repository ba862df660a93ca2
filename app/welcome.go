package app

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vaxbook"
	"vaxbook/api"
)

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
	fmt.Fprintf(w, "vaxbook is serving on http://%s (database %s)\n", addr, MaskURL(cfg.Database))
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
