package stats_test

import (
	"testing"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/stats"
	"vaxbook/storetest/engines"
)

func TestReportCountsTheStoredPopulation(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		c := demo.Campaign2021()
		if err := s.CreateCampaign(t.Context(), &c); err != nil {
			t.Fatal(err)
		}
		rows := []vaxbook.Eligible{{BirthYear: 1985, Group: 5, Province: "서울특별시", Count: 40}, {BirthYear: 1992, Group: 2, Province: "부산광역시", Count: 10}}
		if err := s.PutEligible(t.Context(), c.ID, rows); err != nil {
			t.Fatal(err)
		}
		svc := stats.New(s)
		r, err := svc.Report(t.Context(), c.ID)
		if err != nil {
			t.Fatalf("Report: %v", err)
		}
		if r.CampaignID != c.ID || len(r.Rates) == 0 || r.Rates[0].Dimension != "campaign" || r.Rates[0].Eligible != 50 {
			t.Errorf("report %+v, want the campaign's 50 eligible first", r)
		}
		if _, err := svc.Report(t.Context(), c.ID+1000); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("Report of a missing campaign: %v, want not_found", err)
		}
	})
}

func TestAReportWithNothingCountedHasEmptyListsNotNull(t *testing.T) {
	r := stats.Compute(1, 2021, vaxbook.BookingCounts{})
	if r.Rates == nil || r.Hourly == nil {
		t.Errorf("report %+v: rates and hourly must be empty lists, which JSON writes as []", r)
	}
}
