package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
)

// operatorHarness is a harness with the operator routes on.
func operatorHarness(t *testing.T, s vaxbook.Store) *harness {
	t.Helper()
	return newHarnessWith(t, s, func(cfg *api.Config, _ vaxbook.Clock) { cfg.OperatorToken = operatorToken })
}

// adminJSON sends body as JSON with the operator token.
func adminJSON(t *testing.T, h *harness, method, path string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return adminDo(t, h, method, path, "application/json", string(b))
}

// campaignBody is the operator's input for c, windows and all.
func campaignBody(c vaxbook.Campaign) map[string]any {
	ws := []map[string]any{}
	for _, w := range c.Windows {
		m := map[string]any{"group": w.Group, "opens": w.Opens.Format(time.RFC3339), "closes": w.Closes.Format(time.RFC3339)}
		if w.Pooled() {
			m["group"] = nil
		}
		ws = append(ws, m)
	}
	return map[string]any{
		"name": c.Name, "cohort_from": c.CohortFrom.String(), "cohort_to": c.CohortTo.String(),
		"vaccination_from": c.VaccinationFrom.String(), "vaccination_to": c.VaccinationTo.String(),
		"second_dose_days": c.SecondDoseDays, "windows": ws,
	}
}

// fieldReasons returns "field reason" for each entry of a problem's errors.
func fieldReasons(body map[string]any) []string {
	var out []string
	list, _ := body["errors"].([]any)
	for _, e := range list {
		m := e.(map[string]any)
		out = append(out, m["field"].(string)+" "+m["reason"].(string))
	}
	return out
}

func TestOperatorCreatesACampaignAndEditsItsWindows(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := operatorHarness(t, s)
		st, body := adminJSON(t, h, "POST", "/api/v1/admin/campaigns", map[string]any{
			"name": "2021 만 50~59세", "cohort_from": "1962-01-01", "cohort_to": "1971-12-31",
			"vaccination_from": "2021-09-01", "vaccination_to": "2021-10-31", "second_dose_days": 28,
			"windows":  []map[string]any{{"group": nil, "opens": "2021-08-30T20:00:00+09:00", "closes": "2021-09-30T18:00:00+09:00"}},
			"rotation": map[string]string{"first": "2021-08-20", "last": "2021-08-29"},
		})
		if st != http.StatusCreated {
			t.Fatalf("create: %d %v", st, body)
		}
		id := int64(body["id"].(float64))
		ws := body["windows"].([]any)
		if len(ws) != 11 || ws[0].(map[string]any)["group"] != nil || ws[1].(map[string]any)["group"].(float64) != 0 ||
			ws[1].(map[string]any)["opens"] != "2021-08-20T20:00:00+09:00" || ws[1].(map[string]any)["closes"] != "2021-08-21T18:00:00+09:00" {
			t.Fatalf("windows = %v; want the open period, then 08-20 20:00 → 08-21 18:00 for group 0 and nine more days", ws)
		}
		if w := body["weights"].([]any); len(w) != vaxbook.Groups || w[0].(float64) != 1 {
			t.Errorf("weights = %v, want ten equal", w)
		}
		c, err := s.Campaign(t.Context(), id)
		if err != nil || c.Name != "2021 만 50~59세" || c.SecondDoseDays != 28 || len(c.Windows) != 11 {
			t.Fatalf("stored: %+v, %v", c, err)
		}

		// The edit: the open period closes a week earlier. The public view shows it at
		// once: the edit drops this instance's cached copy.
		h.client().do("GET", "/api/v1/campaigns/"+itoa(id), nil)
		c.Name = "2021 만 50~59세 (단축)"
		c.Windows[0].Closes = vaxbook.MustDate("2021-09-23").At(18, 0)
		if st, body := adminJSON(t, h, "PUT", "/api/v1/admin/campaigns/"+itoa(id), campaignBody(c)); st != 200 {
			t.Fatalf("edit: %d %v", st, body)
		}
		st, got := h.client().do("GET", "/api/v1/campaigns/"+itoa(id), nil)
		if st != 200 || got["name"] != c.Name || got["windows"].([]any)[0].(map[string]any)["closes"] != "2021-09-23T18:00:00+09:00" {
			t.Fatalf("public view after the edit: %d %v", st, got)
		}
		// Left out, the windows and interval stay as they are.
		st, body = adminJSON(t, h, "PUT", "/api/v1/admin/campaigns/"+itoa(id), map[string]any{
			"name": "renamed", "cohort_from": "1962-01-01", "cohort_to": "1971-12-31",
			"vaccination_from": "2021-09-01", "vaccination_to": "2021-10-31",
		})
		if st != 200 || len(body["windows"].([]any)) != 11 || body["second_dose_days"].(float64) != 28 {
			t.Fatalf("edit without windows: %d %v; want the 11 windows and 28 days kept", st, body)
		}
		actions := auditOf(t, h)
		for _, want := range []string{"operator create_campaign", "operator update_campaign"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit log %q lacks %q", actions, want)
			}
		}
	})
}

func TestCampaignDefinitionErrorsNameEveryFieldAndCreateNothing(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := operatorHarness(t, s)
		st, body := adminJSON(t, h, "POST", "/api/v1/admin/campaigns", map[string]any{
			"name": " ", "cohort_from": "1962-13-01", "cohort_to": "1971-12-31",
			"vaccination_from": "2021-09-01", "vaccination_to": "2021-10-31", "second_dose_days": 28,
			"windows": []map[string]any{
				{"group": 12, "opens": "2021-08-20T20:00:00+09:00", "closes": "2021-08-21T18:00:00+09:00"},
				{"group": 3, "opens": "2021-08-20T20:00:00+09:00", "closes": "2021-08-21T18:00:00+09:00"},
				{"group": nil, "opens": "2021-08-21T10:00:00+09:00", "closes": "2021-10-30T18:00:00+09:00"},
				{"group": 4, "opens": "yesterday", "closes": "2021-11-01T00:00:00+09:00"},
				{"group": -1, "opens": "2021-08-22T20:00:00+09:00", "closes": "2021-08-23T18:00:00+09:00"},
			},
			"rotation": map[string]string{"first": "2021-08-29", "last": "2021-08-20"},
		})
		want := []string{"name required", "cohort_from format", "windows[0].group group", "windows[3].opens format",
			"windows[3].closes after_vaccination", "windows[4].group group", "rotation.last order", "windows[2].opens overlap"}
		got := fieldReasons(body)
		if st != http.StatusBadRequest || code(body) != "invalid_input" || !sameSet(got, want) {
			t.Fatalf("bad definition: %d %s %q\nwant 400 invalid_input %q", st, code(body), got, want)
		}
		if !strings.Contains(body["detail"].(string), "cohort_from") {
			t.Errorf("detail %q does not name the fields", body["detail"])
		}
		if cs, _ := s.Campaigns(t.Context()); len(cs) != 1 {
			t.Errorf("%d campaigns after a refused creation, want the demo's 1", len(cs))
		}
		st, body = adminJSON(t, h, "POST", "/api/v1/admin/campaigns", map[string]any{"name": "x", "surprise": 1})
		if st != http.StatusBadRequest || body["errors"] != nil {
			t.Errorf("unknown field: %d %v; want a plain 400", st, body)
		}
	})
}

func TestCampaignEditThatStrandsABookingIsRefused(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := operatorHarness(t, s)
		alice := h.client()
		alice.verify(h.resident(2, 0))
		site, date := alice.firstSite()
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		if st, body := alice.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Fatalf("book at 20:05: %d %v", st, body)
		}
		old, err := s.Campaign(t.Context(), h.campaignID)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/admin/campaigns/" + itoa(h.campaignID)
		g2 := slices.IndexFunc(old.Windows, func(w vaxbook.Window) bool { return w.Group == 2 })

		late := old
		late.Windows = slices.Clone(old.Windows)
		late.Windows[g2].Opens = late.Windows[g2].Opens.Add(10 * time.Minute) // 20:10, after the booking
		st, body := adminJSON(t, h, "PUT", path, campaignBody(late))
		if st != http.StatusConflict || code(body) != "strands_reservations" || !slices.Contains(fieldReasons(body), "windows strands_reservations") {
			t.Fatalf("opening group 2 after its booking: %d %v; want 409 strands_reservations on windows", st, body)
		}
		early := old
		early.VaccinationTo = vaxbook.MustDate(date).AddDays(-1)
		early.Windows = slices.Clone(old.Windows)
		early.Windows[len(early.Windows)-1].Closes = early.VaccinationTo.AddDays(-1).At(18, 0)
		st, body = adminJSON(t, h, "PUT", path, campaignBody(early))
		if st != http.StatusConflict || !slices.Contains(fieldReasons(body), "vaccination_to strands_reservations") {
			t.Fatalf("ending vaccination before the booked date: %d %v; want 409 on vaccination_to", st, body)
		}
		if c, _ := s.Campaign(t.Context(), h.campaignID); !c.Windows[g2].Opens.Equal(old.Windows[g2].Opens) || c.VaccinationTo != old.VaccinationTo {
			t.Fatalf("a refused edit changed the campaign: %+v", c)
		}

		// Closing group 2's window earlier takes only time after the booking.
		sooner := old
		sooner.Windows = slices.Clone(old.Windows)
		sooner.Windows[g2].Closes = vaxbook.MustDate("2021-08-13").At(12, 0)
		if st, body := adminJSON(t, h, "PUT", path, campaignBody(sooner)); st != 200 {
			t.Fatalf("closing group 2 earlier: %d %v", st, body)
		}
		// The resident's view follows the edit at once.
		if st, body := alice.do("GET", base+"/eligibility?birth="+h.resident(2, 0).Birth.String(), nil); st != 200 ||
			body["window"].(map[string]any)["closes"] != "2021-08-13T12:00:00+09:00" {
			t.Errorf("eligibility after the edit: %d %v", st, body)
		}
	})
}

func TestOnlyTheOperatorTokenEditsCampaigns(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newClinicHarness(t, s)
		resident := h.client()
		resident.verify(h.resident(2, 0))
		clinic := h.login("clinic-a")
		c := demoCampaign(t, s, h.campaignID)
		c.Name = "hijacked"
		body, _ := json.Marshal(campaignBody(c))
		for _, tc := range []struct {
			who    string
			client *client
			auth   string
		}{
			{"nobody", h.client(), ""},
			{"a wrong token", h.client(), "Bearer " + strings.Repeat("x", len(operatorToken))},
			{"a resident", resident, ""},
			{"clinic staff", clinic, ""},
			{"the token as a cookie", h.client(), ""},
		} {
			for _, rq := range []struct{ method, path string }{
				{"POST", "/api/v1/admin/campaigns"},
				{"PUT", "/api/v1/admin/campaigns/" + itoa(h.campaignID)},
			} {
				req, _ := http.NewRequest(rq.method, h.srv.URL+rq.path, strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				if tc.who == "the token as a cookie" {
					req.AddCookie(&http.Cookie{Name: "operator", Value: operatorToken})
				}
				resp, err := tc.client.http.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s: %s %s = %d, want 401", tc.who, rq.method, rq.path, resp.StatusCode)
				}
			}
		}
		if cs, _ := s.Campaigns(t.Context()); len(cs) != 1 || cs[0].Name == "hijacked" {
			t.Errorf("campaigns after refused requests: %+v", cs)
		}
	})
}

// demoCampaign reads the harness's campaign.
func demoCampaign(t *testing.T, s vaxbook.Store, id int64) vaxbook.Campaign {
	t.Helper()
	c, err := s.Campaign(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// auditOf returns the audit log as "actor action" lines, newest first.
func auditOf(t *testing.T, h *harness) []string {
	t.Helper()
	st, body := adminDo(t, h, "GET", "/api/v1/admin/audit?limit=100", "", "")
	if st != http.StatusOK {
		t.Fatalf("audit log: %d %v", st, body)
	}
	var out []string
	for _, e := range body["entries"].([]any) {
		m := e.(map[string]any)
		out = append(out, m["actor"].(string)+" "+m["action"].(string))
	}
	return out
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
