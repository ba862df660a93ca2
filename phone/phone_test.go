package phone_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/phone"
)

var (
	t0     = time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	secret = bytes.Repeat([]byte("s"), identity.MinSecretLen)
	kim    = identity.Subscriber{
		Identity: identity.Identity{CI: strings.Repeat("K", 86) + "==", Name: "김민준",
			Birth: vaxbook.MustDate("1981-07-12"), Phone: "01012345678"},
		Carrier: "SKT", Digit7: 1,
	}
	smith = identity.Subscriber{
		Identity: identity.Identity{CI: strings.Repeat("S", 86) + "==", Name: "John Smith",
			Birth: vaxbook.MustDate("2001-03-04"), Phone: "01098765432", Foreign: true},
		Carrier: "KT", Digit7: 7,
	}
)

// directory is a tiny identity.Directory of two subscribers.
type directory map[string]identity.Subscriber

func (d directory) LookupPhone(_ context.Context, p string) (identity.Subscriber, bool, error) {
	s, ok := d[p]
	return s, ok, nil
}

type fixture struct {
	m     *phone.Method
	sink  *phone.SMSSink
	guard *inmem.Guard
}

func mustFixture(tb testing.TB, cfg phone.Config) fixture {
	tb.Helper()
	sink := phone.NewSMSSink(0, nil, nil)
	dir := directory{kim.Phone: kim, smith.Phone: smith}
	guard := inmem.NewGuard()
	cfg.Secret = secret
	m, err := phone.New(cfg, phone.NewDevCarrier(dir, sink, phone.DevCarrierConfig{}), guard, inmem.NewChallenges(), inmem.NewLimiter(cfg.StartLimit()))
	if err != nil {
		tb.Fatal(err)
	}
	return fixture{m, sink, guard}
}

func claimOf(s identity.Subscriber) phone.Claim {
	return phone.Claim{Name: s.Name, Birth: s.Birth, Digit7: s.Digit7, Carrier: s.Carrier, Phone: s.Phone}
}

// mustStart starts a challenge and returns the code the SMS carried.
func (f fixture) mustStart(tb testing.TB, device string, c phone.Claim, now time.Time) string {
	tb.Helper()
	if _, err := f.m.Start(tb.Context(), device, c, now); err != nil {
		tb.Fatalf("Start(%s): %v", device, err)
	}
	p, _ := identity.NormalizePhone(c.Phone)
	sms, ok := f.sink.Last(p)
	if !ok {
		tb.Fatal("no SMS sent")
	}
	code := regexp.MustCompile(`\d{6}`).FindString(sms.Text)
	if code == "" {
		tb.Fatalf("SMS %q carries no code", sms.Text)
	}
	return code
}

func wantCode(tb testing.TB, err error, code vaxbook.Code) {
	tb.Helper()
	if got := vaxbook.ErrorCode(err); got != code {
		tb.Fatalf("err = %v, want code %q", err, code)
	}
}

func retryAt(err error) time.Time {
	var e *vaxbook.Error
	errors.As(err, &e)
	return e.RetryAt
}

func TestStartSendsCodeAndConfirmVerifiesPerson(t *testing.T) {
	f := mustFixture(t, phone.Config{})
	ch, err := f.m.Start(t.Context(), "pc", claimOf(kim), t0)
	if err != nil {
		t.Fatal(err)
	}
	want := phone.Challenge{Phone: "010-****-5678", ExpiresAt: t0.Add(3 * time.Minute), Attempts: 5}
	if ch != want {
		t.Errorf("Challenge = %+v, want %+v", ch, want)
	}
	sms, _ := f.sink.Last(kim.Phone)
	if !regexp.MustCompile(`^\[vaxbook\] 인증번호 \d{6} \(3분 이내 입력\)$`).MatchString(sms.Text) {
		t.Errorf("SMS text = %q", sms.Text)
	}
	if p, ok, err := f.m.Pending(t.Context(), "pc", t0.Add(time.Minute)); err != nil || !ok || p != want {
		t.Errorf("Pending = %+v, %v, %v; want %+v", p, ok, err, want)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(sms.Text)
	id, key, err := f.m.Confirm(t.Context(), "pc", code, t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if id != kim.Identity || key != identity.PersonKey(secret, kim.CI) {
		t.Errorf("Confirm = %+v, %q", id, key)
	}
	if _, ok, _ := f.m.Pending(t.Context(), "pc", t0.Add(2*time.Minute)); ok {
		t.Error("challenge still pending after success")
	}
	_, _, err = f.m.Confirm(t.Context(), "pc", code, t0.Add(2*time.Minute))
	wantCode(t, err, vaxbook.CodeCodeExpired) // a code is used once
}

func TestStartAcceptsForeignResidentAndLooseSpelling(t *testing.T) {
	f := mustFixture(t, phone.Config{})
	c := claimOf(smith)
	c.Name, c.Carrier, c.Phone = " john  SMITH ", "kt", "+82 10 9876 5432"
	code := f.mustStart(t, "pc", c, t0)
	id, _, err := f.m.Confirm(t.Context(), "pc", code, t0)
	if err != nil || !id.Foreign {
		t.Fatalf("Confirm = %+v, %v", id, err)
	}
}

func TestStartMismatchOfAnyFieldIsOneGenericVerifyFailed(t *testing.T) {
	tests := []struct {
		name   string
		change func(*phone.Claim)
	}{
		{"name", func(c *phone.Claim) { c.Name = "김서준" }},
		{"birth", func(c *phone.Claim) { c.Birth = vaxbook.MustDate("1981-07-13") }},
		{"digit7", func(c *phone.Claim) { c.Digit7 = 2 }},
		{"carrier", func(c *phone.Claim) { c.Carrier = "LGU+" }},
		{"unknown phone", func(c *phone.Claim) { c.Phone = "01011112222" }},
		{"another's phone", func(c *phone.Claim) { c.Phone = smith.Phone }},
	}
	var messages []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFixture(t, phone.Config{})
			c := claimOf(kim)
			tt.change(&c)
			_, err := f.m.Start(t.Context(), "pc", c, t0)
			wantCode(t, err, vaxbook.CodeVerifyFailed)
			messages = append(messages, vaxbook.ErrorMessage(err))
			if n := len(f.sink.Messages()); n != 0 {
				t.Errorf("%d SMS sent for a refused claim", n)
			}
		})
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("messages differ, revealing the field: %q vs %q", m, messages[0])
		}
	}
}

func TestStartRefusesMalformedClaim(t *testing.T) {
	tests := []struct {
		name   string
		device string
		change func(*phone.Claim)
	}{
		{"no device", "", func(*phone.Claim) {}},
		{"empty name", "pc", func(c *phone.Claim) { c.Name = "  " }},
		{"control in name", "pc", func(c *phone.Claim) { c.Name = "김\x00민준" }},
		{"long name", "pc", func(c *phone.Claim) { c.Name = strings.Repeat("가", 51) }},
		{"no birth", "pc", func(c *phone.Claim) { c.Birth = vaxbook.Date{} }},
		{"digit 9", "pc", func(c *phone.Claim) { c.Digit7 = 9 }},
		{"digit of other century", "pc", func(c *phone.Claim) { c.Digit7 = 3 }},
		{"unknown carrier", "pc", func(c *phone.Claim) { c.Carrier = "NTT" }},
		{"landline", "pc", func(c *phone.Claim) { c.Phone = "02-123-4567" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFixture(t, phone.Config{})
			c := claimOf(kim)
			tt.change(&c)
			_, err := f.m.Start(t.Context(), tt.device, c, t0)
			wantCode(t, err, vaxbook.CodeInvalidInput)
		})
	}
}

func TestParseClaimReadsFormStrings(t *testing.T) {
	c, err := phone.ParseClaim("김민준", "1981-07-12", " 1 ", "skt", "010-1234-5678")
	if err != nil || c != claimOf(kim) {
		t.Fatalf("ParseClaim = %+v, %v", c, err)
	}
	for _, in := range [][5]string{
		{"김민준", "1981-07-32", "1", "SKT", "01012345678"},
		{"김민준", "1981-07-12", "3", "SKT", "01012345678"},
		{"김민준", "1981-07-12", "1", "SKT", "0101234567"},
	} {
		if _, err := phone.ParseClaim(in[0], in[1], in[2], in[3], in[4]); vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
			t.Errorf("ParseClaim(%q) err = %v, want invalid_input", in, err)
		}
	}
}

func TestNewRefusesShortSecret(t *testing.T) {
	dev := phone.NewDevCarrier(directory{}, phone.NewSMSSink(0, nil, nil), phone.DevCarrierConfig{})
	if _, err := phone.New(phone.Config{Secret: []byte("short")}, dev, inmem.NewGuard(), inmem.NewChallenges(), inmem.NewLimiter(5, time.Minute)); err == nil {
		t.Error("New accepted a 5-byte secret")
	}
}
