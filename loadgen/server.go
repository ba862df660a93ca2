package loadgen

import (
	"context"
	"fmt"
	"time"

	"vaxbook"
)

// campaignID is the demo's one campaign, the 2021 18–49 round.
const campaignID = 1

// campaign reads the campaign's cohort and vaccination dates from the server, so that
// the synthetic population matches its cohort and searches spread over its dates.
func (g *gen) campaign(ctx context.Context, c *client) (vaxbook.Campaign, error) {
	var v struct {
		ID              int64  `json:"id"`
		CohortFrom      string `json:"cohort_from"`
		CohortTo        string `json:"cohort_to"`
		VaccinationFrom string `json:"vaccination_from"`
		VaccinationTo   string `json:"vaccination_to"`
	}
	if _, err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/campaigns/%d", campaignID), nil, &v); err != nil {
		return vaxbook.Campaign{}, fmt.Errorf("loadgen: read campaign %d at %s: %w", campaignID, c.base, err)
	}
	camp := vaxbook.Campaign{ID: v.ID}
	var err error
	if camp.CohortFrom, err = vaxbook.ParseDate(v.CohortFrom); err != nil {
		return camp, fmt.Errorf("loadgen: campaign cohort: %w", err)
	}
	if camp.CohortTo, err = vaxbook.ParseDate(v.CohortTo); err != nil {
		return camp, fmt.Errorf("loadgen: campaign cohort: %w", err)
	}
	from, err1 := time.Parse(time.DateOnly, v.VaccinationFrom)
	to, err2 := time.Parse(time.DateOnly, v.VaccinationTo)
	if err1 != nil || err2 != nil || to.Before(from) {
		return camp, fmt.Errorf("loadgen: campaign vaccination dates %q…%q", v.VaccinationFrom, v.VaccinationTo)
	}
	g.vaxFrom, g.vaxDays = from, int(to.Sub(from).Hours()/24)+1
	return camp, nil
}

// openGroup asks the server, one birth date per rotation group, whose window is open
// at the server's clock (which --now may have set anywhere). In the open period every
// group is, and pooled is true.
func openGroup(ctx context.Context, c *client) (group int, pooled bool, now string, err error) {
	for g := range vaxbook.Groups {
		// Born on the 1g-th of July 1981: the last digit of the day is g (10 for 0).
		birth := fmt.Sprintf("1981-07-%02d", 10+g)
		var e struct {
			OpenNow bool   `json:"open_now"`
			Pooled  bool   `json:"pooled"`
			Now     string `json:"now"`
		}
		if _, err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/campaigns/%d/eligibility?birth=%s", campaignID, birth), nil, &e); err != nil {
			return 0, false, "", fmt.Errorf("loadgen: eligibility: %w", err)
		}
		if e.OpenNow {
			return g, e.Pooled, e.Now, nil
		}
		now = e.Now
	}
	return 0, false, now, fmt.Errorf("loadgen: no booking window is open at the server's time %s (start it with --now inside a window)", now)
}
