// Package web serves vaxbook's pages for residents, clinic staff and operators: server-rendered shells
// (html/template, Korean by default, English by a switch) plus small same-origin scripts
// that call the JSON API under /api/v1. The API enforces every rule; the pages explain
// them in plain words. Scripts and styles are files, never inline, so the API's
// Content-Security-Policy (default-src 'self') applies unchanged.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"vaxbook/regions"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Patterns are the routes the handler answers, for mounting it next to the API (each
// pattern is a key of api.Config.Mounts). They are exact paths, so the API's catch-all
// "/" still answers every unknown path with a problem.
var Patterns = []string{
	"GET /{$}", "GET /wait", "GET /verify", "GET /sites", "GET /done", "GET /mine", "GET /standby", "GET /ops", "GET /clinic", "GET /assets/",
}

// Config is what the pages need from the outside.
type Config struct {
	// CampaignID is the campaign the resident pages book in; 0 means 1.
	CampaignID int64
	// Demo shows the demo's certificate page among the methods and a hint where the
	// development carrier's codes are read. Never on in production.
	Demo bool
	// Now is the service's clock; nil means time.Now. In --demo it replays 2021 (from
	// 2021-08-12 20:00 unless --now says otherwise), so a banner can show the demo's
	// date and time, which are not today's.
	Now    func() time.Time
	Logger *slog.Logger
}

// Handler serves the pages. Create it with New.
type Handler struct {
	cfg     Config
	log     *slog.Logger
	pages   map[string]*template.Template
	catalog *catalog
	mux     *http.ServeMux
	// districts maps each province to its districts, for the search form's second select.
	districts map[string][]string
}

// page is one resident or operator page: its template, the catalog key of its title,
// its script, who it is for (the navigation differs) and the catalog prefixes its
// scripts read. Only those messages are sent with the page: the whole catalog would be
// most of every page's weight on a phone at 20:00.
type page struct {
	path, name, title, script string
	audience                  string
	msgs                      []string
}

// Message prefixes every resident page's scripts share: problems, durations, dates,
// the reservation card and the error summary.
var residentMsgs = []string{"err.", "time.", "date.", "resv.", "sum."}

// operatorErrs are the problems the dashboard can meet; any other code reads as
// err.generic there.
var operatorErrs = []string{"err.generic", "err.network", "err.invalid_input", "err.unauthorized", "err.forbidden",
	"err.not_found", "err.conflict", "err.rate_limited", "err.unavailable", "err.internal", "err.strands_reservations"}

var pages = []page{
	{"/{$}", "home", "home.title", "home.js", "resident", append([]string{"home.", "field.birth"}, residentMsgs...)},
	{"/wait", "wait", "wait.title", "wait.js", "resident", append([]string{"wait.", "home."}, residentMsgs...)},
	{"/verify", "verify", "verify.title", "verify.js", "resident", append([]string{"verify.", "method.", "light.", "field.", "sites.title", "mine.title"}, residentMsgs...)},
	{"/sites", "sites", "sites.title", "sites.js", "resident", append([]string{"sites.", "review.", "field.", "mine.none", "home.notyet", "home.over"}, residentMsgs...)},
	{"/done", "done", "done.title", "done.js", "resident", append([]string{"done."}, residentMsgs...)},
	{"/mine", "mine", "mine.title", "mine.js", "resident", append([]string{"mine.", "nav.book", "review."}, residentMsgs...)},
	{"/standby", "standby", "standby.title", "standby.js", "resident", append([]string{"standby."}, residentMsgs...)},
	{"/ops", "ops", "ops.title", "ops.js", "operator", append([]string{"ops.", "light.", "method.", "verify.wait", "time.", "date."}, operatorErrs...)},
	{"/clinic", "clinic", "clinic.title", "clinic.js", "staff", []string{"clinic.", "resv.status.", "err.", "time.", "date."}},
}

// New parses the templates and catalogs; an error means the binary was built with a
// broken template or catalog.
func New(cfg Config) (*Handler, error) {
	if cfg.CampaignID == 0 {
		cfg.CampaignID = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, catalog: cat, pages: map[string]*template.Template{}, mux: http.NewServeMux(),
		districts: map[string][]string{}}
	for _, p := range regions.Provinces() {
		h.districts[p] = regions.Districts(p)
	}
	for _, p := range pages {
		t, err := template.ParseFS(templateFS, "templates/layout.html", "templates/"+p.name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", p.name, err)
		}
		h.pages[p.name] = t
		h.mux.HandleFunc("GET "+p.path, h.render(p))
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.StripPrefix("/assets/", http.FileServerFS(static))
	h.mux.Handle("GET /assets/", cacheFor(time.Hour, files))
	return h, nil
}

// ServeHTTP serves a page or an asset.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// view is what a page template sees.
type view struct {
	Lang, Other, Path string
	TitleKey, Script  string
	// Audience is "resident", "staff" or "operator": each sees only its own navigation.
	Audience string
	Campaign int64
	Demo     bool
	// DemoAt is the demo clock's date and time when the page was served, for the
	// banner that says the demo replays 2021.
	DemoAt string
	// Now is the service's clock when the page was served (RFC 3339, Seoul), for
	// scripts that need the date before any API answer: the device's clock may be
	// years off the service's (the demo replays 2021).
	Now       string
	Provinces []string
	// Messages and Districts are rendered into JSON data blocks the page's script reads.
	Messages  map[string]string
	Districts map[string][]string
	cat       *catalog
}

// T returns the message id in the page's language.
func (v view) T(id string) string { return v.cat.text(v.Lang, id) }

// render writes page p in the language the request asks for. The page is rendered into
// a buffer first so that a template error becomes a clean 500, not half a page.
func (h *Handler) render(p page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := chooseLang(w, r)
		v := view{Lang: lang, Other: otherLang(lang), Path: r.URL.Path, TitleKey: p.title, Script: p.script,
			Audience: p.audience,
			Campaign: h.cfg.CampaignID, Demo: h.cfg.Demo, Messages: h.catalog.subset(lang, p.msgs), cat: h.catalog}
		now := h.now()
		v.Now = now.In(seoul).Format(time.RFC3339)
		if h.cfg.Demo {
			v.DemoAt = clockText(lang, now)
		}
		if p.name == "sites" || p.name == "standby" {
			v.Provinces, v.Districts = regions.Provinces(), h.districts
		}
		var buf bytes.Buffer
		if err := h.pages[p.name].ExecuteTemplate(&buf, "layout", v); err != nil {
			h.log.Error("render page", "page", p.name, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Pages carry no personal data (the scripts fetch it), but the language varies.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Vary", "Cookie")
		w.Write(buf.Bytes())
	}
}

// cacheFor lets browsers keep the assets for d, so a waiting room of millions does not
// download the stylesheet on every refresh.
func cacheFor(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		next.ServeHTTP(w, r)
	})
}

// now reads the service's clock.
func (h *Handler) now() time.Time {
	if h.cfg.Now != nil {
		return h.cfg.Now()
	}
	return time.Now()
}

var seoul = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Seoul"); err == nil {
		return l
	}
	return time.FixedZone("KST", 9*3600)
}()

// clockText says an instant in Seoul as the pages' scripts do: "2021년 8월 12일(목) 20:05"
// or "Thu 12 Aug 2021, 20:05".
func clockText(lang string, t time.Time) string {
	t = t.In(seoul)
	if lang == "en" {
		return t.Format("Mon 2 Jan 2006, 15:04")
	}
	days := []string{"일", "월", "화", "수", "목", "금", "토"}
	return fmt.Sprintf("%d년 %d월 %d일(%s) %s", t.Year(), int(t.Month()), t.Day(), days[t.Weekday()], t.Format("15:04"))
}
