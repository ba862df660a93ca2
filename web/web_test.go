package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

func mustHandler(tb testing.TB) *Handler {
	tb.Helper()
	h, err := New(Config{Demo: true})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// get fetches path from h and returns the status, headers and body.
func get(tb testing.TB, h http.Handler, path string, cookies ...*http.Cookie) (int, http.Header, string) {
	tb.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, rec.Result().Header, string(body)
}

var assetRef = regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)

// TestWebPagesAreSmallAndAccessible checks each page, in both languages, weighs under
// 60 KB with its stylesheet and scripts, uncompressed (the budget for phones on a busy
// network at 20:00), declares its language, has a title, a skip link and a label for every
// input and select.
func TestWebPagesAreSmallAndAccessible(t *testing.T) {
	h := mustHandler(t)
	for _, p := range pages {
		path := strings.TrimSuffix(p.path, "{$}")
		for _, lang := range []string{"ko", "en"} {
			t.Run(p.name+"/"+lang, func(t *testing.T) {
				st, hdr, body := get(t, h, path+"?lang="+lang)
				if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
					t.Fatalf("GET %s: %d %s", path, st, hdr.Get("Content-Type"))
				}
				total := len(body)
				for _, m := range assetRef.FindAllStringSubmatch(body, -1) {
					ast, _, asset := get(t, h, m[1])
					if ast != 200 {
						t.Errorf("asset %s: %d", m[1], ast)
					}
					total += len(asset)
				}
				t.Logf("%s (%s): %d bytes with assets", path, lang, total)
				if total >= 60_000 {
					t.Errorf("page with assets is %d bytes, want under 60 KB", total)
				}
				checkAccessible(t, body, lang)
			})
		}
	}
}

var (
	htmlLang  = regexp.MustCompile(`<html lang="([a-z]+)">`)
	titleText = regexp.MustCompile(`<title>([^<]+)</title>`)
	labelFor  = regexp.MustCompile(`<label for="([^"]+)"`)
	control   = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"`)
	anyInput  = regexp.MustCompile(`<(?:input|select|textarea)\b`)
)

// checkAccessible reads our own templates' output, so patterns suffice: every control
// is written with an id, and a label names it.
func checkAccessible(t *testing.T, body, lang string) {
	t.Helper()
	if m := htmlLang.FindStringSubmatch(body); m == nil || m[1] != lang {
		t.Errorf("html lang = %v, want %q", m, lang)
	}
	if m := titleText.FindStringSubmatch(body); m == nil || strings.TrimSpace(m[1]) == "" {
		t.Error("no title")
	}
	if !strings.Contains(body, `href="#main"`) || !strings.Contains(body, `id="main"`) {
		t.Error("no skip link to #main")
	}
	labels := map[string]bool{}
	for _, m := range labelFor.FindAllStringSubmatch(body, -1) {
		labels[m[1]] = true
	}
	ids := control.FindAllStringSubmatch(body, -1)
	if len(ids) != len(anyInput.FindAllString(body, -1)) {
		t.Error("a form control has no id, so no label can name it")
	}
	for _, m := range ids {
		if !labels[m[1]] {
			t.Errorf("control %q has no label", m[1])
		}
	}
}

// TestWebLanguageSwitchIsRemembered checks ?lang=en sets a cookie that later pages follow,
// and that Korean is the default.
func TestWebLanguageSwitchIsRemembered(t *testing.T) {
	h := mustHandler(t)
	if _, _, body := get(t, h, "/"); !strings.Contains(body, `<html lang="ko">`) || !strings.Contains(body, "사전예약") {
		t.Error("the default page is not Korean")
	}
	_, hdr, body := get(t, h, "/?lang=en")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Find my booking day") {
		t.Error("?lang=en did not give English")
	}
	cookies := (&http.Response{Header: hdr}).Cookies()
	if len(cookies) != 1 || cookies[0].Name != langCookie || cookies[0].Value != "en" {
		t.Fatalf("language cookie: %v", cookies)
	}
	if _, _, body := get(t, h, "/wait", cookies[0]); !strings.Contains(body, "Waiting room") {
		t.Error("the cookie's language was not used on the next page")
	}
}

// TestWebCatalogsHaveTheSameMessages keeps the two languages in step: a message only in
// Korean would show Korean on an English page.
func TestWebCatalogsHaveTheSameMessages(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ko, en := c.all("ko"), c.all("en")
	for id, k := range ko {
		if en[id] == k && !strings.HasPrefix(id, "time.") {
			t.Errorf("message %s is not translated: %q", id, k)
		}
	}
}

var (
	msgBlock   = regexp.MustCompile(`(?s)<script type="application/json" id="msgs">(.*?)</script>`)
	scriptRef  = regexp.MustCompile(`src="/assets/([a-z-]+\.js)"`)
	literalMsg = regexp.MustCompile(`VB\.t\("([a-z_0-9.-]+)"`)
)

// TestWebPagesCarryOnlyTheirOwnMessages checks that each page sends its script only the
// messages of that page (not the whole catalogue, which was most of every page's
// weight, operator text included) and still every message its scripts name.
func TestWebPagesCarryOnlyTheirOwnMessages(t *testing.T) {
	h := mustHandler(t)
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		path := strings.TrimSuffix(p.path, "{$}")
		_, _, body := get(t, h, path)
		m := msgBlock.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no message block", p.name)
		}
		var msgs map[string]string
		if err := json.Unmarshal([]byte(m[1]), &msgs); err != nil {
			t.Fatalf("%s: message block: %v", p.name, err)
		}
		if len(msgs) >= len(c.ids)/2 {
			t.Errorf("%s carries %d of %d messages", p.name, len(msgs), len(c.ids))
		}
		for id := range msgs {
			if p.audience != "operator" && strings.HasPrefix(id, "ops.") {
				t.Errorf("%s carries operator text %s", p.name, id)
			}
		}
		for _, s := range scriptRef.FindAllStringSubmatch(body, -1) {
			if s[1] == "app.js" {
				continue // shared helpers: checked through the pages that call them
			}
			src, err := staticFS.ReadFile("static/" + s[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range literalMsg.FindAllStringSubmatch(string(src), -1) {
				if carries(msgs, l[1]) == 0 {
					t.Errorf("%s: %s names message %s the page does not carry", p.name, s[1], l[1])
				}
			}
		}
	}
}

// carries counts the messages whose id is id or, for an id ending in "." that a script
// completes at run time ("method." + name), starts with it.
func carries(msgs map[string]string, id string) int {
	n := 0
	for k := range msgs {
		if k == id || (strings.HasSuffix(id, ".") && strings.HasPrefix(k, id)) {
			n++
		}
	}
	return n
}

// TestWebEveryErrorCodeHasASentence reads the API's codes from the domain's error.go and
// checks each has a plain sentence in Korean and in English, so no refusal reads as
// "처리하지 못했습니다" for want of a message.
func TestWebEveryErrorCodeHasASentence(t *testing.T) {
	src, err := os.ReadFile("../error.go")
	if err != nil {
		t.Skip("error.go not found next to the web package")
	}
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ko, en := c.all("ko"), c.all("en")
	codes := regexp.MustCompile(`Code = "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(codes) < 20 {
		t.Fatalf("found only %d codes in error.go", len(codes))
	}
	for _, m := range codes {
		id := "err." + m[1]
		if ko[id] == "" || ko[id] == id || en[id] == "" || en[id] == id {
			t.Errorf("code %s has no sentence in both languages", m[1])
		}
	}
}
