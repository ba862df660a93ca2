package vaxbook_test

import (
	"testing"
	"time"

	"vaxbook"
)

// mustTime parses an RFC 3339 instant such as "2021-08-12T20:00:00+09:00".
func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatalf("parse time %q: %v", s, err)
	}
	return t
}

// mustDate parses a YYYY-MM-DD date.
func mustDate(tb testing.TB, s string) vaxbook.Date {
	tb.Helper()
	d, err := vaxbook.ParseDate(s)
	if err != nil {
		tb.Fatalf("parse date %q: %v", s, err)
	}
	return d
}

func TestParseDateAcceptsCalendarDates(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want vaxbook.Date
	}{
		{"source example birth date", "1981-07-12", vaxbook.Date{Year: 1981, Month: time.July, Day: 12}},
		{"first day of cohort", "1972-01-01", vaxbook.Date{Year: 1972, Month: time.January, Day: 1}},
		{"last day of cohort", "2003-12-31", vaxbook.Date{Year: 2003, Month: time.December, Day: 31}},
		{"leap day of a leap year", "2020-02-29", vaxbook.Date{Year: 2020, Month: time.February, Day: 29}},
		{"leap day of a century leap year", "2000-02-29", vaxbook.Date{Year: 2000, Month: time.February, Day: 29}},
		{"first year allowed", "1900-01-01", vaxbook.Date{Year: 1900, Month: time.January, Day: 1}},
		{"last year allowed", "2199-12-31", vaxbook.Date{Year: 2199, Month: time.December, Day: 31}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vaxbook.ParseDate(tt.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q, want the input back", tt.in, got.String())
			}
		})
	}
}

func TestParseDateRejectsMalformedInputWithInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"29 February of a common year", "2021-02-29"},
		{"29 February of a century common year", "1900-02-29"},
		{"month 13", "2021-13-01"},
		{"month 00", "2021-00-10"},
		{"day 00", "2021-08-00"},
		{"day 32", "2021-08-32"},
		{"31 April", "2021-04-31"},
		{"two-digit year", "21-08-12"},
		{"empty", ""},
		{"one-digit day", "2021-08-1"},
		{"one-digit month", "2021-8-12"},
		{"one-digit month padded to length 10", "2021-8-123"},
		{"leading space", " 2021-08-12"},
		{"trailing space", "2021-08-12 "},
		{"trailing newline", "2021-08-12\n"},
		{"one-digit day with trailing space", "2021-08-1 "},
		{"full-width digits", "２０２１-０８-１２"},
		{"full-width year only", "２０２１-08-12"},
		{"slashes", "2021/08/12"},
		{"compact form", "20210812"},
		{"date-time", "2021-08-12T20:00:00+09:00"},
		{"signed year", "+021-08-12"},
		{"negative year", "-021-08-12"},
		{"year 1899", "1899-12-31"},
		{"year 2200", "2200-01-01"},
		{"year 0000", "0000-01-01"},
		{"letters", "yyyy-mm-dd"},
		{"NUL bytes", "2021-08-1\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := vaxbook.ParseDate(tt.in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, d)
			}
			if code := vaxbook.ErrorCode(err); code != vaxbook.CodeInvalidInput {
				t.Errorf("ParseDate(%q) code = %q, want %q", tt.in, code, vaxbook.CodeInvalidInput)
			}
			if !d.IsZero() {
				t.Errorf("ParseDate(%q) returned %+v with its error, want the zero Date", tt.in, d)
			}
		})
	}
}

func TestMustDatePanicsOnInvalidDate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDate(\"2021-02-29\") did not panic")
		}
	}()
	vaxbook.MustDate("2021-02-29")
}

func TestDateStringPadsAndRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		d    vaxbook.Date
		want string
	}{
		{"single-digit month and day are zero-padded", vaxbook.Date{Year: 2021, Month: time.August, Day: 9}, "2021-08-09"},
		{"two-digit month and day", vaxbook.Date{Year: 2003, Month: time.December, Day: 31}, "2003-12-31"},
		{"leap day", vaxbook.Date{Year: 1972, Month: time.February, Day: 29}, "1972-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if back := mustDate(t, tt.want); back != tt.d {
				t.Errorf("ParseDate(String()) = %+v, want %+v", back, tt.d)
			}
		})
	}
	t.Run("every day from 1970 to 2030 survives String then ParseDate", func(t *testing.T) {
		for d := mustDate(t, "1970-01-01"); d.Year < 2031; d = d.AddDays(1) {
			back, err := vaxbook.ParseDate(d.String())
			if err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %+v, %v; want %+v", d.String(), back, err, d)
			}
		}
	})
}

func TestNewDateNormalisesOverflowingDays(t *testing.T) {
	tests := []struct {
		name    string
		y, m, d int
		want    string
	}{
		{"in range", 2021, 8, 12, "2021-08-12"},
		{"29 February of a common year is 1 March", 2021, 2, 29, "2021-03-01"},
		{"day 0 is the last day of the month before", 2021, 8, 0, "2021-07-31"},
		{"day 32 of December is 1 January", 2021, 12, 32, "2022-01-01"},
		{"month 13 is January of the next year", 2021, 13, 1, "2022-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vaxbook.NewDate(tt.y, time.Month(tt.m), tt.d)
			if got.String() != tt.want {
				t.Errorf("NewDate(%d, %d, %d) = %s, want %s", tt.y, tt.m, tt.d, got, tt.want)
			}
		})
	}
}

func TestDateIsZero(t *testing.T) {
	if !(vaxbook.Date{}).IsZero() {
		t.Error("the zero Date is not IsZero")
	}
	if mustDate(t, "2021-08-12").IsZero() {
		t.Error("2021-08-12 is IsZero")
	}
}

func TestDateAddDaysCrossesMonthAndYearEnds(t *testing.T) {
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"zero days", "2021-08-12", 0, "2021-08-12"},
		{"next day", "2021-08-12", 1, "2021-08-13"},
		{"across the end of August", "2021-08-31", 1, "2021-09-01"},
		{"across the end of the year", "2021-12-31", 1, "2022-01-01"},
		{"back across the start of the year", "2022-01-01", -1, "2021-12-31"},
		{"back across the start of a month", "2021-09-01", -1, "2021-08-31"},
		{"into 29 February of a leap year", "2020-02-28", 1, "2020-02-29"},
		{"over 29 February of a common year", "2021-02-28", 1, "2021-03-01"},
		{"second dose interval", "2021-08-26", 42, "2021-10-07"},
		{"second dose interval from the last vaccination day", "2021-10-02", 42, "2021-11-13"},
		{"fixing 14 days before", "2021-09-10", -14, "2021-08-27"},
		{"a leap year has 366 days", "2020-01-01", 366, "2021-01-01"},
		{"ten thousand days", "1972-01-01", 10000, "1999-05-19"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustDate(t, tt.from).AddDays(tt.n)
			if got.String() != tt.want {
				t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestDateDaysUntil(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"same day", "2021-08-12", "2021-08-12", 0},
		{"next day", "2021-08-12", "2021-08-13", 1},
		{"previous day is negative", "2021-08-13", "2021-08-12", -1},
		{"second dose interval", "2021-08-26", "2021-10-07", 42},
		{"second dose interval backwards", "2021-10-07", "2021-08-26", -42},
		{"across a year end", "2021-12-31", "2022-01-01", 1},
		{"leap year", "2020-01-01", "2021-01-01", 366},
		{"common year", "2021-01-01", "2022-01-01", 365},
		{"the whole cohort span", "1972-01-01", "2003-12-31", 11687},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustDate(t, tt.from).DaysUntil(mustDate(t, tt.to)); got != tt.want {
				t.Errorf("%s.DaysUntil(%s) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestDateBeforeAfter(t *testing.T) {
	tests := []struct {
		name          string
		d, e          string
		before, after bool
	}{
		{"same day is neither before nor after", "2021-08-12", "2021-08-12", false, false},
		{"earlier day", "2021-08-12", "2021-08-13", true, false},
		{"later day", "2021-08-13", "2021-08-12", false, true},
		{"earlier month with a later day number", "2021-07-31", "2021-08-01", true, false},
		{"earlier year with a later month", "2003-12-31", "2004-01-01", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, e := mustDate(t, tt.d), mustDate(t, tt.e)
			if got := d.Before(e); got != tt.before {
				t.Errorf("%s.Before(%s) = %v, want %v", d, e, got, tt.before)
			}
			if got := d.After(e); got != tt.after {
				t.Errorf("%s.After(%s) = %v, want %v", d, e, got, tt.after)
			}
		})
	}
}

func TestDateOfReadsTheDayInSeoul(t *testing.T) {
	tests := []struct {
		name string
		at   string
		want string
	}{
		{"20:00 KST given in UTC", "2021-08-12T11:00:00Z", "2021-08-12"},
		{"00:30 KST of the next day given in UTC", "2021-08-12T15:30:00Z", "2021-08-13"},
		{"last second of the day in Seoul", "2021-08-12T14:59:59Z", "2021-08-12"},
		{"first second of the day in Seoul", "2021-08-12T15:00:00Z", "2021-08-13"},
		{"evening in New York is next morning in Seoul", "2021-08-12T20:00:00-04:00", "2021-08-13"},
		{"given in KST", "2021-08-12T23:59:59+09:00", "2021-08-12"},
		{"across a year end", "2021-12-31T15:00:00Z", "2022-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vaxbook.DateOf(mustTime(t, tt.at)); got.String() != tt.want {
				t.Errorf("DateOf(%s) = %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}

func TestDateAtIsWallClockTimeInSeoul(t *testing.T) {
	got := mustDate(t, "2021-08-12").At(20, 0)
	want := mustTime(t, "2021-08-12T11:00:00Z")
	if !got.Equal(want) {
		t.Errorf("2021-08-12.At(20, 0) = %v, want %v", got, want)
	}
	if _, off := got.Zone(); off != 9*60*60 {
		t.Errorf("At returned an instant with offset %d s, want +09:00", off)
	}
}

// FuzzParseDate checks that ParseDate never panics, refuses with CodeInvalidInput only,
// and that whatever it accepts is an in-range date that formats back to the input.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2021-08-12", "1981-07-12", "2020-02-29", "2021-02-29", "2021-13-01", "21-08-12",
		"", "2021-08-1", " 2021-08-12", "２０２１-08-12", "1899-12-31", "2200-01-01",
		"+021-08-12", "2021-8-123", "0000-00-00", "9999-99-99",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := vaxbook.ParseDate(s)
		if err != nil {
			if code := vaxbook.ErrorCode(err); code != vaxbook.CodeInvalidInput {
				t.Fatalf("ParseDate(%q) code = %q, want %q", s, code, vaxbook.CodeInvalidInput)
			}
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) returned %+v with its error", s, d)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q, want the input back", s, d.String())
		}
		if d.Year < 1900 || d.Year > 2199 {
			t.Fatalf("ParseDate(%q) accepted year %d", s, d.Year)
		}
		if n := vaxbook.NewDate(d.Year, d.Month, d.Day); n != d {
			t.Fatalf("ParseDate(%q) = %+v is not a normal date (NewDate gives %+v)", s, d, n)
		}
	})
}

// FuzzDateArithmetic checks that AddDays and DaysUntil are inverse and agree with
// Before and After, for any in-range date and day count.
func FuzzDateArithmetic(f *testing.F) {
	f.Add(int64(0), int32(42))
	f.Add(int64(11687), int32(-14))
	f.Add(int64(18000), int32(366))
	f.Fuzz(func(t *testing.T, offset int64, n int32) {
		base := vaxbook.NewDate(1900, time.January, 1)
		o := offset % 100000
		if o < 0 {
			o = -o
		}
		d := base.AddDays(int(o)) // 1900-01-01 … 2173
		k := int(n % 20000)
		e := d.AddDays(k)
		if got := d.DaysUntil(e); got != k {
			t.Fatalf("%s.DaysUntil(%s.AddDays(%d)) = %d", d, d, k, got)
		}
		if back := e.AddDays(-k); back != d {
			t.Fatalf("%s.AddDays(%d).AddDays(%d) = %s", d, k, -k, back)
		}
		if d.Before(e) != (k > 0) || d.After(e) != (k < 0) {
			t.Fatalf("%s vs %s (k=%d): Before=%v After=%v", d, e, k, d.Before(e), d.After(e))
		}
		if e.Year >= 1900 && e.Year <= 2199 {
			if p, err := vaxbook.ParseDate(e.String()); err != nil || p != e {
				t.Fatalf("ParseDate(%s) = %+v, %v", e, p, err)
			}
		}
	})
}
