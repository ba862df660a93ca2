package demo

import (
	"testing"
	"time"

	"vaxbook"
)

func TestCampaign2021(t *testing.T) {
	c := Campaign2021()
	tests := []struct {
		name  string
		birth string
		at    string
		ok    bool
	}{
		{"source example books on 08-12 at 20:00", "1981-07-12", "2021-08-12T20:00:00+09:00", true},
		{"source example may not book before 20:00", "1981-07-12", "2021-08-12T19:59:00+09:00", false},
		{"source example closes at 18:00 the next day", "1981-07-12", "2021-08-13T18:00:00+09:00", false},
		{"group 9 opens first on 08-09", "1990-01-09", "2021-08-09T20:00:00+09:00", true},
		{"group 8 opens last on 08-18", "1990-01-28", "2021-08-18T20:00:00+09:00", true},
		{"open period admits any group", "2003-12-31", "2021-08-19T20:00:00+09:00", true},
		{"open period closes 09-18 18:00", "2003-12-31", "2021-09-18T18:00:00+09:00", false},
		{"born before the cohort is refused", "1971-12-31", "2021-08-19T20:00:00+09:00", false},
		{"born after the cohort is refused", "2004-01-01", "2021-08-19T20:00:00+09:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CheckBookable(vaxbook.MustDate(tt.birth), at)
			if (err == nil) != tt.ok {
				t.Errorf("CheckBookable(%s, %s) = %v, want ok=%v", tt.birth, tt.at, err, tt.ok)
			}
		})
	}
	t.Run("ten rotation windows then one open window", func(t *testing.T) {
		if len(c.Windows) != 11 || !c.Windows[10].Pooled() {
			t.Fatalf("windows = %+v", c.Windows)
		}
		if got := c.BookingOrder(); got != [vaxbook.Groups]int{9, 0, 1, 2, 3, 4, 5, 6, 7, 8} {
			t.Errorf("booking order = %v", got)
		}
	})
	t.Run("second dose after 42 days with equal weights", func(t *testing.T) {
		if c.SecondDoseDays != 42 || c.Weights != vaxbook.EqualWeights() {
			t.Errorf("second dose %d, weights %v", c.SecondDoseDays, c.Weights)
		}
	})
}
