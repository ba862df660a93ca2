package vaxbook_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vaxbook"
)

const internalMessage = "An internal error occurred. Please try again later."

func TestErrorCodeAndMessage(t *testing.T) {
	domain := vaxbook.Errorf(vaxbook.CodeShareFull, "no place left at %s", "Seoul clinic")
	secret := errors.New(`pq: duplicate key value violates unique constraint "reservations_person_key" password=hunter2`)
	tests := []struct {
		name string
		err  error
		code vaxbook.Code
		msg  string
	}{
		{"nil has no code", nil, "", internalMessage},
		{"a domain error gives its code and message", domain, vaxbook.CodeShareFull, "no place left at Seoul clinic"},
		{"found through one fmt.Errorf %w", fmt.Errorf("book share %d: %w", 7, domain), vaxbook.CodeShareFull, "no place left at Seoul clinic"},
		{"found through two fmt.Errorf %w", fmt.Errorf("batch: %w", fmt.Errorf("book share %d: %w", 7, domain)), vaxbook.CodeShareFull, "no place left at Seoul clinic"},
		{"found through errors.Join", errors.Join(errors.New("other"), domain), vaxbook.CodeShareFull, "no place left at Seoul clinic"},
		{"an internal error is internal and hides its text", secret, vaxbook.CodeInternal, internalMessage},
		{"a wrapped internal error hides its text", fmt.Errorf("book: %w", secret), vaxbook.CodeInternal, internalMessage},
		{"%v does not wrap: the domain code is lost, the text is hidden", fmt.Errorf("book: %v", domain), vaxbook.CodeInternal, internalMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vaxbook.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if tt.err == nil {
				return
			}
			msg := vaxbook.ErrorMessage(tt.err)
			if msg != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", msg, tt.msg)
			}
			for _, leak := range []string{"pq:", "hunter2", "constraint", "book:"} {
				if strings.Contains(msg, leak) {
					t.Errorf("ErrorMessage %q leaks %q", msg, leak)
				}
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	err := vaxbook.Errorf(vaxbook.CodeNotEligible, "born %s: not in this campaign's cohort", "2004-01-01")
	if got, want := err.Error(), "not_eligible: born 2004-01-01: not in this campaign's cohort"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !err.RetryAt.IsZero() {
		t.Errorf("Errorf set RetryAt %v", err.RetryAt)
	}
}

func TestRetryErrorCarriesRetryAt(t *testing.T) {
	at := mustTime(t, "2021-08-12T20:00:00+09:00")
	err := vaxbook.RetryError(vaxbook.CodeWindowClosed, at, "booking for your group opens at %s", at.Format("15:04"))
	wrapped := fmt.Errorf("book: %w", err)
	e := asError(t, wrapped)
	if e.Code != vaxbook.CodeWindowClosed || !e.RetryAt.Equal(at) || e.Message != "booking for your group opens at 20:00" {
		t.Errorf("RetryError = %+v", e)
	}
	if e.RetryAt.Sub(at) != 0*time.Second {
		t.Errorf("RetryAt moved: %v", e.RetryAt)
	}
}

// The codes are part of the public API (problem+json "code"); renaming one breaks
// clients, so the test pins their text.
func TestCodesAreStable(t *testing.T) {
	codes := map[vaxbook.Code]string{
		vaxbook.CodeInvalidInput:    "invalid_input",
		vaxbook.CodeUnauthorized:    "unauthorized",
		vaxbook.CodeForbidden:       "forbidden",
		vaxbook.CodeNotFound:        "not_found",
		vaxbook.CodeNotEligible:     "not_eligible",
		vaxbook.CodeWindowClosed:    "window_closed",
		vaxbook.CodeShareFull:       "share_full",
		vaxbook.CodeAlreadyBooked:   "already_booked",
		vaxbook.CodeNoReservation:   "no_reservation",
		vaxbook.CodeChangeLocked:    "change_locked",
		vaxbook.CodeCancelLocked:    "cancel_locked",
		vaxbook.CodeNotBookable:     "not_bookable",
		vaxbook.CodeVerifyTooSoon:   "verify_too_soon",
		vaxbook.CodeDeviceLocked:    "device_locked",
		vaxbook.CodeVerifyFailed:    "verify_failed",
		vaxbook.CodeCodeMismatch:    "code_mismatch",
		vaxbook.CodeCodeExpired:     "code_expired",
		vaxbook.CodeTooManyAttempts: "too_many_attempts",
		vaxbook.CodeConflict:        "conflict",
		vaxbook.CodeRateLimited:     "rate_limited",
		vaxbook.CodeUnavailable:     "unavailable",
		vaxbook.CodeInternal:        "internal",
	}
	for code, want := range codes {
		if string(code) != want {
			t.Errorf("code %q, want %q", code, want)
		}
	}
	if len(codes) != 22 {
		t.Errorf("%d distinct codes, want 22", len(codes))
	}
}
