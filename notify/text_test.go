package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/notify"
)

// siteBook is a SiteFinder over a map, counting lookups.
type siteBook struct {
	sites   map[int64]vaxbook.Site
	err     error
	lookups int
}

func (b *siteBook) Site(_ context.Context, id int64) (vaxbook.Site, error) {
	b.lookups++
	if b.err != nil {
		return vaxbook.Site{}, b.err
	}
	s, ok := b.sites[id]
	if !ok {
		return vaxbook.Site{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no site %d", id)
	}
	return s, nil
}

var testSite = vaxbook.Site{ID: 1143, Name: "연세내과의원", Address: "서울특별시 강남구 중앙로 12", Phone: "02-555-0142"}

// payload is a reservation's payload in a language ("" for the default).
func payload(t *testing.T, product, lang string) []byte {
	t.Helper()
	p := vaxbook.MessagePayload{CampaignID: 1, SiteID: testSite.ID, Date: "2021-09-06", SecondDate: "2021-10-18", Product: product, Lang: lang}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTextsNameSiteAddressPhoneAndDatesWithWeekdays(t *testing.T) {
	bookedEarly := vaxbook.MustDate("2021-08-12").At(20, 5) // long before the fix
	site := []string{testSite.Name, testSite.Address, testSite.Phone}
	tests := []struct {
		kind    vaxbook.MessageKind
		lang    string
		product string
		want    []string
	}{
		{vaxbook.KindBooked, "", "", append([]string{"사전예약이 완료되었습니다", "1차 접종: 2021년 9월 6일(월)", "2차 접종: 2021년 10월 18일(월)",
			"변경은 2021년 8월 22일(일)까지", "취소는 2021년 9월 4일(토)까지", "내 예약"}, site...)},
		{vaxbook.KindBooked, "en", "", append([]string{"booking is complete", "1st dose: Mon 6 Sep 2021", "2nd dose: Mon 18 Oct 2021",
			"change it until Sun 22 Aug 2021", "cancel it until Sat 4 Sep 2021", "My booking"}, site...)},
		{vaxbook.KindChanged, "", "", append([]string{"예약이 변경되었습니다", "2021년 9월 6일(월)", "2021년 10월 18일(월)", "변경은", "취소는"}, site...)},
		{vaxbook.KindChanged, "en", "", append([]string{"was changed", "Mon 6 Sep 2021", "Mon 18 Oct 2021", "change it until"}, site...)},
		{vaxbook.KindCancelled, "", "", []string{"예약이 취소되었습니다", "2021년 9월 6일(월)", testSite.Name, "다시 예약"}},
		{vaxbook.KindCancelled, "en", "", []string{"was cancelled", "Mon 6 Sep 2021", testSite.Name, "book again"}},
		{vaxbook.KindConfirmed, "", "Pfizer", append([]string{"예약이 확정되었습니다", "백신: 화이자", "2021년 9월 6일(월)", "2021년 10월 18일(월)",
			"변경할 수 없습니다", "취소는 2021년 9월 4일(토)까지"}, site...)},
		{vaxbook.KindConfirmed, "en", "Pfizer", append([]string{"is confirmed", "Vaccine: Pfizer", "Mon 6 Sep 2021", "cannot be changed",
			"until Sat 4 Sep 2021"}, site...)},
		{vaxbook.KindConfirmed, "", "unassigned", []string{"백신: 접종기관에서 안내"}},
		{vaxbook.KindReminder, "", "Moderna", append([]string{"내일은 접종일입니다", "2021년 9월 6일(월) (모더나)", "신분증"}, site...)},
		{vaxbook.KindReminder, "en", "Moderna", append([]string{"is tomorrow", "Mon 6 Sep 2021 (Moderna)", "Bring your ID"}, site...)},
	}
	texts := notify.NewTexts(&siteBook{sites: map[int64]vaxbook.Site{testSite.ID: testSite}})
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.lang+"/"+tt.product, func(t *testing.T) {
			m := notify.Message{Kind: tt.kind, IdempotencyKey: "k", PersonKey: "secret-key", Payload: payload(t, tt.product, tt.lang), CreatedAt: bookedEarly}
			text, err := texts.Render(t.Context(), m)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "secret-key") || strings.Contains(text, "{{") || strings.Contains(text, "<no value>") {
				t.Errorf("text leaks the person or a template:\n%s", text)
			}
			korean := strings.Contains(text, "접종")
			if korean != (tt.lang == "") {
				t.Errorf("text in the wrong language (lang %q):\n%s", tt.lang, text)
			}
		})
	}
}

func TestTextsSayABookingWithinTheFixingPeriodIsConfirmedAtOnce(t *testing.T) {
	texts := notify.NewTexts(&siteBook{sites: map[int64]vaxbook.Site{testSite.ID: testSite}})
	m := notify.Message{Kind: vaxbook.KindBooked, Payload: payload(t, "", ""), CreatedAt: vaxbook.MustDate("2021-08-30").At(9, 0)}
	text, err := texts.Render(t.Context(), m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "바로 확정") || strings.Contains(text, "변경은 2021") {
		t.Errorf("a booking 7 days ahead should say it is confirmed at once and not changeable:\n%s", text)
	}
}

func TestTextsNameAMissingSiteByNumberAndRetryOnAStoreError(t *testing.T) {
	book := &siteBook{sites: map[int64]vaxbook.Site{}}
	m := notify.Message{Kind: vaxbook.KindBooked, Payload: payload(t, "", "")}
	text, err := notify.NewTexts(book).Render(t.Context(), m)
	if err != nil || !strings.Contains(text, "기관 번호 1143") {
		t.Errorf("missing site: %q, %v", text, err)
	}
	book.err = errors.New("database down")
	if _, err := notify.NewTexts(book).Render(t.Context(), m); err == nil || notify.IsPermanent(err) {
		t.Errorf("a store error should be retried, got %v", err)
	}
}

func TestTextsLookASiteUpOnceForManyMessages(t *testing.T) {
	book := &siteBook{sites: map[int64]vaxbook.Site{testSite.ID: testSite}}
	texts := notify.NewTexts(book)
	for range 50 {
		if _, err := texts.Render(t.Context(), notify.Message{Kind: vaxbook.KindBooked, Payload: payload(t, "", "")}); err != nil {
			t.Fatal(err)
		}
	}
	if book.lookups != 1 {
		t.Errorf("%d lookups for 50 messages to one site, want 1", book.lookups)
	}
}

func TestFormatDateWritesWeekdays(t *testing.T) {
	for _, tt := range []struct{ lang, date, want string }{
		{notify.LangKorean, "2021-09-06", "2021년 9월 6일(월)"},
		{notify.LangKorean, "2021-10-02", "2021년 10월 2일(토)"},
		{notify.LangKorean, "2021-08-29", "2021년 8월 29일(일)"},
		{notify.LangEnglish, "2021-09-06", "Mon 6 Sep 2021"},
	} {
		if got := notify.FormatDate(tt.lang, vaxbook.MustDate(tt.date)); got != tt.want {
			t.Errorf("FormatDate(%s, %s) = %q, want %q", tt.lang, tt.date, got, tt.want)
		}
	}
}
