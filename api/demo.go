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
	// IssueCert issues a development certificate and PKCS#8 key (PEM) for the demo
	// resident with a phone number, for certificate sign-in in the browser.
	IssueCert func(ctx context.Context, phone string) (certPEM, keyPEM []byte, err error)
	// Notices is the development notification sink: booking, change, cancellation,
	// confirmation and reminder messages as residents would receive them.
	Notices *notify.Sink
}

var demoTmpl = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>vaxbook 데모 (demo)</title></head>
<body>
<h1>vaxbook 데모 / demo</h1>
<p>개발용 통신사와 합성 인구로 동작합니다. The development carrier and a synthetic population stand in for the real ones.</p>
<h2>예시 주민 / Example residents</h2>
<table>
<thead><tr><th>이름 Name</th><th>생년월일 Birth</th><th>주민번호 7번째 자리 7th digit</th><th>통신사 Carrier</th><th>휴대폰 Phone</th></tr></thead>
<tbody>{{range .Residents}}<tr><td>{{.Name}}</td><td>{{.Birth}}</td><td>{{.Digit7}}</td><td>{{.Carrier}}</td><td>{{.Phone}}</td></tr>{{end}}</tbody>
</table>
<p><a href="/demo/cert.html">인증서 로그인 데모 / Certificate sign-in in the browser</a></p>
<h2>문자 메시지 / Text messages (newest first)</h2>
<table>
<thead><tr><th>시각 Time</th><th>휴대폰 Phone</th><th>내용 Text</th></tr></thead>
<tbody>{{range .Messages}}<tr><td>{{.At.Format "15:04:05"}}</td><td>{{.Phone}}</td><td>{{.Text}}</td></tr>{{end}}</tbody>
</table>
</body></html>
`))

// demoPage renders the example residents and the development carrier's messages.
func (s *Server) demoPage(w http.ResponseWriter, r *http.Request) {
	msgs := s.demo.SMS.Messages()
	slices.Reverse(msgs)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	err := demoTmpl.Execute(w, map[string]any{"Residents": s.demo.Residents, "Messages": msgs})
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
	s.writeJSON(w, http.StatusOK, map[string]any{"messages": out})
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
	s.writeJSON(w, http.StatusOK, map[string]string{"certificate": string(certPEM), "private_key": string(keyPEM)})
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
	out := []map[string]string{}
	if s.demo.Notices != nil {
		ds := s.demo.Notices.Deliveries()
		for i := len(ds) - 1; i >= 0; i-- {
			d := ds[i]
			out = append(out, map[string]string{"at": d.At.Format(time.RFC3339), "phone": d.Phone, "kind": string(d.Kind), "text": d.Text})
		}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"notices": out})
}
