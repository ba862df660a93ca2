package api

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/notify"
	"vaxbook/phone"
)

// Demo is what the demo pages show: the development carrier's text messages (so that a
// one-time code can be read without a phone) and residents of the synthetic population
// to sign in as. It exists only in --demo.
type Demo struct {
	SMS       *phone.SMSSink
	Residents []identity.Subscriber
	// Campaign is the demo campaign, which tells which residents may book at the
	// service's clock (its windows are what the store holds).
	Campaign vaxbook.Campaign
	// ClockStart is the instant the service's clock started from: the replayed 2021
	// evening (or --now). Zero when the clock is the real one.
	ClockStart time.Time
	// IssueCert issues a development certificate and PKCS#8 key (PEM) for the demo
	// resident with a phone number, for certificate sign-in in the browser.
	IssueCert func(ctx context.Context, phone string) (certPEM, keyPEM []byte, err error)
	// Notices is the development notification sink: booking, change, cancellation,
	// confirmation and reminder messages as residents would receive them.
	Notices *notify.Sink
}

// DemoResident is a demo resident with when they may book.
type DemoResident struct {
	identity.Subscriber
	Group int
	// Opens is when the resident's next booking window opens; zero if they may book
	// now or never again.
	Opens time.Time
}

// Bookable splits the residents into those who may book at now and the others, each
// with their next opening, so that the demo page and the start-up message name people
// a first-time user can actually book as.
func (d *Demo) Bookable(now time.Time) (open, later []DemoResident) {
	for _, r := range d.Residents {
		dr := DemoResident{Subscriber: r, Group: vaxbook.GroupOf(r.Birth)}
		if _, err := d.Campaign.CheckBookable(r.Birth, now); err == nil {
			open = append(open, dr)
			continue
		}
		if w, ok := d.Campaign.NextWindow(dr.Group, now); ok {
			dr.Opens = w.Opens
		}
		later = append(later, dr)
	}
	// The next to open first; those who may never book again last.
	slices.SortStableFunc(later, func(a, b DemoResident) int {
		if a.Opens.IsZero() != b.Opens.IsZero() {
			if a.Opens.IsZero() {
				return 1
			}
			return -1
		}
		return a.Opens.Compare(b.Opens)
	})
	return open, later
}

// koDateTime writes an instant as "2021년 8월 12일(목) 20:00".
func koDateTime(t time.Time) string {
	t = t.In(vaxbook.Seoul)
	return notify.FormatDate(notify.LangKorean, vaxbook.DateOf(t)) + " " + t.Format("15:04")
}

var demoTmpl = template.Must(template.New("demo").Funcs(template.FuncMap{
	"when":  koDateTime,
	"date":  func(d vaxbook.Date) string { return notify.FormatDate(notify.LangKorean, d) },
	"lines": func(s string) []string { return strings.Split(s, "\n") },
}).Parse(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/site.css">
<title>vaxbook 데모 (demo)</title></head>
<body><main>
<h1>vaxbook 데모</h1>
<div class="card" id="clock">
<p><strong>데모 시계: {{when .Now}}</strong>{{if not .ClockStart.IsZero}} — {{when .ClockStart}}(한국 시각)부터 실제 속도로 흐릅니다.{{end}}</p>
<p lang="en">The demo replays 2021{{if not .ClockStart.IsZero}}: its clock started at {{.ClockStart.Format "2006-01-02 15:04"}} Korea time and runs at real speed{{end}}. A development carrier and a synthetic population stand in for the real ones.</p>
</div>
<p><a class="button" href="/">사전예약 시작하기 / Start booking</a></p>

<h2 id="bookable">지금 예약할 수 있는 주민 / Residents who can book now</h2>
{{if .Open}}<p>휴대폰 인증에서 아래 이름, 생년월일, 통신사, 휴대폰 번호를 입력하세요. 인증번호는 아래 <a href="#sms">인증번호 문자</a>에 옵니다.</p>
{{range .Open}}<div class="card resident">
<p><strong>{{.Name}}</strong> <span class="badge">생일 끝자리 {{.Group}}</span></p>
<p>생년월일 {{date .Birth}} · 주민번호 7번째 자리 {{.Digit7}} · 통신사 {{.Carrier}} · 휴대폰 <strong>{{.Phone}}</strong></p>
</div>
{{end}}{{else}}<p>지금은 예약할 수 있는 그룹이 없습니다. 아래에서 다음 예약 시작 시각을 보세요.</p>{{end}}

<h2 id="later">다른 날 예약하는 주민 / Residents of other days</h2>
{{range .Later}}<div class="card resident">
<p><strong>{{.Name}}</strong> <span class="badge">생일 끝자리 {{.Group}}</span> — {{if .Opens.IsZero}}예약 기간이 끝났습니다{{else}}예약 시작 {{when .Opens}}{{end}}</p>
<p>생년월일 {{date .Birth}} · 주민번호 7번째 자리 {{.Digit7}} · 통신사 {{.Carrier}} · 휴대폰 {{.Phone}}</p>
</div>
{{end}}
<p><a href="/demo/cert.html">인증서 로그인 데모 / Certificate sign-in in the browser</a></p>

<h2 id="notices">알림 문자함 / Texts residents received (newest first)</h2>
<p>예약, 변경, 취소, 확정, 하루 전 안내 문자입니다. 보낸 뒤 몇 초 안에 나타납니다 (JSON: <a href="/demo/notices">/demo/notices</a>).</p>
{{range .Notices}}<div class="card notice">
<p><small>{{.At.Format "15:04:05"}} · {{.Phone}}</small></p>
<p>{{range lines .Text}}{{.}}<br>{{end}}</p>
</div>
{{else}}<p>아직 없습니다.</p>{{end}}

<h2 id="sms">인증번호 문자 / One-time codes (newest first)</h2>
<p>JSON: <a href="/demo/sms">/demo/sms</a></p>
{{range .Messages}}<div class="card sms"><p><small>{{.At.Format "15:04:05"}} · {{.Phone}}</small></p><p>{{.Text}}</p></div>
{{else}}<p>아직 없습니다.</p>{{end}}
</main></body></html>
`))

// demoNoticesShown bounds the notices on the demo page: the newest are what a person
// just triggered.
const demoNoticesShown = 50

// demoPageData is what the demo page shows.
type demoPageData struct {
	Now, ClockStart time.Time
	Open, Later     []DemoResident
	Notices         []notify.Delivery
	Messages        []phone.SMS
}

// demoPage renders the demo clock, the residents who can book now and later, the
// notifications residents received and the development carrier's messages.
func (s *Server) demoPage(w http.ResponseWriter, r *http.Request) {
	msgs := s.demo.SMS.Messages()
	slices.Reverse(msgs)
	msgs = msgs[:min(len(msgs), demoNoticesShown)]
	var notices []notify.Delivery
	if s.demo.Notices != nil {
		notices = s.demo.Notices.Deliveries()
		slices.Reverse(notices)
		notices = notices[:min(len(notices), demoNoticesShown)]
	}
	now := s.clock.Now()
	open, later := s.demo.Bookable(now)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	err := demoTmpl.Execute(w, demoPageData{
		Now: now, ClockStart: s.demo.ClockStart, Open: open, Later: later,
		Notices: notices, Messages: msgs,
	})
	if err != nil {
		s.log.Debug("render demo page", "err", err)
	}
}

// demoSMS returns the development carrier's messages, optionally for one phone number,
// newest first, so that scripts (the README's curl session, the load generator) can
// read a one-time code.
func (s *Server) demoSMS(w http.ResponseWriter, r *http.Request) {
	type smsJSON struct {
		At    string `json:"at"`
		Phone string `json:"phone"`
		Text  string `json:"text"`
	}
	type smsListJSON struct {
		Messages []smsJSON `json:"messages"`
	}
	want := r.URL.Query().Get("phone")
	if want != "" {
		if p, err := identity.NormalizePhone(want); err == nil {
			want = p
		}
	}
	out := []smsJSON{}
	if want != "" {
		// One number's newest message without copying the whole ring: load tests ask
		// this for every resident.
		if m, ok := s.demo.SMS.Last(want); ok {
			out = append(out, smsJSON{m.At.Format(time.RFC3339), m.Phone, m.Text})
		}
	} else {
		msgs := s.demo.SMS.Messages()
		for i := len(msgs) - 1; i >= 0 && len(out) < 200; i-- {
			m := msgs[i]
			out = append(out, smsJSON{m.At.Format(time.RFC3339), m.Phone, m.Text})
		}
	}
	s.writeJSON(w, http.StatusOK, smsListJSON{Messages: out})
}

// demoCert issues a development certificate and key for a demo resident, so that the
// demo page (or a script) can sign a challenge with it.
func (s *Server) demoCert(w http.ResponseWriter, r *http.Request) {
	if s.demo.IssueCert == nil {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeNotFound, "no development CA"))
		return
	}
	certPEM, keyPEM, err := s.demo.IssueCert(r.Context(), r.URL.Query().Get("phone"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	type issuedJSON struct {
		Certificate string `json:"certificate"`
		PrivateKey  string `json:"private_key"`
	}
	s.writeJSON(w, http.StatusOK, issuedJSON{Certificate: string(certPEM), PrivateKey: string(keyPEM)})
}

// demoFiles are the demo's certificate sign-in page and its script, served from the
// binary (the Content-Security-Policy allows scripts from this origin only).
//
//go:embed static/cert.html static/cert.js
var demoFiles embed.FS

func (s *Server) demoCertPage(w http.ResponseWriter, r *http.Request) {
	name := "static/cert.html"
	ctype := "text/html; charset=utf-8"
	if strings.HasSuffix(r.URL.Path, ".js") {
		name, ctype = "static/cert.js", "text/javascript; charset=utf-8"
	}
	b, err := demoFiles.ReadFile(name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(b)
}

// demoNotices lists the notifications the development sink received, newest first.
func (s *Server) demoNotices(w http.ResponseWriter, r *http.Request) {
	type noticeJSON struct {
		At    string `json:"at"`
		Phone string `json:"phone"`
		Kind  string `json:"kind"`
		Text  string `json:"text"`
	}
	type noticesJSON struct {
		Notices []noticeJSON `json:"notices"`
	}
	out := noticesJSON{Notices: []noticeJSON{}}
	if s.demo.Notices != nil {
		ds := s.demo.Notices.Deliveries()
		for i := len(ds) - 1; i >= 0; i-- {
			d := ds[i]
			out.Notices = append(out.Notices, noticeJSON{At: d.At.Format(time.RFC3339), Phone: d.Phone, Kind: string(d.Kind), Text: d.Text})
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}
