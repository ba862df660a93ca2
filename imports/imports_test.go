package imports_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/imports"
	"vaxbook/storetest/engines"
)

func TestParseRefusesBadLinesNamingLineAndColumn(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // the errors, as printed
	}{
		{"a bad quantity names its line and column",
			"site_id,date,quantity\n1,2021-09-06,10\n2,2021-09-06,ten\n",
			[]string{`line 3: column quantity: "ten" is not a whole number`}},
		{"a bad date and a negative quantity on one line are both reported",
			"site_id,date,quantity\n1,2021-09-31,-1\n",
			[]string{`line 2: column date: "2021-09-31" is not a date YYYY-MM-DD`, "line 2: column quantity: -1 is out of range 0 to 100000"}},
		{"a repeated key names the first line",
			"site_id,date,quantity\n1,2021-09-06,10\n1,2021-09-06,20\n",
			[]string{"line 3: column date: site 1 on 2021-09-06 repeats line 2"}},
		{"a missing header column is refused",
			"site,date,quantity\n1,2021-09-06,10\n",
			[]string{"line 1: column site_id: missing from the header; it must be site_id,date,quantity"}},
		{"a line with too few fields is refused",
			"site_id,date,quantity\n1,2021-09-06\n",
			[]string{"line 2: wrong number of fields"}},
		{"text that is not UTF-8 is refused by line",
			"site_id,date,quantity\n1,2021-09-06,10\n\xb1\xe2,2021-09-06,10\n",
			[]string{"line 3: not UTF-8 text (save the file as CSV UTF-8)"}},
		{"an empty file is refused", "", []string{"line 1: the file is empty; a header line is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caps, errs := imports.Capacities(strings.NewReader(tt.file))
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors = %q, want %q (parsed %v)", got, tt.want, caps)
			}
		})
	}
}

func TestParseToleratesBOMAndColumnOrder(t *testing.T) {
	got, errs := imports.Eligible(strings.NewReader("\uFEFFprovince,birth_year,group,count\r\n서울특별시,1985,2,4\r\n"))
	want := []vaxbook.Eligible{{BirthYear: 1985, Group: 2, Province: "서울특별시", Count: 4}}
	if errs != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Eligible = %v, %v; want %v", got, errs, want)
	}
	if _, errs := imports.Eligible(strings.NewReader("birth_year,group,province,count\n1985,2,서울,4\n")); errs == nil {
		t.Error("an unknown province was accepted")
	}
}

func forEachStore(t *testing.T, body func(t *testing.T, s vaxbook.Store)) {
	engines.Each(t, body)
}

const sitesFile = `id,name,province,district,address,kind
1,강남연세내과의원,서울특별시,강남구,서울 강남구 테헤란로 1,clinic
2,마포구예방접종센터,서울특별시,마포구,서울 마포구 월드컵로 2,centre
`

func TestImportWithOneBadLineAppliesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		bad := sitesFile + "3,해운대연세의원,부산광역시,해운대구,부산 해운대구 해운대로 3,hospital\n"
		_, err := imports.Import(t.Context(), imports.KindSites, strings.NewReader(bad), imports.Target{Store: s})
		var errs imports.Errors
		if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Line != 4 || errs[0].Column != "kind" {
			t.Fatalf("Import = %v, want one error on line 4, column kind", err)
		}
		if _, err := s.Site(t.Context(), 1); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("site 1 of the refused file: %v, want not found", err)
		}
	})
}

func TestReimportingTheSameFilesChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		c := demo.Campaign2021()
		if err := s.CreateCampaign(t.Context(), &c); err != nil {
			t.Fatal(err)
		}
		target := imports.Target{Store: s, CampaignID: c.ID}
		files := []struct {
			kind imports.Kind
			body string
		}{
			{imports.KindSites, sitesFile},
			{imports.KindCapacities, "site_id,date,quantity\n1,2021-09-06,100\n2,2021-09-06,55\n"},
			{imports.KindPlans, "site_id,date,product,doses\n1,2021-09-06,Pfizer,60\n1,2021-09-06,Moderna,40\n"},
			{imports.KindEligible, "birth_year,group,province,count\n1985,2,서울특별시,4\n1995,2,부산광역시,4\n"},
		}
		snapshot := func() any {
			site, _ := s.Site(t.Context(), 1)
			shares, _ := s.Shares(t.Context(), c.ID, 2, vaxbook.MustDate("2021-09-06"))
			counts, _ := s.BookingCounts(t.Context(), c.ID)
			return []any{site, shares, counts.Eligible}
		}
		var first any
		for round := range 2 {
			for _, f := range files {
				n, err := imports.Import(t.Context(), f.kind, strings.NewReader(f.body), target)
				if err != nil || n != 2 {
					t.Fatalf("round %d: Import(%s) = %d, %v", round+1, f.kind, n, err)
				}
			}
			if round == 0 {
				first = snapshot()
			} else if got := snapshot(); !reflect.DeepEqual(got, first) {
				t.Errorf("after re-import:\n%v\nwant\n%v", got, first)
			}
		}
	})
}

func FuzzCapacities(f *testing.F) {
	f.Add("site_id,date,quantity\n1,2021-09-06,10\n")
	f.Add("\uFEFFsite_id,date,quantity\n\"1\",2021-09-06,\"1\"\"0\"\n")
	f.Fuzz(func(t *testing.T, file string) {
		caps, errs := imports.Capacities(strings.NewReader(file))
		if errs == nil && len(caps) == 0 {
			t.Error("no error and nothing parsed")
		}
		for _, e := range errs {
			if e.Line < 1 {
				t.Errorf("error without a line: %v", e)
			}
		}
	})
}
