package vaxbook

import (
	"fmt"
	"time"
)

// Seoul is the zone every rule is read in. Korea has kept UTC+9 without daylight saving
// since 1988, so a fixed zone is exact for every date the service handles and works on a
// server with no zoneinfo files installed (time.LoadLocation would fail there).
var Seoul = time.FixedZone("KST", 9*60*60)

// Date is a calendar day without a time or zone, such as a birth date or a vaccination
// date. The zero Date is invalid; compare Dates with ==, Before and After.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in Seoul.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Seoul).Date()
	return Date{y, m, d}
}

// NewDate returns the Date y-m-d, normalising overflowing days as time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, Seoul))
}

// ParseDate parses an ISO 8601 calendar date "YYYY-MM-DD". It rejects impossible dates
// such as 2021-02-29 and years outside 1900…2199 with CodeInvalidInput.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 {
		return Date{}, Errorf(CodeInvalidInput, "date %q is not of the form YYYY-MM-DD", s)
	}
	t, err := time.ParseInLocation(time.DateOnly, s, Seoul)
	if err != nil {
		return Date{}, Errorf(CodeInvalidInput, "date %q is not a valid calendar date", s)
	}
	d := DateOf(t)
	if d.Year < 1900 || d.Year > 2199 {
		return Date{}, Errorf(CodeInvalidInput, "date %q is out of range", s)
	}
	return d, nil
}

// MustDate parses s and panics if it is not a valid date. It is meant for constants in
// tests and demo data.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// At returns the instant hour:minute on d in Seoul.
func (d Date) At(hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, Seoul)
}

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Before reports whether d is an earlier day than e. Dates made by NewDate or ParseDate
// are normalised, so comparing the fields in order is comparing the days; a search
// compares thousands of dates per answer, which this keeps free of time arithmetic.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return e.Before(d) }

// DaysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.At(12, 0).Sub(d.At(12, 0)).Hours() / 24)
}
