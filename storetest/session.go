package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// sessionAt is when the session tests sign in.
var sessionAt = vaxbook.MustDate("2021-08-12").At(19, 58)

// mustSignIn signs the person with key in on device idHash at at, by method.
func mustSignIn(tb testing.TB, s vaxbook.Store, idHash, key, method string, at time.Time) vaxbook.Session {
	tb.Helper()
	sess := signedIn(idHash, key, method, at)
	if err := signInOne(tb.Context(), s, vaxbook.Person{Key: key, Name: "김민준", Birth: vaxbook.MustDate("1981-07-12")}, sess); err != nil {
		tb.Fatalf("SignIn(%s, %s): %v", idHash, key, err)
	}
	return sess
}

var sessionTests = []storeTest{
	{"signed-in session reads back as stored", func(t *testing.T, s vaxbook.Store) {
		want := mustSignIn(t, s, "3f9a", "k-1", "kakao", sessionAt)
		wantSession(t, s, want, sessionAt.Add(time.Minute))
		if !want.Verified(sessionAt) {
			t.Fatalf("the session should count as verified at %v", sessionAt)
		}
	}},
	{"session is not_found from its expiry on", func(t *testing.T, s vaxbook.Store) {
		sess := mustSignIn(t, s, "3f9a", "k-1", "kakao", sessionAt)
		wantSession(t, s, sess, sess.ExpiresAt.Add(-time.Second))
		_, _, err := s.SessionPerson(t.Context(), sess.IDHash, sess.ExpiresAt)
		wantCode(t, "SessionPerson at its expiry", err, vaxbook.CodeNotFound)
		_, _, err = s.SessionPerson(t.Context(), sess.IDHash, sess.ExpiresAt.Add(time.Hour))
		wantCode(t, "SessionPerson after its expiry", err, vaxbook.CodeNotFound)
	}},
	{"missing session is not_found", func(t *testing.T, s vaxbook.Store) {
		mustSignIn(t, s, "3f9a", "k-1", "kakao", sessionAt)
		_, _, err := s.SessionPerson(t.Context(), "3f9b", sessionAt)
		wantCode(t, "SessionPerson(3f9b)", err, vaxbook.CodeNotFound)
	}},
	{"ending a session ends that one only", func(t *testing.T, s vaxbook.Store) {
		sess := mustSignIn(t, s, "3f9a", "k-1", "kakao", sessionAt)
		other := mustSignIn(t, s, "77c0", "k-2", "phone", sessionAt)
		at := sessionAt.Add(2 * time.Minute)
		if err := s.EndSession(t.Context(), sess.IDHash, at); err != nil {
			t.Fatalf("EndSession: %v", err)
		}
		_, _, err := s.SessionPerson(t.Context(), sess.IDHash, at)
		wantCode(t, "SessionPerson once ended", err, vaxbook.CodeNotFound)
		wantSession(t, s, other, at) // the other session goes on
		if err := s.EndSession(t.Context(), "no-such", at); err != nil {
			t.Errorf("EndSession of a missing session: %v", err)
		}
		if err := s.EndSession(t.Context(), sess.IDHash, at.Add(time.Hour)); err != nil {
			t.Fatalf("EndSession again: %v", err)
		}
		_, _, err = s.SessionPerson(t.Context(), sess.IDHash, at)
		wantCode(t, "SessionPerson after a later second end", err, vaxbook.CodeNotFound)
	}},
}

// wantSession fails the test unless the store returns want at now, instants compared
// with Equal.
func wantSession(tb testing.TB, s vaxbook.Store, want vaxbook.Session, now time.Time) {
	tb.Helper()
	got, p, err := s.SessionPerson(tb.Context(), want.IDHash, now)
	if err != nil {
		tb.Fatalf("SessionPerson(%s) at %v: %v", want.IDHash, now, err)
	}
	if got.IDHash != want.IDHash || got.PersonKey != want.PersonKey || p.Key != want.PersonKey || got.Method != want.Method ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.VerifiedAt.Equal(want.VerifiedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		tb.Errorf("SessionPerson(%s) at %v:\n got  %+v (person %q)\n want %+v", want.IDHash, now, got, p.Key, want)
	}
}
