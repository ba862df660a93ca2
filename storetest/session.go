package storetest

import (
	"testing"
	"time"

	"vaxbook"
)

// sessionAt is when the session tests create their session.
var sessionAt = vaxbook.MustDate("2021-08-12").At(19, 58)

// newSession returns an anonymous session created at sessionAt, valid for 30 minutes.
func newSession(idHash string) vaxbook.Session {
	return vaxbook.Session{IDHash: idHash, CreatedAt: sessionAt, ExpiresAt: sessionAt.Add(30 * time.Minute)}
}

var sessionTests = []storeTest{
	{"anonymous session reads back as created", func(t *testing.T, s vaxbook.Store) {
		want := newSession("3f9a")
		mustCreateSession(t, s, want)
		wantSession(t, s, want, sessionAt.Add(time.Minute))
	}},
	{"session is not_found from its expiry on", func(t *testing.T, s vaxbook.Store) {
		sess := newSession("3f9a")
		mustCreateSession(t, s, sess)
		wantSession(t, s, sess, sess.ExpiresAt.Add(-time.Second))
		_, err := s.Session(t.Context(), sess.IDHash, sess.ExpiresAt)
		wantCode(t, "Session at its expiry", err, vaxbook.CodeNotFound)
		_, err = s.Session(t.Context(), sess.IDHash, sess.ExpiresAt.Add(time.Hour))
		wantCode(t, "Session after its expiry", err, vaxbook.CodeNotFound)
	}},
	{"missing session is not_found", func(t *testing.T, s vaxbook.Store) {
		mustCreateSession(t, s, newSession("3f9a"))
		_, err := s.Session(t.Context(), "3f9b", sessionAt)
		wantCode(t, "Session(3f9b)", err, vaxbook.CodeNotFound)
	}},
	{"verify session binds the person and the new expiry", func(t *testing.T, s vaxbook.Store) {
		mustPutPerson(t, s, vaxbook.Person{Key: "k-1", Name: "김민준", Birth: vaxbook.MustDate("1981-07-12")})
		sess, other := newSession("3f9a"), newSession("77c0")
		mustCreateSession(t, s, sess)
		mustCreateSession(t, s, other)
		at := sessionAt.Add(2 * time.Minute)
		expires := at.Add(20 * time.Minute)
		if err := s.VerifySession(t.Context(), sess.IDHash, "k-1", "kakao", at, expires); err != nil {
			t.Fatalf("VerifySession: %v", err)
		}
		sess.PersonKey, sess.Method, sess.VerifiedAt, sess.ExpiresAt = "k-1", "kakao", at, expires
		wantSession(t, s, sess, expires.Add(-time.Second))
		if !sess.Verified(at) {
			t.Fatalf("the session should count as verified at %v", at)
		}
		wantSession(t, s, other, at) // the other session stays anonymous
		_, err := s.Session(t.Context(), sess.IDHash, expires)
		wantCode(t, "Session at its new expiry", err, vaxbook.CodeNotFound)
	}},
}

// mustCreateSession stores sess.
func mustCreateSession(tb testing.TB, s vaxbook.Store, sess vaxbook.Session) {
	tb.Helper()
	if err := s.CreateSession(tb.Context(), sess); err != nil {
		tb.Fatalf("CreateSession(%s): %v", sess.IDHash, err)
	}
}

// wantSession fails the test unless the store returns want at now, instants compared
// with Equal and an unverified session's VerifiedAt zero.
func wantSession(tb testing.TB, s vaxbook.Store, want vaxbook.Session, now time.Time) {
	tb.Helper()
	got, err := s.Session(tb.Context(), want.IDHash, now)
	if err != nil {
		tb.Fatalf("Session(%s) at %v: %v", want.IDHash, now, err)
	}
	if got.IDHash != want.IDHash || got.PersonKey != want.PersonKey || got.Method != want.Method ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.VerifiedAt.Equal(want.VerifiedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		tb.Errorf("Session(%s) at %v:\n got  %+v\n want %+v", want.IDHash, now, got, want)
	}
}
