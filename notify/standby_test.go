package notify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/notify"
)

func TestStandbyOfferTextSaysWhereAndUntilWhen(t *testing.T) {
	day := vaxbook.MustDate("2021-09-06")
	e := vaxbook.StandbyEntry{ID: 9, CampaignID: 1, SiteID: 42, PersonKey: "secret-key", Date: day, ExpiresAt: day.At(10, 10)}
	text := notify.Text(notify.Message{Kind: vaxbook.KindStandbyOffer, PersonKey: e.PersonKey, Payload: vaxbook.StandbyOfferPayload(e)})
	for _, want := range []string{"기관 번호 42", "10:10", "잔여 백신", "2021년 9월 6일(월)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
	if strings.Contains(text, "secret-key") {
		t.Errorf("text %q names the person", text)
	}
}

func TestStandbyOfferTextInEnglish(t *testing.T) {
	day := vaxbook.MustDate("2021-09-06")
	e := vaxbook.StandbyEntry{ID: 9, CampaignID: 1, SiteID: 42, PersonKey: "secret-key", Date: day, ExpiresAt: day.At(10, 10)}
	var p map[string]any
	if err := json.Unmarshal(vaxbook.StandbyOfferPayload(e), &p); err != nil {
		t.Fatal(err)
	}
	p["lang"] = "en"
	b, _ := json.Marshal(p)
	text := notify.Text(notify.Message{Kind: vaxbook.KindStandbyOffer, Payload: b})
	for _, want := range []string{"site 42", "10:10", "leftover dose", "Mon 6 Sep 2021"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
}
