package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"vaxbook"
)

// signedIn returns the session SignIn should leave for key, verified at at.
func signedIn(idHash, key, method string, at time.Time) vaxbook.Session {
	return vaxbook.Session{IDHash: idHash, PersonKey: key, Method: method, CreatedAt: at, VerifiedAt: at, ExpiresAt: at.Add(30 * time.Minute)}
}

// signInOne signs one person in, through a batch of one.
func signInOne(ctx context.Context, s vaxbook.Store, p vaxbook.Person, sess vaxbook.Session) error {
	return s.SignIn(ctx, []vaxbook.SignInRequest{{Person: p, Session: sess}})[0]
}

var signInTests = []storeTest{
	{"sign in creates the session and the person together", func(t *testing.T, s vaxbook.Store) {
		p := vaxbook.Person{Key: "k-1", Name: "이상훈", Birth: vaxbook.MustDate("1981-07-12"), PhoneEnc: []byte("sealed-1")}
		sess := signedIn("3f9a", "k-1", "phone", sessionAt)
		if err := signInOne(t.Context(), s, p, sess); err != nil {
			t.Fatalf("SignIn: %v", err)
		}
		wantSession(t, s, sess, sessionAt.Add(time.Minute))
		got, err := s.Person(t.Context(), "k-1")
		if err != nil || got.Name != p.Name || got.Birth != p.Birth || !bytes.Equal(got.PhoneEnc, p.PhoneEnc) {
			t.Fatalf("Person(k-1) = %+v, %v; want %+v", got, err, p)
		}
	}},
	{"signing in again on a device rebinds its session and keeps its creation", func(t *testing.T, s vaxbook.Store) {
		first := mustSignIn(t, s, "3f9a", "k-1", "kakao", sessionAt)
		at := sessionAt.Add(3 * time.Minute)
		sess := mustSignIn(t, s, "3f9a", "k-2", "phone", at)
		sess.CreatedAt = first.CreatedAt
		wantSession(t, s, sess, at)
	}},
	{"sign in without a phone keeps the stored one; with one, replaces it", func(t *testing.T, s vaxbook.Store) {
		birth := vaxbook.MustDate("1981-07-12")
		mustPutPerson(t, s, vaxbook.Person{Key: "k-1", Name: "김민준", Birth: birth, PhoneEnc: []byte("old")})
		if err := signInOne(t.Context(), s, vaxbook.Person{Key: "k-1", Name: "김민준", Birth: birth}, signedIn("a1", "k-1", "cert", sessionAt)); err != nil {
			t.Fatalf("SignIn by certificate: %v", err)
		}
		if got, err := s.Person(t.Context(), "k-1"); err != nil || string(got.PhoneEnc) != "old" {
			t.Fatalf("after a certificate sign-in the phone is %q, %v; want it kept", got.PhoneEnc, err)
		}
		if err := signInOne(t.Context(), s, vaxbook.Person{Key: "k-1", Name: "김민준", Birth: birth, PhoneEnc: []byte("new")}, signedIn("a2", "k-1", "phone", sessionAt)); err != nil {
			t.Fatalf("SignIn by phone: %v", err)
		}
		if got, err := s.Person(t.Context(), "k-1"); err != nil || string(got.PhoneEnc) != "new" {
			t.Fatalf("after a phone sign-in the phone is %q, %v; want new", got.PhoneEnc, err)
		}
	}},
	{"sign in without a key or a session id is invalid_input and stores nothing", func(t *testing.T, s vaxbook.Store) {
		p := vaxbook.Person{Key: "k-1", Name: "김민준", Birth: vaxbook.MustDate("1981-07-12")}
		wantCode(t, "SignIn without a session id", signInOne(t.Context(), s, p, signedIn("", "k-1", "phone", sessionAt)), vaxbook.CodeInvalidInput)
		p.Key = ""
		wantCode(t, "SignIn without a key", signInOne(t.Context(), s, p, signedIn("3f9a", "", "phone", sessionAt)), vaxbook.CodeInvalidInput)
		_, err := s.Person(t.Context(), "k-1")
		wantCode(t, "Person after refused sign-ins", err, vaxbook.CodeNotFound)
		_, _, err = s.SessionPerson(t.Context(), "3f9a", sessionAt)
		wantCode(t, "SessionPerson after refused sign-ins", err, vaxbook.CodeNotFound)
	}},
	{"session person returns the signed-in session with its person", func(t *testing.T, s vaxbook.Store) {
		p := vaxbook.Person{Key: "k-1", Name: "이상훈", Birth: vaxbook.MustDate("1981-07-12"), PhoneEnc: []byte("sealed-1"), Foreign: true}
		sess := signedIn("3f9a", "k-1", "phone", sessionAt)
		if err := signInOne(t.Context(), s, p, sess); err != nil {
			t.Fatalf("SignIn: %v", err)
		}
		gotS, gotP, err := s.SessionPerson(t.Context(), "3f9a", sessionAt.Add(time.Minute))
		if err != nil || gotS.PersonKey != "k-1" || gotS.Method != "phone" || !gotS.VerifiedAt.Equal(sessionAt) || !gotS.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Fatalf("SessionPerson session = %+v, %v; want %+v", gotS, err, sess)
		}
		if gotP.Key != p.Key || gotP.Name != p.Name || gotP.Birth != p.Birth || !gotP.Foreign || string(gotP.PhoneEnc) != "sealed-1" {
			t.Fatalf("SessionPerson person = %+v; want %+v", gotP, p)
		}
		_, _, err = s.SessionPerson(t.Context(), "3f9a", sess.ExpiresAt)
		wantCode(t, "SessionPerson at expiry", err, vaxbook.CodeNotFound)
		_, _, err = s.SessionPerson(t.Context(), "3f9b", sessionAt)
		wantCode(t, "SessionPerson of a missing session", err, vaxbook.CodeNotFound)
	}},
	{"a batch of sign-ins leaves what they would one after another; a bad one fails alone", func(t *testing.T, s vaxbook.Store) {
		birth := vaxbook.MustDate("1981-07-12")
		later := sessionAt.Add(time.Minute)
		reqs := []vaxbook.SignInRequest{
			{Person: vaxbook.Person{Key: "k-1", Name: "이상훈", Birth: birth, PhoneEnc: []byte("p1")}, Session: signedIn("a1", "k-1", "phone", sessionAt)},
			{Person: vaxbook.Person{Key: "k-2", Name: "김민준", Birth: birth}, Session: signedIn("b1", "k-2", "kakao", sessionAt)},
			{Person: vaxbook.Person{Key: "", Name: "nobody", Birth: birth}, Session: signedIn("c1", "", "phone", sessionAt)},
			// The same person again, by certificate (no phone): the name changes, the phone stays.
			{Person: vaxbook.Person{Key: "k-1", Name: "이상훈2", Birth: birth}, Session: signedIn("a2", "k-1", "cert", later)},
			// The first device again, now for someone else: rebound, its creation kept.
			{Person: vaxbook.Person{Key: "k-3", Name: "박서연", Birth: birth, Foreign: true}, Session: signedIn("a1", "k-3", "naver", later)},
		}
		errs := s.SignIn(t.Context(), reqs)
		if len(errs) != len(reqs) {
			t.Fatalf("SignIn returned %d errors for %d requests", len(errs), len(reqs))
		}
		for i, want := range []vaxbook.Code{"", "", vaxbook.CodeInvalidInput, "", ""} {
			if got := vaxbook.ErrorCode(errs[i]); got != want {
				t.Errorf("request %d: %v, want code %q", i, errs[i], want)
			}
		}
		if got, err := s.Person(t.Context(), "k-1"); err != nil || got.Name != "이상훈2" || string(got.PhoneEnc) != "p1" {
			t.Errorf("Person(k-1) = %+v, %v; want the later name and the first phone", got, err)
		}
		if got, err := s.Person(t.Context(), "k-3"); err != nil || !got.Foreign {
			t.Errorf("Person(k-3) = %+v, %v; want the foreign resident", got, err)
		}
		rebound := signedIn("a1", "k-3", "naver", later)
		rebound.CreatedAt = sessionAt
		wantSession(t, s, rebound, later)
		wantSession(t, s, signedIn("a2", "k-1", "cert", later), later)
		wantSession(t, s, signedIn("b1", "k-2", "kakao", sessionAt), later)
		_, _, err := s.SessionPerson(t.Context(), "c1", later)
		wantCode(t, "SessionPerson of the refused request", err, vaxbook.CodeNotFound)
	}},
}
