package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/api"
)

// adminDo sends an operator request with the test token and decodes the answer.
func adminDo(t *testing.T, h *harness, method, path, ctype, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestImportWithOneBadLineAppliesNothingAndNamesIt(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarnessWith(t, s, func(cfg *api.Config, _ vaxbook.Clock) { cfg.OperatorToken = operatorToken })
		path := "/api/v1/admin/campaigns/" + itoa(h.campaignID) + "/imports/sites"
		bad := "id,name,province,district,address,kind\n" +
			"900001,새봄내과의원,서울특별시,종로구,서울특별시 종로구 1,clinic\n" +
			"900002,다솜의원,Atlantis,종로구,somewhere,clinic\n"
		st, body := adminDo(t, h, "POST", path, "text/csv", bad)
		errs, _ := body["errors"].([]any)
		if st != 422 || len(errs) != 1 || !strings.Contains(errs[0].(string), "line 3") {
			t.Fatalf("bad file: %d %v, want 422 naming line 3", st, body)
		}
		if _, err := s.Site(t.Context(), 900001); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("the good line of a refused file was applied: %v", err)
		}
		good := strings.Replace(bad, "Atlantis", "서울특별시", 1)
		if st, body := adminDo(t, h, "POST", path, "text/csv", good); st != 200 || body["applied"] != float64(2) {
			t.Fatalf("good file: %d %v", st, body)
		}
		if site, err := s.Site(t.Context(), 900002); err != nil || site.Name != "다솜의원" {
			t.Errorf("imported site: %v %v", site, err)
		}
		if st, _ := adminDo(t, h, "GET", "/api/v1/admin/campaigns/"+itoa(h.campaignID)+"/stats", "", ""); st != 200 {
			t.Errorf("stats: %d", st)
		}
		if st, body := adminDo(t, h, "GET", "/api/v1/admin/outbox", "", ""); st != 200 || body["messages"] == nil {
			t.Errorf("outbox: %d %v", st, body)
		}
	})
}
