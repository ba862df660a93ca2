package vaxbook

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error code. Codes are part of the public API: they
// appear as the "code" member of problem+json responses and must never be renamed.
type Code string

// The error codes of the API. Each maps to one HTTP status in the api package.
const (
	CodeInvalidInput     Code = "invalid_input"      // malformed or out-of-range input
	CodeUnauthorized     Code = "unauthorized"       // no verified session
	CodeForbidden        Code = "forbidden"          // authenticated but not allowed
	CodeNotFound         Code = "not_found"          // no such campaign, site or reservation
	CodeNotEligible      Code = "not_eligible"       // outside the campaign's cohort
	CodeWindowClosed     Code = "window_closed"      // no booking window open for the person now
	CodeShareFull        Code = "share_full"         // no place left in the person's share (or the pool)
	CodeAlreadyBooked    Code = "already_booked"     // the person holds an active reservation
	CodeNoReservation    Code = "no_reservation"     // the person holds no active reservation
	CodeChangeLocked     Code = "change_locked"      // within 14 days of the appointment
	CodeCancelLocked     Code = "cancel_locked"      // within 2 days of the appointment
	CodeNotBookable      Code = "not_bookable"       // the site does not vaccinate on that date
	CodeStandbyClosed    Code = "standby_closed"     // no same-day standby list there: not today, or the site does not vaccinate
	CodeOnStandby        Code = "on_standby"         // the person already holds an open standby entry today
	CodeNoOffer          Code = "no_offer"           // the standby entry holds no leftover dose to accept or decline
	CodeOfferExpired     Code = "offer_expired"      // the leftover dose offer ran out and went to the next in line
	CodeVerifyTooSoon    Code = "verify_too_soon"    // a verification within the last 10 minutes
	CodeDeviceLocked     Code = "device_locked"      // another device verified first
	CodeVerifyFailed     Code = "verify_failed"      // the provider did not confirm the identity
	CodeCodeMismatch     Code = "code_mismatch"      // wrong one-time code
	CodeCodeExpired      Code = "code_expired"       // one-time code expired or never issued
	CodeTooManyAttempts  Code = "too_many_attempts"  // one-time code attempts used up
	CodeConflict         Code = "conflict"           // the state changed under the request; retry
	CodeRateLimited      Code = "rate_limited"       // too many requests from this client
	CodePassRequired     Code = "pass_required"      // the waiting room has not admitted this device
	CodePassInUse        Code = "pass_in_use"        // the pass was used by another person, or for a booking
	CodeMethodNotAllowed Code = "method_not_allowed" // the route exists but not for this method
	CodeUnavailable      Code = "unavailable"        // a dependency is down; retry later
	CodeInternal         Code = "internal"           // a bug or an unexpected failure
)

// CodeStrandsReservations refuses an operator's edit of a campaign that would leave
// reservations already made outside it: a first dose outside the new vaccination dates,
// a person outside the new cohort, a second dose at another interval, or a booking made
// in booking time the edit takes away.
const CodeStrandsReservations Code = "strands_reservations"

// Error is the one error type of the domain. Message is safe to show to a user; it never
// carries internal detail. RetryAt, when set, is the instant the request may be retried
// (sent as Retry-After).
type Error struct {
	Code    Code
	Message string
	RetryAt time.Time
}

// Error implements the error interface.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with the code and a formatted user-facing message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// RetryError returns an *Error that may be retried at the given instant.
func RetryError(code Code, at time.Time, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.RetryAt = at
	return e
}

// ErrorCode returns the code of the *Error in err's chain, CodeInternal for any other
// non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err: the *Error's message, or a plain
// sentence for internal errors so that internal text never reaches a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred. Please try again later."
}
