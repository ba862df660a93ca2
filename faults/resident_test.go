package faults_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strconv"
	"time"

	"vaxbook/demo"
	"vaxbook/identity"
)

// resident is one person on one device: a cookie jar of their own. Its methods return
// errors rather than failing the test, because residents run on many goroutines and a
// dead instance is an expected answer here, not a test failure.
type resident struct {
	who  identity.Subscriber
	http *http.Client
}

// group2 returns n residents of rotation group 2, whose window is open at now.
func group2(n int) []*resident {
	pop := demo.NewPopulation(demo.FullPopulation, 2021, demo.Campaign2021())
	out := make([]*resident, 0, n)
	for from := 0; len(out) < n; {
		i, r := pop.FindInGroup(2, from)
		jar, _ := cookiejar.New(nil)
		out = append(out, &resident{who: r, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}})
		from = i + 1
	}
	return out
}

// answer is an HTTP answer as the tests look at it.
type answer struct {
	status int
	body   map[string]any
	header http.Header
}

// code is the problem+json code of a refusal.
func (a answer) code() string { s, _ := a.body["code"].(string); return s }

func (a answer) String() string { return fmt.Sprintf("%d %v", a.status, a.body) }

// do sends body (JSON, when not nil) and decodes the JSON answer.
func (r *resident) do(method, url string, body any) (answer, error) {
	var rd *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, body: map[string]any{}, header: resp.Header}
	json.NewDecoder(resp.Body).Decode(&a.body)
	return a, nil
}

// join takes a place in the line at base: the first join only sets the device cookie,
// the second, a second later, gives the place.
func (r *resident) join(base string) (answer, error) {
	if _, err := r.do("POST", base+"/api/v1/queue/join", nil); err != nil {
		return answer{}, err
	}
	time.Sleep(1100 * time.Millisecond)
	return r.do("POST", base+"/api/v1/queue/join", nil)
}

// admitted polls the status at base until the line lets r in, then claims the pass.
func (r *resident) admitted(base string, within time.Duration) error {
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		a, err := r.do("GET", base+"/api/v1/queue/status", nil)
		if err != nil {
			return err
		}
		if a.body["admitted"] == true {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not admitted: %v", a)
		}
	}
	if a, err := r.do("POST", base+"/api/v1/queue/claim", nil); err != nil || a.status != 200 {
		return fmt.Errorf("claim: %v %v", a, err)
	}
	return nil
}

// enter joins at base, waits to be admitted and claims the pass.
func (r *resident) enter(base string) error {
	a, err := r.join(base)
	if err != nil {
		return err
	}
	if a.status != 200 {
		return fmt.Errorf("join: %v", a)
	}
	return r.admitted(base, 30*time.Second)
}

var sixDigits = regexp.MustCompile(`\d{6}`)

// verify runs mobile-phone verification at base. The demo SMS sink lives in each
// process, so the code is read from the same base that sent it.
func (r *resident) verify(base string) error {
	s := r.who
	a, err := r.do("POST", base+"/api/v1/identity/phone/start", map[string]string{"name": s.Name,
		"birth": s.Birth.String(), "digit7": strconv.Itoa(s.Digit7), "carrier": s.Carrier, "phone": s.Phone})
	if err != nil || a.status != 200 {
		return fmt.Errorf("phone start: %v %v", a, err)
	}
	resp, err := r.http.Get(base + "/demo/sms?phone=" + s.Phone)
	if err != nil {
		return err
	}
	var sms struct{ Messages []struct{ Text string } }
	json.NewDecoder(resp.Body).Decode(&sms)
	resp.Body.Close()
	if len(sms.Messages) == 0 {
		return fmt.Errorf("no one-time code for %s at %s", s.Phone, base)
	}
	code := sixDigits.FindString(sms.Messages[len(sms.Messages)-1].Text)
	if a, err := r.do("POST", base+"/api/v1/identity/phone/confirm", map[string]string{"code": code}); err != nil || a.body["verified"] != true {
		return fmt.Errorf("confirm: %v %v", a, err)
	}
	return nil
}

// ready takes r through the line and verification at base.
func (r *resident) ready(base string) error {
	if err := r.enter(base); err != nil {
		return err
	}
	return r.verify(base)
}

// book asks base for a first dose at site on date.
func (r *resident) book(base string, site int, date string) (answer, error) {
	return r.do("POST", base+"/api/v1/campaigns/1/reservation", map[string]any{"site_id": site, "date": date})
}

// reservationID is the id of an acknowledged booking, 0 for anything else.
func (a answer) reservationID() int64 {
	if a.status != 201 {
		return 0
	}
	id, _ := a.body["id"].(float64)
	return int64(id)
}
