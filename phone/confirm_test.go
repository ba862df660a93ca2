package phone_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/phone"
)

// wrong returns a well-formed code other than code.
func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestConfirmWrongCodeCountsDownThenEndsChallenge(t *testing.T) {
	f := mustFixture(t, phone.Config{})
	code := f.mustStart(t, "pc", claimOf(kim), t0)
	for left := 4; left >= 1; left-- {
		_, _, err := f.m.Confirm(t.Context(), "pc", wrong(code), t0)
		wantCode(t, err, vaxbook.CodeCodeMismatch)
		if msg := vaxbook.ErrorMessage(err); !strings.Contains(msg, fmt.Sprintf("%d attempt", left)) {
			t.Errorf("message %q does not say %d attempts left", msg, left)
		}
	}
	_, _, err := f.m.Confirm(t.Context(), "pc", wrong(code), t0)
	wantCode(t, err, vaxbook.CodeTooManyAttempts)
	_, _, err = f.m.Confirm(t.Context(), "pc", code, t0)
	wantCode(t, err, vaxbook.CodeCodeExpired) // the challenge was deleted
}

func TestConfirmAttemptLimitIsConfigurable(t *testing.T) {
	f := mustFixture(t, phone.Config{MaxAttempts: 2})
	code := f.mustStart(t, "pc", claimOf(kim), t0)
	_, _, err := f.m.Confirm(t.Context(), "pc", wrong(code), t0)
	wantCode(t, err, vaxbook.CodeCodeMismatch)
	_, _, err = f.m.Confirm(t.Context(), "pc", wrong(code), t0)
	wantCode(t, err, vaxbook.CodeTooManyAttempts)
}

func TestConfirmMalformedCodeIsNotAnAttempt(t *testing.T) {
	f := mustFixture(t, phone.Config{MaxAttempts: 1})
	code := f.mustStart(t, "pc", claimOf(kim), t0)
	for _, bad := range []string{"", "12345", "1234567", "12345a", "１２３４５６"} {
		_, _, err := f.m.Confirm(t.Context(), "pc", bad, t0)
		wantCode(t, err, vaxbook.CodeInvalidInput)
	}
	if _, _, err := f.m.Confirm(t.Context(), "pc", " "+code+" ", t0); err != nil {
		t.Fatalf("right code after malformed ones: %v", err)
	}
}

func TestConfirmExpiresAfterTTL(t *testing.T) {
	for _, tt := range []struct {
		name  string
		ttl   time.Duration
		after time.Duration
		want  vaxbook.Code
	}{
		{"just before 3m", 0, 3*time.Minute - time.Nanosecond, ""},
		{"at 3m", 0, 3 * time.Minute, vaxbook.CodeCodeExpired},
		{"configured 30s, after 31s", 30 * time.Second, 31 * time.Second, vaxbook.CodeCodeExpired},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := mustFixture(t, phone.Config{CodeTTL: tt.ttl})
			code := f.mustStart(t, "pc", claimOf(kim), t0)
			_, _, err := f.m.Confirm(t.Context(), "pc", code, t0.Add(tt.after))
			wantCode(t, err, tt.want)
		})
	}
}

func TestConfirmWithoutChallengeIsExpired(t *testing.T) {
	f := mustFixture(t, phone.Config{})
	_, _, err := f.m.Confirm(t.Context(), "pc", "123456", t0)
	wantCode(t, err, vaxbook.CodeCodeExpired)
	f.mustStart(t, "pc", claimOf(kim), t0)
	_, _, err = f.m.Confirm(t.Context(), "phone", "123456", t0) // another device's challenge
	wantCode(t, err, vaxbook.CodeCodeExpired)
}

func TestStartAgainReplacesChallenge(t *testing.T) {
	f := mustFixture(t, phone.Config{})
	first := f.mustStart(t, "pc", claimOf(kim), t0)
	if _, _, err := f.m.Confirm(t.Context(), "pc", wrong(first), t0); err == nil {
		t.Fatal("wrong code accepted")
	}
	second := f.mustStart(t, "pc", claimOf(kim), t0.Add(time.Minute))
	if ch, ok, _ := f.m.Pending(t.Context(), "pc", t0.Add(time.Minute)); !ok || ch.Attempts != 5 {
		t.Errorf("replaced challenge = %+v, %v; want 5 fresh attempts", ch, ok)
	}
	if first != second { // equal one time in a million
		_, _, err := f.m.Confirm(t.Context(), "pc", first, t0.Add(time.Minute))
		wantCode(t, err, vaxbook.CodeCodeMismatch)
	}
	if _, _, err := f.m.Confirm(t.Context(), "pc", second, t0.Add(time.Minute)); err != nil {
		t.Fatalf("second code: %v", err)
	}
}

func TestStartLimitedPerDeviceAndPerPhone(t *testing.T) {
	t.Run("device", func(t *testing.T) {
		f := mustFixture(t, phone.Config{})
		for i := range 5 {
			f.mustStart(t, "pc", claimOf(kim), t0.Add(time.Duration(i)*time.Minute))
		}
		_, err := f.m.Start(t.Context(), "pc", claimOf(smith), t0.Add(5*time.Minute))
		wantCode(t, err, vaxbook.CodeRateLimited)
		if got := retryAt(err); !got.Equal(t0.Add(10 * time.Minute)) {
			t.Errorf("RetryAt = %v, want first start + 10m", got)
		}
		if n := len(f.sink.Messages()); n != 5 {
			t.Errorf("%d SMS sent, want 5", n)
		}
		f.mustStart(t, "pc", claimOf(kim), t0.Add(10*time.Minute))
	})
	t.Run("phone across devices", func(t *testing.T) {
		f := mustFixture(t, phone.Config{MaxStarts: 2, StartWindow: time.Minute})
		f.mustStart(t, "a", claimOf(kim), t0)
		f.mustStart(t, "b", claimOf(kim), t0)
		_, err := f.m.Start(t.Context(), "c", claimOf(kim), t0)
		wantCode(t, err, vaxbook.CodeRateLimited)
		f.mustStart(t, "c", claimOf(smith), t0) // another phone is not limited
	})
	t.Run("wrong details from strangers do not lock the number", func(t *testing.T) {
		// Six starts under a wrong name for kim's number, each from another device,
		// are refused by the carrier and counted against nothing of kim's: she still
		// gets her code.
		f := mustFixture(t, phone.Config{})
		bad := claimOf(kim)
		bad.Name = "김서준"
		for i := range 6 {
			_, err := f.m.Start(t.Context(), fmt.Sprintf("stranger-%d", i), bad, t0)
			wantCode(t, err, vaxbook.CodeVerifyFailed)
		}
		f.mustStart(t, "kim-phone", claimOf(kim), t0)
	})
	t.Run("refused claims count against the device", func(t *testing.T) {
		f := mustFixture(t, phone.Config{MaxStarts: 2})
		bad := claimOf(kim)
		bad.Name = "김서준"
		for range 2 {
			_, err := f.m.Start(t.Context(), "pc", bad, t0)
			wantCode(t, err, vaxbook.CodeVerifyFailed)
		}
		_, err := f.m.Start(t.Context(), "pc", claimOf(kim), t0)
		wantCode(t, err, vaxbook.CodeRateLimited)
	})
}

// TestGuardRefusalsBeforeSMS: a person the Guard would refuse costs no text message.
// Completing the verification is the sign-in service's (package signin); here the Guard
// records it directly, as that service does.
func TestGuardRefusalsBeforeSMS(t *testing.T) {
	key := identity.PersonKey(secret, kim.CI)
	f := mustFixture(t, phone.Config{})
	code := f.mustStart(t, "pc", claimOf(kim), t0)
	if _, _, err := f.m.Confirm(t.Context(), "pc", code, t0); err != nil {
		t.Fatal(err)
	}
	if err := f.guard.Complete(t.Context(), key, "pc", t0); err != nil {
		t.Fatal(err)
	}
	_, err := f.m.Start(t.Context(), "phone", claimOf(kim), t0.Add(time.Minute))
	wantCode(t, err, vaxbook.CodeDeviceLocked)
	if !retryAt(err).Equal(t0.Add(vaxbook.VerifyWindow)) {
		t.Errorf("RetryAt = %v", retryAt(err))
	}
	_, err = f.m.Start(t.Context(), "pc", claimOf(kim), t0.Add(time.Minute))
	wantCode(t, err, vaxbook.CodeVerifyTooSoon)
	if n := len(f.sink.Messages()); n != 1 {
		t.Errorf("%d SMS sent, want only the first", n)
	}
	f.mustStart(t, "phone", claimOf(kim), t0.Add(vaxbook.VerifyWindow))
}

// TestParallelGuessesShareTheAttemptLimit checks that a script firing many guesses at
// once on one device gets no more than MaxAttempts judged.
func TestParallelGuessesShareTheAttemptLimit(t *testing.T) {
	f := mustFixture(t, phone.Config{})
	code := f.mustStart(t, "pc", claimOf(kim), t0)
	var (
		mu     sync.Mutex
		counts = map[vaxbook.Code]int{}
		wg     sync.WaitGroup
	)
	for range 50 {
		wg.Go(func() {
			_, _, err := f.m.Confirm(t.Context(), "pc", wrong(code), t0)
			mu.Lock()
			counts[vaxbook.ErrorCode(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if counts[vaxbook.CodeCodeMismatch] != 4 || counts[vaxbook.CodeTooManyAttempts] < 1 ||
		counts[vaxbook.CodeCodeMismatch]+counts[vaxbook.CodeTooManyAttempts]+counts[vaxbook.CodeCodeExpired] != 50 {
		t.Errorf("outcomes = %v; want 4 mismatches, the rest too many attempts or expired", counts)
	}
}
