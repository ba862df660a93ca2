package vaxbook_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"vaxbook"
)

func TestFoldSignInsActsAsOneAfterAnother(t *testing.T) {
	t0 := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	t1 := t0.Add(time.Minute)
	person := func(key, name, phone string) vaxbook.Person {
		p := vaxbook.Person{Key: key, Name: name, Birth: vaxbook.MustDate("1981-07-12")}
		if phone != "" {
			p.PhoneEnc = []byte(phone)
		}
		return p
	}
	session := func(id, key, method string, at time.Time) vaxbook.Session {
		return vaxbook.Session{IDHash: id, PersonKey: key, Method: method, CreatedAt: at, VerifiedAt: at, ExpiresAt: at.Add(time.Hour)}
	}
	in := func(p vaxbook.Person, s vaxbook.Session) vaxbook.SignInRequest {
		return vaxbook.SignInRequest{Person: p, Session: s}
	}
	tests := []struct {
		name         string
		reqs         []vaxbook.SignInRequest
		wantPersons  []vaxbook.Person
		wantSessions []vaxbook.Session
	}{
		{"distinct sign-ins come out sorted by key",
			[]vaxbook.SignInRequest{in(person("k2", "B", "p2"), session("s2", "k2", "phone", t0)), in(person("k1", "A", "p1"), session("s1", "k1", "kakao", t0))},
			[]vaxbook.Person{person("k1", "A", "p1"), person("k2", "B", "p2")},
			[]vaxbook.Session{session("s1", "k1", "kakao", t0), session("s2", "k2", "phone", t0)}},
		{"a later sign-in without a phone keeps the earlier phone and takes the later name",
			[]vaxbook.SignInRequest{in(person("k1", "A", "p1"), session("s1", "k1", "phone", t0)), in(person("k1", "A2", ""), session("s2", "k1", "cert", t1))},
			[]vaxbook.Person{person("k1", "A2", "p1")},
			[]vaxbook.Session{session("s1", "k1", "phone", t0), session("s2", "k1", "cert", t1)}},
		{"a later sign-in with a phone replaces it",
			[]vaxbook.SignInRequest{in(person("k1", "A", "p1"), session("s1", "k1", "phone", t0)), in(person("k1", "A", "p9"), session("s2", "k1", "phone", t1))},
			[]vaxbook.Person{person("k1", "A", "p9")},
			[]vaxbook.Session{session("s1", "k1", "phone", t0), session("s2", "k1", "phone", t1)}},
		{"a session signed in twice is rebound and keeps its creation",
			[]vaxbook.SignInRequest{in(person("k1", "A", "p1"), session("s1", "k1", "phone", t0)), in(person("k2", "B", "p2"), session("s1", "k2", "naver", t1))},
			[]vaxbook.Person{person("k1", "A", "p1"), person("k2", "B", "p2")},
			[]vaxbook.Session{{IDHash: "s1", PersonKey: "k2", Method: "naver", CreatedAt: t0, VerifiedAt: t1, ExpiresAt: t1.Add(time.Hour)}}},
		{"the session's person is the request's person, whatever the session said",
			[]vaxbook.SignInRequest{in(person("k1", "A", "p1"), session("s1", "other", "phone", t0))},
			[]vaxbook.Person{person("k1", "A", "p1")},
			[]vaxbook.Session{session("s1", "k1", "phone", t0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, ss := vaxbook.FoldSignIns(tt.reqs)
			if !reflect.DeepEqual(ps, tt.wantPersons) {
				t.Errorf("persons\n got  %+v\n want %+v", ps, tt.wantPersons)
			}
			if !reflect.DeepEqual(ss, tt.wantSessions) {
				t.Errorf("sessions\n got  %+v\n want %+v", ss, tt.wantSessions)
			}
		})
	}
}

func TestSignInRequestCheck(t *testing.T) {
	at := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	valid := func() vaxbook.SignInRequest {
		return vaxbook.SignInRequest{
			Person:  vaxbook.Person{Key: "k1", Name: "김민준", Birth: vaxbook.MustDate("1981-07-12")},
			Session: vaxbook.Session{IDHash: "s1", CreatedAt: at, VerifiedAt: at, ExpiresAt: at.Add(time.Hour)},
		}
	}
	for _, tt := range []struct {
		name   string
		change func(r *vaxbook.SignInRequest)
		want   vaxbook.Code
	}{
		{"complete", func(*vaxbook.SignInRequest) {}, ""},
		{"no person key", func(r *vaxbook.SignInRequest) { r.Person.Key = "" }, vaxbook.CodeInvalidInput},
		{"no session id", func(r *vaxbook.SignInRequest) { r.Session.IDHash = "" }, vaxbook.CodeInvalidInput},
		{"no birth date", func(r *vaxbook.SignInRequest) { r.Person.Birth = vaxbook.Date{} }, vaxbook.CodeInvalidInput},
		{"no creation time", func(r *vaxbook.SignInRequest) { r.Session.CreatedAt = time.Time{} }, vaxbook.CodeInvalidInput},
		{"no verification time", func(r *vaxbook.SignInRequest) { r.Session.VerifiedAt = time.Time{} }, vaxbook.CodeInvalidInput},
		{"no expiry", func(r *vaxbook.SignInRequest) { r.Session.ExpiresAt = time.Time{} }, vaxbook.CodeInvalidInput},
	} {
		r := valid()
		tt.change(&r)
		if got := vaxbook.ErrorCode(r.Check()); got != tt.want {
			t.Errorf("%s: Check() code %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSignInAllWritesTogetherAndEachAloneAfterAFailure(t *testing.T) {
	at := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	req := func(key string) vaxbook.SignInRequest {
		return vaxbook.SignInRequest{
			Person:  vaxbook.Person{Key: key, Name: "김민준", Birth: vaxbook.MustDate("1981-07-12")},
			Session: vaxbook.Session{IDHash: "s-" + key, CreatedAt: at, VerifiedAt: at, ExpiresAt: at.Add(time.Hour)},
		}
	}
	reqs := []vaxbook.SignInRequest{req("k1"), req(""), req("bad"), req("k4")}
	tests := []struct {
		name   string
		fail   func(batch []vaxbook.SignInRequest) error // write's answer
		cancel bool
		want   []vaxbook.Code
		calls  []int // the sizes write was called with
	}{
		{"the valid ones are written together", func([]vaxbook.SignInRequest) error { return nil }, false,
			[]vaxbook.Code{"", vaxbook.CodeInvalidInput, "", ""}, []int{3}},
		{"a failed batch is written one by one, and only the bad one fails", func(b []vaxbook.SignInRequest) error {
			for _, r := range b {
				if r.Person.Key == "bad" {
					return vaxbook.Errorf(vaxbook.CodeInternal, "refused")
				}
			}
			return nil
		}, false, []vaxbook.Code{"", vaxbook.CodeInvalidInput, vaxbook.CodeInternal, ""}, []int{3, 1, 1, 1}},
		{"an unreachable database is not asked again", func([]vaxbook.SignInRequest) error {
			return vaxbook.Errorf(vaxbook.CodeUnavailable, "down")
		}, false, []vaxbook.Code{vaxbook.CodeUnavailable, vaxbook.CodeInvalidInput, vaxbook.CodeUnavailable, vaxbook.CodeUnavailable}, []int{3}},
		{"a caller that has gone is not served one by one", func([]vaxbook.SignInRequest) error {
			return vaxbook.Errorf(vaxbook.CodeInternal, "cancelled")
		}, true, []vaxbook.Code{vaxbook.CodeInternal, vaxbook.CodeInvalidInput, vaxbook.CodeInternal, vaxbook.CodeInternal}, []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			var calls []int
			errs := vaxbook.SignInAll(ctx, reqs, func(_ context.Context, b []vaxbook.SignInRequest) error {
				calls = append(calls, len(b))
				return tt.fail(b)
			})
			if len(errs) != len(reqs) {
				t.Fatalf("%d errors for %d requests", len(errs), len(reqs))
			}
			for i, want := range tt.want {
				if got := vaxbook.ErrorCode(errs[i]); got != want {
					t.Errorf("request %d: %v, want code %q", i, errs[i], want)
				}
			}
			if !reflect.DeepEqual(calls, tt.calls) {
				t.Errorf("write called with %v, want %v", calls, tt.calls)
			}
		})
	}
}
