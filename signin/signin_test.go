package signin_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
	"vaxbook/signin"
	"vaxbook/sqlite/sqlitetest"
	"vaxbook/storetest/engines"
)

var t0 = time.Date(2021, 8, 12, 20, 5, 0, 0, vaxbook.Seoul)

// fixture is the service over a real store, the in-process Guard and passes.
type fixture struct {
	svc    *signin.Service
	store  vaxbook.Store
	guard  *inmem.Guard
	passes *inmem.Passes
}

func newFixture(t *testing.T, s vaxbook.Store) fixture {
	t.Helper()
	sealer, err := identity.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{store: s, guard: inmem.NewGuard(), passes: inmem.NewPasses()}
	f.svc = signin.New(s, sealer, f.guard, f.passes)
	return f
}

func proof(n int) signin.Proof {
	return signin.Proof{
		Identity:  identity.Identity{CI: fmt.Sprintf("ci-%d", n), Name: "김민준", Birth: vaxbook.MustDate("1981-07-12"), Phone: "01012345678"},
		PersonKey: fmt.Sprintf("person-%d", n), Method: "phone",
	}
}

func wantCode(t *testing.T, err error, code vaxbook.Code) {
	t.Helper()
	if vaxbook.ErrorCode(err) != code {
		t.Fatalf("err = %v, want code %q", err, code)
	}
}

// TestCompleteIssuesANewSessionEachTime: the token is random, stored only as its hash,
// and every sign-in gets a new one, ending the browser's previous session.
func TestCompleteIssuesANewSessionEachTime(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		first, err := f.svc.Complete(t.Context(), signin.Attempt{Device: "pc"}, proof(1), t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Token) != signin.TokenLen || first.Session.IDHash != signin.HashToken(first.Token) || first.Session.IDHash == first.Token {
			t.Fatalf("issued %+v: want a %d-character token stored as its hash", first, signin.TokenLen)
		}
		sess, p, err := s.SessionPerson(t.Context(), first.Session.IDHash, t0)
		if err != nil || !sess.Verified(t0) || p.Key != "person-1" || len(p.PhoneEnc) == 0 || bytes.Contains(p.PhoneEnc, []byte("01012345678")) {
			t.Fatalf("stored %+v %+v %v: want a verified session and the phone sealed", sess, p, err)
		}
		if !sess.ExpiresAt.Equal(t0.Add(vaxbook.SessionTTL)) {
			t.Errorf("session expires %v, want SessionTTL after the sign-in", sess.ExpiresAt)
		}
		t1 := t0.Add(vaxbook.VerifyWindow)
		second, err := f.svc.Complete(t.Context(), signin.Attempt{Device: "pc", Previous: first.Token}, proof(2), t1)
		if err != nil {
			t.Fatal(err)
		}
		if second.Token == first.Token {
			t.Fatal("a second sign-in reused the token")
		}
		if _, _, err := s.SessionPerson(t.Context(), first.Session.IDHash, t1); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("the previous session after a new sign-in: %v, want ended", err)
		}
	})
}

// TestCompleteAppliesTheVerificationRules: rules 6 and 7 are the service's for every
// method, table-driven from one completion on the pc at t0.
func TestCompleteAppliesTheVerificationRules(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		for _, tc := range []struct {
			name   string
			device string
			after  time.Duration
			want   vaxbook.Code
		}{
			{"another device within ten minutes", "phone", 3 * time.Minute, vaxbook.CodeDeviceLocked},
			{"the same device within ten minutes", "pc", 9 * time.Minute, vaxbook.CodeVerifyTooSoon},
			{"the same device after ten minutes", "pc", vaxbook.VerifyWindow, ""},
			{"another device after ten minutes", "phone", vaxbook.VerifyWindow, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, s)
				if _, err := f.svc.Complete(t.Context(), signin.Attempt{Device: "pc"}, proof(1), t0); err != nil {
					t.Fatal(err)
				}
				_, err := f.svc.Complete(t.Context(), signin.Attempt{Device: tc.device}, proof(1), t0.Add(tc.after))
				wantCode(t, err, tc.want)
			})
		}
	})
}

// TestDevicesCompletingAtOnceExactlyOneWins: of four devices finishing a verification
// of one person at the same instant, one signs in.
func TestDevicesCompletingAtOnceExactlyOneWins(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		devices := []string{"pc", "phone", "tablet", "laptop"}
		errs := make([]error, len(devices))
		var wg sync.WaitGroup
		for i, d := range devices {
			wg.Go(func() { _, errs[i] = f.svc.Complete(t.Context(), signin.Attempt{Device: d}, proof(1), t0) })
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch vaxbook.ErrorCode(err) {
			case "":
				won++
			case vaxbook.CodeDeviceLocked:
			default:
				t.Errorf("device %s: %v", devices[i], err)
			}
		}
		if won != 1 {
			t.Errorf("%d devices signed in, want exactly 1", won)
		}
	})
}

// TestAPassBindsItsFirstPersonAndSpendsNobodyElsesWindow: a second person under a
// bound pass is refused before the Guard, so their own verification window is not
// spent by the refused attempt.
func TestAPassBindsItsFirstPersonAndSpendsNobodyElsesWindow(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		pass := signin.Attempt{Device: "broker", Pass: "1:42", PassExpires: t0.Add(10 * time.Minute)}
		under := signin.WithPass(t.Context(), pass.Pass)
		if err := f.svc.Check(under, "person-1", "broker", t0); err != nil {
			t.Fatalf("a fresh pass: %v", err)
		}
		if _, err := f.svc.Complete(t.Context(), pass, proof(1), t0); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.Check(under, "person-2", "broker", t0.Add(time.Minute)), vaxbook.CodePassInUse)
		// Its own person is told the verification rule, not the pass.
		wantCode(t, f.svc.Check(under, "person-1", "broker", t0.Add(time.Minute)), vaxbook.CodeVerifyTooSoon)
		_, err := f.svc.Complete(t.Context(), pass, proof(2), t0.Add(time.Minute))
		wantCode(t, err, vaxbook.CodePassInUse)
		if _, ok, _ := f.guard.Owner(t.Context(), "person-2", t0.Add(time.Minute)); ok {
			t.Error("the refused person's verification was recorded")
		}
		if err := f.svc.PassHolder(t.Context(), pass.Pass, "person-2"); vaxbook.ErrorCode(err) != vaxbook.CodePassInUse {
			t.Errorf("booking under another's pass: %v, want pass_in_use", err)
		}
		if err := f.svc.PassHolder(t.Context(), pass.Pass, "person-1"); err != nil {
			t.Errorf("booking under one's own pass: %v", err)
		}
		if err := f.svc.Booked(t.Context(), pass.Pass, pass.PassExpires, t0); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.PassHolder(t.Context(), pass.Pass, "person-1"); err != nil {
			t.Errorf("changing under one's own pass after booking: %v", err)
		}
		// Even the pass's own person cannot verify under it again (a fresh device, to
		// be past the Guard's rules).
		_, err = f.svc.Complete(t.Context(), signin.Attempt{Device: "other", Pass: pass.Pass, PassExpires: pass.PassExpires}, proof(1), t0.Add(vaxbook.VerifyWindow))
		wantCode(t, err, vaxbook.CodePassInUse)
	})
}

// TestSignOutEndsTheSession: the token no longer finds a session.
func TestSignOutEndsTheSession(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		iss, err := f.svc.Complete(t.Context(), signin.Attempt{Device: "pc"}, proof(1), t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SignOut(t.Context(), iss.Token, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionPerson(t.Context(), iss.Session.IDHash, t0.Add(time.Minute)); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("session after sign-out: %v, want ended", err)
		}
	})
}

// TestAPassStaysBoundInRedisUnderAReplayedClock: with the service's clock replaying
// 2021 (--now, the demo), the shared store must still hold the binding for the pass's
// remaining time, not expire it at once for an instant long past.
func TestAPassStaysBoundInRedisUnderAReplayedClock(t *testing.T) {
	s := sqlitetest.OpenStore(t)
	sealer, err := identity.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	rdb, prefix := redistest.Client(t)
	svc := signin.New(s, sealer, inmem.NewGuard(), redis.NewPasses(rdb, prefix))
	a := signin.Attempt{Device: "broker", Pass: "1:7", PassExpires: t0.Add(10 * time.Minute)}
	if _, err := svc.Complete(t.Context(), a, proof(1), t0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.Check(signin.WithPass(t.Context(), a.Pass), "person-2", "other", t0.Add(time.Minute)), vaxbook.CodePassInUse)
	if err := svc.Booked(t.Context(), a.Pass, a.PassExpires, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(t.Context(), prefix+"pass:"+a.Pass).Result()
	if err != nil || ttl <= 0 || ttl > 8*time.Minute {
		t.Errorf("the ended pass's key lives %v (%v), want the 8 minutes left on it", ttl, err)
	}
}
