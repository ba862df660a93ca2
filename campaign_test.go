package vaxbook_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"vaxbook"
)

// mustCampaign2021 returns the 2021 campaign for ages 18–49 as the source describes it:
// rotation windows from 2021-08-09 to 2021-08-18, then the open period from 2021-08-19
// 20:00 to 2021-09-18 18:00 for every group.
func mustCampaign2021(tb testing.TB) vaxbook.Campaign {
	tb.Helper()
	ws := vaxbook.RotationWindows(mustDate(tb, "2021-08-09"), mustDate(tb, "2021-08-18"))
	ws = append(ws, vaxbook.Window{
		Group:  vaxbook.AllGroups,
		Opens:  mustTime(tb, "2021-08-19T20:00:00+09:00"),
		Closes: mustTime(tb, "2021-09-18T18:00:00+09:00"),
	})
	return vaxbook.Campaign{
		ID:              1,
		Name:            "2021 ages 18-49",
		CohortFrom:      mustDate(tb, "1972-01-01"),
		CohortTo:        mustDate(tb, "2003-12-31"),
		VaccinationFrom: mustDate(tb, "2021-08-26"),
		VaccinationTo:   mustDate(tb, "2021-10-02"),
		SecondDoseDays:  42,
		Windows:         ws,
		Weights:         vaxbook.EqualWeights(),
	}
}

// asError returns the *vaxbook.Error in err's chain and fails the test if there is none.
func asError(tb testing.TB, err error) *vaxbook.Error {
	tb.Helper()
	var e *vaxbook.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v (%T) is not a *vaxbook.Error", err, err)
	}
	return e
}

func TestGroupOfIsLastDigitOfBirthDay(t *testing.T) {
	tests := []struct {
		name  string
		birth string
		want  int
	}{
		{"source example 1981-07-12", "1981-07-12", 2},
		{"born on the 1st", "1990-05-01", 1},
		{"born on the 9th", "1990-05-09", 9},
		{"born on the 10th", "1990-05-10", 0},
		{"born on the 11th", "1990-05-11", 1},
		{"born on the 20th", "1990-05-20", 0},
		{"born on the 21st", "1990-05-21", 1},
		{"born on the 30th", "1990-05-30", 0},
		{"born on the 31st", "1990-05-31", 1},
		{"born on 29 February 1972", "1972-02-29", 9},
		{"born on 29 February 2000", "2000-02-29", 9},
		{"born on the 28th", "1999-02-28", 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vaxbook.GroupOf(mustDate(t, tt.birth)); got != tt.want {
				t.Errorf("GroupOf(%s) = %d, want %d", tt.birth, got, tt.want)
			}
		})
	}
}

func TestInCohortBordersAreInclusive(t *testing.T) {
	c := mustCampaign2021(t)
	tests := []struct {
		birth string
		want  bool
	}{
		{"1971-12-31", false},
		{"1972-01-01", true},
		{"1981-07-12", true},
		{"2003-12-31", true},
		{"2004-01-01", false},
		{"1950-06-15", false},
		{"2010-06-15", false},
	}
	for _, tt := range tests {
		name := "born " + tt.birth + " is out"
		if tt.want {
			name = "born " + tt.birth + " is in"
		}
		t.Run(name, func(t *testing.T) {
			if got := c.InCohort(mustDate(t, tt.birth)); got != tt.want {
				t.Errorf("InCohort(%s) = %v, want %v", tt.birth, got, tt.want)
			}
		})
	}
}

func TestRotationWindowsOpenAt20AndCloseAt18NextDay(t *testing.T) {
	ws := vaxbook.RotationWindows(mustDate(t, "2021-08-09"), mustDate(t, "2021-08-18"))
	if len(ws) != 10 {
		t.Fatalf("got %d windows from 08-09 to 08-18, want 10", len(ws))
	}
	seen := map[int]bool{}
	for i, w := range ws {
		d := mustDate(t, "2021-08-09").AddDays(i)
		t.Run("booking day "+d.String(), func(t *testing.T) {
			if w.Group != d.Day%10 {
				t.Errorf("group = %d, want last digit of day %d", w.Group, d.Day)
			}
			if want := time.Date(d.Year, d.Month, d.Day, 20, 0, 0, 0, vaxbook.Seoul); !w.Opens.Equal(want) {
				t.Errorf("opens %v, want %v", w.Opens, want)
			}
			next := d.AddDays(1)
			if want := time.Date(next.Year, next.Month, next.Day, 18, 0, 0, 0, vaxbook.Seoul); !w.Closes.Equal(want) {
				t.Errorf("closes %v, want %v", w.Closes, want)
			}
			if w.Pooled() {
				t.Error("a rotation window is pooled")
			}
		})
		seen[w.Group] = true
	}
	if len(seen) != vaxbook.Groups {
		t.Errorf("the rotation covers groups %v, want all ten", seen)
	}
	t.Run("source example: group 2 books 2021-08-12 20:00 to 2021-08-13 18:00", func(t *testing.T) {
		w := ws[3]
		if w.Group != 2 || !w.Opens.Equal(mustTime(t, "2021-08-12T20:00:00+09:00")) || !w.Closes.Equal(mustTime(t, "2021-08-13T18:00:00+09:00")) {
			t.Errorf("window for 08-12 = %+v", w)
		}
	})
	t.Run("across a month end", func(t *testing.T) {
		ws := vaxbook.RotationWindows(mustDate(t, "2021-08-31"), mustDate(t, "2021-09-01"))
		if len(ws) != 2 || ws[0].Group != 1 || ws[1].Group != 1 {
			t.Fatalf("windows = %+v, want two for group 1", ws)
		}
		if !ws[0].Closes.Equal(mustTime(t, "2021-09-01T18:00:00+09:00")) {
			t.Errorf("08-31 window closes %v, want 2021-09-01 18:00 KST", ws[0].Closes)
		}
	})
	t.Run("no windows when last is before first", func(t *testing.T) {
		if ws := vaxbook.RotationWindows(mustDate(t, "2021-08-18"), mustDate(t, "2021-08-09")); len(ws) != 0 {
			t.Errorf("got %d windows, want none", len(ws))
		}
	})
}

// TestAllWindowsGathersEveryCampaignsWindows: the waiting room opens for any campaign's
// window, so it is given all of them, each campaign's in its own order.
func TestAllWindowsGathersEveryCampaignsWindows(t *testing.T) {
	first := mustCampaign2021(t)
	second := first
	second.ID = 2
	second.Windows = vaxbook.RotationWindows(mustDate(t, "2021-09-20"), mustDate(t, "2021-09-21"))
	for _, tc := range []struct {
		name string
		cs   []vaxbook.Campaign
		want []vaxbook.Window
	}{
		{"no campaign", nil, nil},
		{"a campaign without windows", []vaxbook.Campaign{{ID: 3}}, nil},
		{"one campaign", []vaxbook.Campaign{first}, first.Windows},
		{"two campaigns", []vaxbook.Campaign{first, second}, append(slices.Clone(first.Windows), second.Windows...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := vaxbook.AllWindows(tc.cs); !slices.Equal(got, tc.want) {
				t.Errorf("AllWindows = %d windows %v, want %d %v", len(got), got, len(tc.want), tc.want)
			}
		})
	}
}

func TestWindowContainsIsHalfOpen(t *testing.T) {
	w := vaxbook.Window{
		Group:  2,
		Opens:  mustTime(t, "2021-08-12T20:00:00+09:00"),
		Closes: mustTime(t, "2021-08-13T18:00:00+09:00"),
	}
	tests := []struct {
		name string
		at   string
		want bool
	}{
		{"one second before opening", "2021-08-12T19:59:59+09:00", false},
		{"at opening", "2021-08-12T20:00:00+09:00", true},
		{"opening given in UTC", "2021-08-12T11:00:00Z", true},
		{"one second before closing", "2021-08-13T17:59:59+09:00", true},
		{"at closing", "2021-08-13T18:00:00+09:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.Contains(mustTime(t, tt.at)); got != tt.want {
				t.Errorf("Contains(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
	t.Run("a nanosecond before closing", func(t *testing.T) {
		if !w.Contains(w.Closes.Add(-time.Nanosecond)) {
			t.Error("Contains(Closes - 1ns) = false")
		}
	})
}

func TestWindowPooledOnlyForAllGroups(t *testing.T) {
	for g := vaxbook.AllGroups; g < vaxbook.Groups; g++ {
		want := g == vaxbook.AllGroups
		if got := (vaxbook.Window{Group: g}).Pooled(); got != want {
			t.Errorf("Window{Group: %d}.Pooled() = %v, want %v", g, got, want)
		}
	}
}

func TestCheckBookable(t *testing.T) {
	c := mustCampaign2021(t)
	const (
		ok     = vaxbook.Code("")
		closed = vaxbook.CodeWindowClosed
		out    = vaxbook.CodeNotEligible
		pooled = vaxbook.AllGroups
	)
	tests := []struct {
		name  string
		birth string
		at    string
		code  vaxbook.Code
		group int    // the window's group when code is ok
		retry string // RetryAt when code is window_closed; "" for none
	}{
		// The source's example and the edges of its window.
		{"source example: group 2 opens at 2021-08-12 20:00:00", "1981-07-12", "2021-08-12T20:00:00+09:00", ok, 2, ""},
		{"group 2 is refused at 19:59:59 on its opening day and told 20:00", "1981-07-12", "2021-08-12T19:59:59+09:00", closed, 0, "2021-08-12T20:00:00+09:00"},
		{"group 2 still books at 17:59:59 on the next day", "1981-07-12", "2021-08-13T17:59:59+09:00", ok, 2, ""},
		{"group 2 is refused at 18:00:00 on the next day and told the open period", "1981-07-12", "2021-08-13T18:00:00+09:00", closed, 0, "2021-08-19T20:00:00+09:00"},
		{"instants in UTC are read in Seoul", "1981-07-12", "2021-08-12T11:00:00Z", ok, 2, ""},
		{"group 2 before its day is told its own opening", "1981-07-12", "2021-08-09T20:00:00+09:00", closed, 0, "2021-08-12T20:00:00+09:00"},
		{"group 2 during group 3's window is told the open period", "1981-07-12", "2021-08-13T20:00:00+09:00", closed, 0, "2021-08-19T20:00:00+09:00"},
		{"before the whole campaign group 9 is told 08-09 20:00", "1990-01-09", "2021-08-01T12:00:00+09:00", closed, 0, "2021-08-09T20:00:00+09:00"},

		// Groups from the edges of the month.
		{"born on the 10th books with group 0 on 08-10", "1990-06-10", "2021-08-10T20:00:00+09:00", ok, 0, ""},
		{"born on the 20th books with group 0 until 08-11 17:59:59", "1990-06-20", "2021-08-11T17:59:59+09:00", ok, 0, ""},
		{"born on the 30th cannot book on 08-09", "1990-06-30", "2021-08-09T20:00:00+09:00", closed, 0, "2021-08-10T20:00:00+09:00"},
		{"born on the 31st books with group 1 on 08-11", "1985-03-31", "2021-08-11T20:00:00+09:00", ok, 1, ""},
		{"born on the 31st cannot book with group 0 on 08-10", "1985-03-31", "2021-08-10T20:00:00+09:00", closed, 0, "2021-08-11T20:00:00+09:00"},
		{"born 1972-02-29 books with group 9 on 08-09", "1972-02-29", "2021-08-09T20:00:00+09:00", ok, 9, ""},
		{"born 2000-02-29 is closed after group 9's day", "2000-02-29", "2021-08-10T18:00:00+09:00", closed, 0, "2021-08-19T20:00:00+09:00"},

		// The last rotation day runs into the open period's opening day.
		{"group 8 still books from its share at 08-19 17:59:59", "1990-01-18", "2021-08-19T17:59:59+09:00", ok, 8, ""},
		{"group 8 waits from 08-19 18:00 to 20:00", "1990-01-18", "2021-08-19T18:00:00+09:00", closed, 0, "2021-08-19T20:00:00+09:00"},

		// The open period.
		{"open period: group 2 at 08-19 19:59:59 is told 20:00", "1981-07-12", "2021-08-19T19:59:59+09:00", closed, 0, "2021-08-19T20:00:00+09:00"},
		{"open period: group 2 books from the pool at 08-19 20:00", "1981-07-12", "2021-08-19T20:00:00+09:00", ok, pooled, ""},
		{"open period: group 9 books from the pool at 08-19 20:00", "1972-02-29", "2021-08-19T20:00:00+09:00", ok, pooled, ""},
		{"open period: group 0 books from the pool in September", "1990-06-30", "2021-09-01T09:00:00+09:00", ok, pooled, ""},
		{"open period: last second 09-18 17:59:59", "1990-06-30", "2021-09-18T17:59:59+09:00", ok, pooled, ""},
		{"closed for good at 09-18 18:00:00, with no retry time", "1990-06-30", "2021-09-18T18:00:00+09:00", closed, 0, ""},
		{"closed for good in December", "1981-07-12", "2021-12-01T20:00:00+09:00", closed, 0, ""},

		// The cohort.
		{"born 1971-12-31 is not eligible even in the open period", "1971-12-31", "2021-08-19T20:00:00+09:00", out, 0, ""},
		{"born 1971-12-31 is not eligible on group 1's day", "1971-12-31", "2021-08-11T20:00:00+09:00", out, 0, ""},
		{"born 1972-01-01 is eligible on group 1's day", "1972-01-01", "2021-08-11T20:00:00+09:00", ok, 1, ""},
		{"born 2003-12-31 is eligible on group 1's day", "2003-12-31", "2021-08-11T20:00:00+09:00", ok, 1, ""},
		{"born 2004-01-01 is not eligible on group 1's day", "2004-01-01", "2021-08-11T20:00:00+09:00", out, 0, ""},
		{"not eligible is reported before window closed", "2004-01-01", "2021-08-01T00:00:00+09:00", out, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := c.CheckBookable(mustDate(t, tt.birth), mustTime(t, tt.at))
			if code := vaxbook.ErrorCode(err); code != tt.code {
				t.Fatalf("CheckBookable(%s, %s) code = %q (%v), want %q", tt.birth, tt.at, code, err, tt.code)
			}
			if tt.code == ok {
				if w.Group != tt.group {
					t.Errorf("window group = %d, want %d", w.Group, tt.group)
				}
				if w.Pooled() != (tt.group == pooled) {
					t.Errorf("window pooled = %v, want %v", w.Pooled(), tt.group == pooled)
				}
				if !w.Contains(mustTime(t, tt.at)) {
					t.Errorf("returned window %+v does not contain %s", w, tt.at)
				}
				return
			}
			if w != (vaxbook.Window{}) {
				t.Errorf("refusal returned window %+v, want the zero Window", w)
			}
			e := asError(t, err)
			switch {
			case tt.retry == "" && !e.RetryAt.IsZero():
				t.Errorf("RetryAt = %v, want none", e.RetryAt)
			case tt.retry != "" && !e.RetryAt.Equal(mustTime(t, tt.retry)):
				t.Errorf("RetryAt = %v, want %s", e.RetryAt, tt.retry)
			}
			if e.Message == "" {
				t.Error("refusal has no message for the user")
			}
		})
	}
}

func TestCheckBookableEveryGroupOnItsRotationDay(t *testing.T) {
	c := mustCampaign2021(t)
	openPeriod := mustTime(t, "2021-08-19T20:00:00+09:00")
	for day := 9; day <= 18; day++ {
		g := day % 10
		birth := vaxbook.NewDate(1990, time.March, 10+g) // the 10th … 19th: group g
		opens := time.Date(2021, time.August, day, 20, 0, 0, 0, vaxbook.Seoul)
		closes := time.Date(2021, time.August, day+1, 18, 0, 0, 0, vaxbook.Seoul)
		t.Run("group "+string(rune('0'+g)), func(t *testing.T) {
			steps := []struct {
				at    time.Time
				open  bool
				retry time.Time
			}{
				{opens.Add(-time.Second), false, opens},
				{opens, true, time.Time{}},
				{closes.Add(-time.Second), true, time.Time{}},
				{closes, false, openPeriod},
			}
			for _, s := range steps {
				w, err := c.CheckBookable(birth, s.at)
				if s.open {
					if err != nil || w.Group != g {
						t.Errorf("at %v: window %+v, err %v; want group %d open", s.at, w, err, g)
					}
					continue
				}
				if e := asError(t, err); e.Code != vaxbook.CodeWindowClosed || !e.RetryAt.Equal(s.retry) {
					t.Errorf("at %v: %v with RetryAt %v, want window_closed until %v", s.at, e, e.RetryAt, s.retry)
				}
			}
		})
	}
}

func TestWindowsOfOpenWindowNextWindow(t *testing.T) {
	c := mustCampaign2021(t)
	t.Run("a group has its rotation window and the open period", func(t *testing.T) {
		ws := c.WindowsOf(2)
		if len(ws) != 2 || ws[0].Group != 2 || !ws[1].Pooled() {
			t.Errorf("WindowsOf(2) = %+v", ws)
		}
	})
	t.Run("OpenWindow is false between windows", func(t *testing.T) {
		if w, ok := c.OpenWindow(2, mustTime(t, "2021-08-15T12:00:00+09:00")); ok {
			t.Errorf("OpenWindow(2, 08-15) = %+v, want none", w)
		}
	})
	t.Run("NextWindow returns the window open now", func(t *testing.T) {
		w, ok := c.NextWindow(2, mustTime(t, "2021-08-13T12:00:00+09:00"))
		if !ok || w.Group != 2 {
			t.Errorf("NextWindow(2, 08-13 12:00) = %+v, %v; want group 2's window", w, ok)
		}
	})
	t.Run("NextWindow is false after the last window", func(t *testing.T) {
		if w, ok := c.NextWindow(2, mustTime(t, "2021-09-18T18:00:00+09:00")); ok {
			t.Errorf("NextWindow(2, 09-18 18:00) = %+v, want none", w)
		}
	})
}

// The store may hand back windows in any order (by id, by group); the rules must not
// depend on it. WindowsOf promises opening order and BookingOrder the order of the
// first rotation windows.
func TestWindowRulesDoNotDependOnTheStoredOrder(t *testing.T) {
	c := mustCampaign2021(t)
	shuffled := slices.Clone(c.Windows)
	slices.Reverse(shuffled) // the open period first, then 08-18, 08-17, …
	c.Windows = shuffled

	t.Run("WindowsOf is in opening order", func(t *testing.T) {
		ws := c.WindowsOf(2)
		if len(ws) != 2 || ws[0].Group != 2 || !ws[1].Pooled() {
			t.Errorf("WindowsOf(2) = %+v, want group 2's window then the open period", ws)
		}
	})
	t.Run("CheckBookable before a group's day retries at the group's day", func(t *testing.T) {
		_, err := c.CheckBookable(mustDate(t, "1981-07-12"), mustTime(t, "2021-08-09T12:00:00+09:00"))
		if e := asError(t, err); !e.RetryAt.Equal(mustTime(t, "2021-08-12T20:00:00+09:00")) {
			t.Errorf("RetryAt = %v, want 2021-08-12 20:00 KST", e.RetryAt)
		}
	})
	t.Run("BookingOrder is still 9, 0, 1, …, 8", func(t *testing.T) {
		want := [vaxbook.Groups]int{9, 0, 1, 2, 3, 4, 5, 6, 7, 8}
		if got := c.BookingOrder(); got != want {
			t.Errorf("BookingOrder() = %v, want %v", got, want)
		}
	})
}

func TestBookingOrder(t *testing.T) {
	tests := []struct {
		name    string
		windows []vaxbook.Window
		want    [vaxbook.Groups]int
	}{
		{
			"2021 campaign: rotation began on 08-09",
			mustCampaign2021(t).Windows,
			[vaxbook.Groups]int{9, 0, 1, 2, 3, 4, 5, 6, 7, 8},
		},
		{
			"no windows: group order",
			nil,
			[vaxbook.Groups]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		},
		{
			"only an open period: group order",
			[]vaxbook.Window{{Group: vaxbook.AllGroups, Opens: mustTime(t, "2021-08-19T20:00:00+09:00"), Closes: mustTime(t, "2021-09-18T18:00:00+09:00")}},
			[vaxbook.Groups]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		},
		{
			"a partial rotation: its groups first, then the rest in group order",
			vaxbook.RotationWindows(mustDate(t, "2021-08-13"), mustDate(t, "2021-08-15")),
			[vaxbook.Groups]int{3, 4, 5, 0, 1, 2, 6, 7, 8, 9},
		},
		{
			"a whole month: the first window of each group counts",
			vaxbook.RotationWindows(mustDate(t, "2021-08-01"), mustDate(t, "2021-08-31")),
			[vaxbook.Groups]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := vaxbook.Campaign{Windows: tt.windows}
			if got := c.BookingOrder(); got != tt.want {
				t.Errorf("BookingOrder() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEqualWeightsAreAllOne(t *testing.T) {
	for g, w := range vaxbook.EqualWeights() {
		if w != 1 {
			t.Errorf("EqualWeights()[%d] = %d, want 1", g, w)
		}
	}
}
