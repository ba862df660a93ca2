package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"vaxbook"
)

func TestResidentVerifiesBooksChangesAndCancels(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		c := h.client()
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		c.verify(h.resident(2, 0))

		st, me := c.do("GET", base+"/me", nil)
		if st != 200 || me["eligibility"].(map[string]any)["open_now"] != true || me["reservation"] != nil {
			t.Fatalf("me before booking: %d %v", st, me)
		}
		site, date := c.firstSite()
		st, rv := c.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date})
		if st != 201 || rv["status"] != "booked" || rv["date"] != date {
			t.Fatalf("book: %d %v", st, rv)
		}
		second := vaxbook.MustDate(date).AddDays(42).String()
		if rv["second_date"] != second {
			t.Errorf("second dose %v, want %s", rv["second_date"], second)
		}
		if st, body := c.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 409 || code(body) != "already_booked" {
			t.Errorf("second booking: %d %v, want 409 already_booked", st, body)
		}
		if st, got := c.do("GET", base+"/reservation", nil); st != 200 || got["id"] != rv["id"] {
			t.Errorf("my reservation: %d %v", st, got)
		}
		newDate := "2021-09-20"
		st, moved := c.do("PUT", base+"/reservation", map[string]any{"site_id": site, "date": newDate})
		if st != 200 || moved["date"] != newDate || moved["id"] == rv["id"] {
			t.Fatalf("change: %d %v", st, moved)
		}
		if st, got := c.do("DELETE", base+"/reservation", nil); st != 200 || got["status"] != "cancelled" {
			t.Errorf("cancel: %d %v", st, got)
		}
		if st, got := c.do("DELETE", base+"/reservation", nil); st != 404 || code(got) != "no_reservation" {
			t.Errorf("second cancel: %d %v, want 404 no_reservation", st, got)
		}
		mustAuditClean(t, h)
	})
}

func TestBookingRulesRefuseWithCodes(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)

		// Group 3 books from 2021-08-13 20:00; at 08-12 20:05 it is told when.
		c3 := h.client()
		c3.verify(h.resident(3, 0))
		site, date := c3.firstSite()
		st, body := c3.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date})
		if st != 422 || code(body) != "window_closed" || !strings.HasPrefix(body["retry_at"].(string), "2021-08-13T20:00:00") || c3.header.Get("Retry-After") == "" {
			t.Errorf("other group's day: %d %v (Retry-After %q)", st, body, c3.header.Get("Retry-After"))
		}

		// A booking inside the 14 days is confirmed at once and cannot be changed.
		c2 := h.client()
		c2.verify(h.resident(2, 0))
		st, rv := c2.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": "2021-08-26"})
		if st != 201 || rv["status"] != "confirmed" {
			t.Fatalf("book inside 14 days: %d %v", st, rv)
		}
		if st, body := c2.do("PUT", base+"/reservation", map[string]any{"site_id": site, "date": "2021-09-20"}); st != 409 || code(body) != "change_locked" {
			t.Errorf("change after the fix: %d %v, want 409 change_locked", st, body)
		}
		// Two days before, cancelling is no longer possible either.
		h.clock.Set(vaxbook.MustDate("2021-08-25").At(0, 0))
		c2.verify(h.resident(2, 0))
		if st, body := c2.do("DELETE", base+"/reservation", nil); st != 409 || code(body) != "cancel_locked" {
			t.Errorf("cancel the day before: %d %v, want 409 cancel_locked", st, body)
		}
		mustAuditClean(t, h)
	})
}

func TestOnlyTheFirstVerifiedDeviceGoesOn(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		r := h.resident(2, 0)
		pc, mobile := h.client(), h.client()
		pc.verify(r)
		st, body := mobile.startPhone(r)
		if st != 403 || code(body) != "device_locked" || mobile.header.Get("Retry-After") == "" {
			t.Fatalf("second device: %d %v, want 403 device_locked with Retry-After", st, body)
		}
		if st, body := pc.startPhone(r); st != 429 || code(body) != "verify_too_soon" {
			t.Errorf("same device again within 10 minutes: %d %v, want 429 verify_too_soon", st, body)
		}
		// Ten minutes later the phone may verify, and from then on only the phone goes on.
		h.clock.Advance(vaxbook.VerifyWindow)
		mobile.verify(r)
		site, date := mobile.firstSite()
		if st, body := pc.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 403 || code(body) != "device_locked" {
			t.Errorf("first device after the second verified: %d %v, want 403 device_locked", st, body)
		}
		if st, body := mobile.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 201 {
			t.Errorf("second device books: %d %v", st, body)
		}
	})
}

func TestWrongCodeAndUnknownPersonCreateNothing(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		c := h.client()
		r := h.resident(2, 0)
		wrong := r
		wrong.Name = "홍길동"
		if st, body := c.startPhone(wrong); st != 422 || code(body) != "verify_failed" {
			t.Errorf("wrong name: %d %v, want 422 verify_failed", st, body)
		}
		if st, _ := c.startPhone(r); st != 200 {
			t.Fatal("start failed")
		}
		good := c.lastCode(r)
		bad := "000000"
		if bad == good {
			bad = "111111"
		}
		if st, body := c.do("POST", "/api/v1/identity/phone/confirm", map[string]string{"code": bad}); st != 422 || code(body) != "code_mismatch" {
			t.Errorf("wrong code: %d %v, want 422 code_mismatch", st, body)
		}
		if st, body := c.do("GET", "/api/v1/session", nil); st != 200 || body["verified"] != false {
			t.Errorf("session after a wrong code: %d %v, want unverified", st, body)
		}
		if _, err := s.Person(context.Background(), "nobody"); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("person lookup: %v", err)
		}
		h.clock.Advance(4 * time.Minute)
		if st, body := c.do("POST", "/api/v1/identity/phone/confirm", map[string]string{"code": good}); st != 422 || code(body) != "code_expired" {
			t.Errorf("expired code: %d %v, want 422 code_expired", st, body)
		}
	})
}

// mustAuditClean fails the test if the store's rows show any invariant violation.
func mustAuditClean(t *testing.T, h *harness) {
	t.Helper()
	a, err := h.store.Audit(context.Background(), h.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Overbooked != 0 || a.DoubleBooked != 0 || a.CounterDrift != 0 || a.ActiveReservations != a.BookedTotal {
		t.Errorf("audit: %+v", a)
	}
}

// TestSignOutEndsTheSessionOnTheServer: after DELETE /api/v1/session the session's id
// no longer books, even replayed by a copy of the cookie the browser has dropped.
func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		h := newHarness(t, s)
		c := h.client()
		c.verify(h.resident(2, 0))
		site, date := c.firstSite()
		u, _ := url.Parse(h.srv.URL)
		saved := c.http.Jar.Cookies(u)
		if st, body := c.do("DELETE", "/api/v1/session", nil); st != 204 {
			t.Fatalf("sign out: %d %v", st, body)
		}
		c.http.Jar.SetCookies(u, saved) // a copy of the old cookie, replayed
		if st, body := c.do("GET", "/api/v1/session", nil); st != 200 || body["verified"] != false {
			t.Errorf("session after signing out: %d %v, want unverified", st, body)
		}
		base := "/api/v1/campaigns/" + itoa(h.campaignID)
		if st, body := c.do("POST", base+"/reservation", map[string]any{"site_id": site, "date": date}); st != 401 {
			t.Errorf("booking with a signed-out session: %d %v, want 401", st, body)
		}
	})
}
