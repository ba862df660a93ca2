package vaxbook_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/demo"
)

// at is an instant on a day of August 2021 at hh:00 in Seoul.
func at(day, hh int) time.Time { return vaxbook.NewDate(2021, 8, day).At(hh, 0) }

// fields returns "field reason" for each problem err names, or nil for no error.
func fields(t *testing.T, err error, code vaxbook.Code) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var fe *vaxbook.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %v, want *vaxbook.FieldErrors", err, err)
	}
	if got := vaxbook.ErrorCode(err); got != code {
		t.Errorf("code %q, want %q", got, code)
	}
	var out []string
	for _, f := range fe.Fields {
		out = append(out, f.Field+" "+f.Reason)
	}
	return out
}

func TestCampaignValidateNamesEveryFieldAtFault(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *vaxbook.Campaign)
		want []string
	}{
		{"the 2021 campaign is valid", func(c *vaxbook.Campaign) {}, nil},
		{"no name", func(c *vaxbook.Campaign) { c.Name = "" }, []string{"name required"}},
		{"cohort out of order", func(c *vaxbook.Campaign) { c.CohortFrom, c.CohortTo = c.CohortTo, c.CohortFrom },
			[]string{"cohort_to order"}},
		{"cohort born after vaccination starts", func(c *vaxbook.Campaign) { c.CohortTo = c.VaccinationFrom },
			[]string{"cohort_to after_vaccination"}},
		{"missing vaccination dates", func(c *vaxbook.Campaign) { c.VaccinationFrom, c.VaccinationTo = vaxbook.Date{}, vaxbook.Date{} },
			[]string{"vaccination_from required", "vaccination_to required"}},
		{"over a year of vaccination", func(c *vaxbook.Campaign) { c.VaccinationTo = c.VaccinationFrom.AddDays(366) },
			[]string{"vaccination_to range"}},
		{"negative interval", func(c *vaxbook.Campaign) { c.SecondDoseDays = -1 }, []string{"second_dose_days range"}},
		{"all-zero weights", func(c *vaxbook.Campaign) { c.Weights = [vaxbook.Groups]int{} }, []string{"weights range"}},
		{"a negative weight", func(c *vaxbook.Campaign) { c.Weights[3] = -1 }, []string{"weights range"}},
		{"group 10", func(c *vaxbook.Campaign) { c.Windows[0].Group = 10 }, []string{"windows[0].group group"}},
		{"a window closing as it opens", func(c *vaxbook.Campaign) { c.Windows[1].Closes = c.Windows[1].Opens },
			[]string{"windows[1].closes order"}},
		{"a window without instants", func(c *vaxbook.Campaign) { c.Windows[2] = vaxbook.Window{Group: 2} },
			[]string{"windows[2].opens required", "windows[2].closes required"}},
		{"the open period closing on the last vaccination date", func(c *vaxbook.Campaign) {
			c.Windows[10].Closes = c.VaccinationTo.At(0, 1)
		}, []string{"windows[10].closes after_vaccination"}},
		{"closing at 00:00 of the last vaccination date is fine", func(c *vaxbook.Campaign) {
			c.Windows[10].Closes = c.VaccinationTo.At(0, 0)
		}, nil},
		{"a second window of group 9 overlapping its first", func(c *vaxbook.Campaign) {
			c.Windows = append(c.Windows, vaxbook.Window{Group: 9, Opens: at(10, 17), Closes: at(10, 19)})
		}, []string{"windows[11].opens overlap"}},
		{"a window of another group at the same time is fine", func(c *vaxbook.Campaign) {
			c.Windows = append(c.Windows, vaxbook.Window{Group: 3, Opens: at(9, 20), Closes: at(10, 18)})
		}, nil},
		{"a window for everyone overlaps every group's", func(c *vaxbook.Campaign) {
			c.Windows = append(c.Windows, vaxbook.Window{Group: vaxbook.AllGroups, Opens: at(18, 12), Closes: at(18, 21)})
		}, []string{"windows[11].opens overlap"}},
		{"windows that touch do not overlap", func(c *vaxbook.Campaign) {
			c.Windows = append(c.Windows, vaxbook.Window{Group: 9, Opens: at(10, 18), Closes: at(10, 19)})
		}, nil},
		{"several problems at once", func(c *vaxbook.Campaign) {
			c.Name, c.SecondDoseDays, c.Windows[0].Group = "", 400, -7
		}, []string{"name required", "second_dose_days range", "windows[0].group group"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := demo.Campaign2021()
			tt.edit(&c)
			if got := fields(t, c.Validate(), vaxbook.CodeInvalidInput); !slices.Equal(got, tt.want) {
				t.Errorf("Validate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLostCoverageIsWhatNoNewWindowCovers(t *testing.T) {
	g2 := vaxbook.Window{Group: 2, Opens: at(12, 20), Closes: at(13, 18)}
	all := vaxbook.Window{Group: vaxbook.AllGroups, Opens: at(19, 20), Closes: at(30, 18)}
	tests := []struct {
		name     string
		old, new []vaxbook.Window
		want     []vaxbook.Span
	}{
		{"nothing changes", []vaxbook.Window{g2, all}, []vaxbook.Window{all, g2}, nil},
		{"a later opening loses the start",
			[]vaxbook.Window{g2}, []vaxbook.Window{{Group: 2, Opens: at(12, 21), Closes: at(13, 18)}},
			[]vaxbook.Span{{Group: 2, From: at(12, 20), To: at(12, 21)}}},
		{"a longer window loses nothing",
			[]vaxbook.Window{g2}, []vaxbook.Window{{Group: 2, Opens: at(12, 19), Closes: at(13, 19)}}, nil},
		{"a window split in two loses the gap",
			[]vaxbook.Window{g2}, []vaxbook.Window{{Group: 2, Opens: at(12, 20), Closes: at(13, 1)}, {Group: 2, Opens: at(13, 2), Closes: at(13, 18)}},
			[]vaxbook.Span{{Group: 2, From: at(13, 1), To: at(13, 2)}}},
		{"a group's window moved to another group",
			[]vaxbook.Window{g2}, []vaxbook.Window{{Group: 3, Opens: g2.Opens, Closes: g2.Closes}},
			[]vaxbook.Span{{Group: 2, From: g2.Opens, To: g2.Closes}}},
		{"a group's window covered by a new window for everyone",
			[]vaxbook.Window{g2}, []vaxbook.Window{{Group: vaxbook.AllGroups, Opens: at(12, 0), Closes: at(14, 0)}}, nil},
		{"the open period shortened: every group loses its end", []vaxbook.Window{all},
			[]vaxbook.Window{{Group: vaxbook.AllGroups, Opens: all.Opens, Closes: at(29, 18)}},
			func() []vaxbook.Span {
				var s []vaxbook.Span
				for g := range vaxbook.Groups {
					s = append(s, vaxbook.Span{Group: g, From: at(29, 18), To: at(30, 18)})
				}
				return s
			}()},
		{"the open period replaced by group 2 alone",
			[]vaxbook.Window{all}, []vaxbook.Window{{Group: 2, Opens: all.Opens, Closes: all.Closes}},
			func() []vaxbook.Span {
				var s []vaxbook.Span
				for g := range vaxbook.Groups {
					if g != 2 {
						s = append(s, vaxbook.Span{Group: g, From: all.Opens, To: all.Closes})
					}
				}
				return s
			}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vaxbook.LostCoverage(tt.old, tt.new)
			if !slices.EqualFunc(got, tt.want, func(a, b vaxbook.Span) bool {
				return a.Group == b.Group && a.From.Equal(b.From) && a.To.Equal(b.To)
			}) {
				t.Errorf("LostCoverage =\n %v\nwant\n %v", got, tt.want)
			}
		})
	}
}

func TestCheckCampaignEditRefusesWhatStrandsReservations(t *testing.T) {
	old := demo.Campaign2021()
	held := vaxbook.Holdings{
		Reservations: 3, FirstDate: vaxbook.MustDate("2021-09-01"), LastDate: vaxbook.MustDate("2021-09-20"),
		FirstBirth: vaxbook.MustDate("1980-01-01"), LastBirth: vaxbook.MustDate("1999-12-31"), Shares: true,
	}
	tests := []struct {
		name string
		edit func(c *vaxbook.Campaign)
		h    vaxbook.Holdings
		code vaxbook.Code
		want []string
	}{
		{"no change", func(c *vaxbook.Campaign) {}, held, "", nil},
		{"a new name", func(c *vaxbook.Campaign) { c.Name = "renamed" }, held, "", nil},
		{"an invalid edit is invalid first", func(c *vaxbook.Campaign) { c.Name, c.SecondDoseDays = "", 28 }, held,
			vaxbook.CodeInvalidInput, []string{"name required"}},
		{"dates that leave out booked days", func(c *vaxbook.Campaign) {
			c.VaccinationFrom, c.VaccinationTo = vaxbook.MustDate("2021-09-02"), vaxbook.MustDate("2021-09-19")
			c.Windows[10].Closes = vaxbook.MustDate("2021-09-18").At(18, 0)
		}, held, vaxbook.CodeStrandsReservations, []string{"vaccination_from strands_reservations", "vaccination_to strands_reservations"}},
		{"a cohort that leaves out booked persons", func(c *vaxbook.Campaign) {
			c.CohortFrom, c.CohortTo = vaxbook.MustDate("1980-01-02"), vaxbook.MustDate("1999-12-30")
		}, held, vaxbook.CodeStrandsReservations, []string{"cohort_from strands_reservations", "cohort_to strands_reservations"}},
		{"another interval", func(c *vaxbook.Campaign) { c.SecondDoseDays = 28 }, held,
			vaxbook.CodeStrandsReservations, []string{"second_dose_days strands_reservations"}},
		{"another interval with nothing booked", func(c *vaxbook.Campaign) { c.SecondDoseDays = 28 }, vaxbook.Holdings{}, "", nil},
		{"bookings in lost time", func(c *vaxbook.Campaign) {}, vaxbook.Holdings{Stranded: 2, FirstStranded: at(12, 20)},
			vaxbook.CodeStrandsReservations, []string{"windows strands_reservations"}},
		{"weights after capacities", func(c *vaxbook.Campaign) { c.Weights[0] = 2 }, held,
			vaxbook.CodeConflict, []string{"weights shares_split"}},
		{"weights before capacities", func(c *vaxbook.Campaign) { c.Weights[0] = 2 }, vaxbook.Holdings{}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := demo.Campaign2021()
			c.Windows = slices.Clone(c.Windows)
			tt.edit(&c)
			err := vaxbook.CheckCampaignEdit(old, c, tt.h)
			if got := fields(t, err, tt.code); !slices.Equal(got, tt.want) {
				t.Errorf("CheckCampaignEdit = %q, want %q", got, tt.want)
			}
		})
	}
}
