package notify

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"vaxbook/sitecache"

	"vaxbook"
)

// The texts are templates, one file per language, one template per message kind, so
// that wording is edited in one place and reviewed as people read it.
//
//go:embed templates/*.tmpl
var templateFiles embed.FS

// Languages of the texts. Korean is the default: nothing records a person's language
// yet, so a payload without "lang" is read in Korean.
const (
	LangKorean  = "ko"
	LangEnglish = "en"
)

var templates = map[string]*template.Template{
	LangKorean:  template.Must(template.ParseFS(templateFiles, "templates/ko.tmpl")),
	LangEnglish: template.Must(template.ParseFS(templateFiles, "templates/en.tmpl")),
}

// SiteFinder looks up a site. Both stores implement it (vaxbook.Store.Site).
type SiteFinder interface {
	Site(ctx context.Context, id int64) (vaxbook.Site, error)
}

// Texts renders the messages people receive. The outbox carries only what the change
// knew (site ID, dates, product), which keeps the booking's write as small as it was;
// the site's name, address and phone are looked up when the message is sent, so a text
// names the site as it is then. It is safe for concurrent use.
type Texts struct {
	sites *sitecache.Cache // nil: sites are named by their number
}

// NewTexts returns a renderer looking sites up in sites; with nil, texts name the site
// by its number.
func NewTexts(sites SiteFinder) *Texts {
	if sites == nil {
		return &Texts{}
	}
	return &Texts{sites: sitecache.New(sites)}
}

// Text renders m without looking up its site (the site is named by its number). Senders
// use a Texts; this is for tests and tools.
func Text(m Message) string {
	s, _ := NewTexts(nil).Render(context.Background(), m)
	return s
}

// Render returns the text of m in the language its payload names (Korean by default).
// A site that does not exist any more is named by its number; any other failure to
// look it up is returned, so that the worker tries again later rather than sending a
// text without its address.
func (t *Texts) Render(ctx context.Context, m Message) (string, error) {
	var p struct {
		vaxbook.MessagePayload
		ExpiresAt time.Time `json:"expires_at"` // standby offers
	}
	_ = json.Unmarshal(m.Payload, &p) // a payload the store wrote; missing fields stay empty
	site, err := t.site(ctx, p.SiteID)
	if err != nil {
		return "", fmt.Errorf("message %s: %w", m.IdempotencyKey, err)
	}
	lang := LangKorean
	if p.Lang == LangEnglish {
		lang = LangEnglish
	}
	tmpl := templates[lang].Lookup(string(m.Kind))
	if tmpl == nil {
		return "[vaxbook] " + string(m.Kind), nil
	}
	d := textData{Site: site, Product: productName(lang, p.Product)}
	d.SiteName = site.Name
	if d.SiteName == "" {
		d.SiteName = siteNumber(lang, p.SiteID)
	}
	if date, err := vaxbook.ParseDate(p.Date); err == nil {
		d.Date = FormatDate(lang, date)
		d.ChangeUntil = FormatDate(lang, vaxbook.DateOf(vaxbook.FixAt(date)).AddDays(-1))
		d.CancelUntil = FormatDate(lang, vaxbook.DateOf(vaxbook.CancelDeadline(date)).AddDays(-1))
		d.FixedAtOnce = !m.CreatedAt.IsZero() && !m.CreatedAt.Before(vaxbook.FixAt(date))
	}
	if date, err := vaxbook.ParseDate(p.SecondDate); err == nil {
		d.SecondDate = FormatDate(lang, date)
	}
	if !p.ExpiresAt.IsZero() {
		d.OfferUntil = p.ExpiresAt.In(vaxbook.Seoul).Format("15:04")
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, d); err != nil {
		// The templates are fixed and the data is plain strings: only a bug gets here.
		return "", Permanent(fmt.Errorf("render %s: %w", m.Kind, err))
	}
	return b.String(), nil
}

// textData is what the templates see. Dates are already written out in the language.
type textData struct {
	Site        vaxbook.Site
	SiteName    string
	Date        string
	SecondDate  string
	Product     string
	ChangeUntil string // the last day a change is possible (the day before the fix)
	CancelUntil string // the last day a cancel is possible (two days before)
	FixedAtOnce bool   // booked within the fixing period: confirmed at once
	OfferUntil  string // a standby offer's end, "15:04"
}

// site returns the site with the id, from the cache when fresh. Not found (or no
// finder) gives a site with only its ID.
func (t *Texts) site(ctx context.Context, id int64) (vaxbook.Site, error) {
	if t.sites == nil || id == 0 {
		return vaxbook.Site{ID: id}, nil
	}
	s, err := t.sites.Site(ctx, id)
	if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound {
		return vaxbook.Site{ID: id}, nil
	}
	if err != nil {
		return vaxbook.Site{}, fmt.Errorf("site %d: %w", id, err)
	}
	return s, nil
}

// koreanWeekdays are the one-syllable weekday names used in Korean dates.
var koreanWeekdays = [...]string{"일", "월", "화", "수", "목", "금", "토"}

// FormatDate writes d as people read it in lang: "2021년 9월 6일(월)" in Korean,
// "Mon 6 Sep 2021" in English.
func FormatDate(lang string, d vaxbook.Date) string {
	wd := d.At(12, 0).Weekday()
	if lang == LangEnglish {
		return d.At(12, 0).Format("Mon 2 Jan 2006")
	}
	return fmt.Sprintf("%d년 %d월 %d일(%s)", d.Year, int(d.Month), d.Day, koreanWeekdays[wd])
}

// productNames are the Korean names of the vaccines, as the 2021 texts wrote them.
var productNames = map[string]string{
	"Pfizer": "화이자", "Moderna": "모더나", "AstraZeneca": "아스트라제네카",
	"Janssen": "얀센", "Novavax": "노바백스",
}

// productName returns how a product is named in lang. The fixing job's placeholder for
// a site without a delivery plan (jobs.DefaultProduct) becomes a sentence.
func productName(lang, product string) string {
	switch {
	case product == "":
		return ""
	case product == "unassigned" && lang == LangEnglish:
		return "the site will tell you"
	case product == "unassigned":
		return "접종기관에서 안내"
	case lang == LangKorean && productNames[product] != "":
		return productNames[product]
	}
	return product
}

// siteNumber names a site that could not be looked up.
func siteNumber(lang string, id int64) string {
	if lang == LangEnglish {
		return "site " + strconv.FormatInt(id, 10)
	}
	return "기관 번호 " + strconv.FormatInt(id, 10)
}
