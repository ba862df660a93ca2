package vaxbook

import (
	"fmt"
	"strings"
)

// The reasons of a FieldError. They are stable, like the Codes: a form looks its
// message up by reason, in the page's language.
const (
	ReasonRequired       = "required"             // the field is empty
	ReasonTooLong        = "too_long"             // the text is longer than allowed
	ReasonFormat         = "format"               // the value cannot be read (a date, an instant)
	ReasonOrder          = "order"                // the end comes before the start
	ReasonRange          = "range"                // a number or a span out of its bounds
	ReasonGroup          = "group"                // a rotation group other than 0–9 or everyone
	ReasonOverlap        = "overlap"              // two windows open to one group at once
	ReasonAfterVacc      = "after_vaccination"    // booking or birth too late for the vaccination dates
	ReasonStrands        = "strands_reservations" // the edit would strand reservations already made
	ReasonSharesSplit    = "shares_split"         // weights changed after capacities were split by them
	ReasonTooManyWindows = "too_many_windows"     // more windows than a campaign may have
)

// FieldError is one problem with one field of an operator's input. Field is the name of
// the field as the operator's form and the API call it ("cohort_to", "windows[2].closes");
// Message is a plain English sentence safe to show.
type FieldError struct {
	Field   string
	Reason  string
	Message string
}

// FieldErrors refuses an operator's input and names every field at fault at once, so a
// form can show each problem next to its field. As an error it carries Code
// (CodeInvalidInput, CodeStrandsReservations or CodeConflict): errors.As finds the
// *Error it unwraps to, so ErrorCode and ErrorMessage work on it as on any other.
type FieldErrors struct {
	Code   Code
	Fields []FieldError
}

// add appends a problem with field.
func (e *FieldErrors) add(field, reason, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether a problem with field is listed.
func (e *FieldErrors) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// orNil returns e as an error when it lists a problem, else nil.
func (e *FieldErrors) orNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Error lists the fields and their messages.
func (e *FieldErrors) Error() string { return string(e.Code) + ": " + e.summary() }

// Unwrap returns the *Error the refusal amounts to, with a message that names how many
// fields are at fault and what is wrong with each.
func (e *FieldErrors) Unwrap() error { return &Error{Code: e.Code, Message: e.summary()} }

func (e *FieldErrors) summary() string {
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return strings.Join(parts, "; ")
}
