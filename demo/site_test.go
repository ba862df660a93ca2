package demo

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"vaxbook/regions"

	"vaxbook"
)

func TestSites(t *testing.T) {
	full := Sites(DefaultSites, 1)
	tests := []struct {
		name string
		n    int
	}{
		{"small", 200},
		{"default", DefaultSites},
	}
	for _, tt := range tests {
		sites := Sites(tt.n, 1)
		t.Run(tt.name+"/IDs are 1…n in order", func(t *testing.T) {
			if len(sites) != tt.n {
				t.Fatalf("got %d sites, want %d", len(sites), tt.n)
			}
			for i, s := range sites {
				if s.ID != int64(i+1) {
					t.Fatalf("site %d has ID %d", i, s.ID)
				}
			}
		})
		t.Run(tt.name+"/all 17 provinces covered", func(t *testing.T) {
			seen := map[string]bool{}
			for _, s := range sites {
				seen[s.Province] = true
			}
			for _, p := range regions.Provinces() {
				if !seen[p] {
					t.Errorf("no site in %s", p)
				}
			}
			if len(seen) != 17 {
				t.Errorf("sites in %d provinces, want 17", len(seen))
			}
		})
		t.Run(tt.name+"/fields are filled and consistent", func(t *testing.T) {
			for _, s := range sites {
				if s.Name == "" || s.District == "" || (s.Kind != KindClinic && s.Kind != KindCentre) ||
					!strings.HasPrefix(s.Address, s.Province+" ") || !strings.Contains(s.Address, s.District) {
					t.Fatalf("bad site %+v", s)
				}
				if s.Kind == KindCentre && s.Name != s.District+" 예방접종센터" {
					t.Fatalf("centre named %q", s.Name)
				}
			}
		})
	}
	t.Run("default/every district has a centre and sites follow population", func(t *testing.T) {
		centres, districts, perProvince := 0, map[string]bool{}, map[string]int{}
		for _, s := range full {
			districts[s.Province+" "+s.District] = true
			perProvince[s.Province]++
			if s.Kind == KindCentre {
				centres++
			}
		}
		if centres != len(districts) || centres < 240 {
			t.Errorf("%d centres for %d districts", centres, len(districts))
		}
		for name, want := range map[string]float64{"서울특별시": 0.185, "경기도": 0.262, "세종특별자치시": 0.007} {
			if got := float64(perProvince[name]) / float64(len(full)); got < want*0.9 || got > want*1.1 {
				t.Errorf("%s has %.3f of sites, want about %.3f", name, got, want)
			}
		}
	})
	t.Run("same seed gives the same sites", func(t *testing.T) {
		if !reflect.DeepEqual(full, Sites(DefaultSites, 1)) {
			t.Error("Sites(…, 1) differs between calls")
		}
	})
	t.Run("another seed gives other names", func(t *testing.T) {
		other := Sites(DefaultSites, 2)
		same := 0
		for i := range full {
			if full[i].Province != other[i].Province || full[i].District != other[i].District {
				t.Fatalf("site %d moved: %+v vs %+v", i+1, full[i], other[i])
			}
			if full[i].Name == other[i].Name && full[i].Address == other[i].Address {
				same++
			}
		}
		if same > len(full)/20 {
			t.Errorf("%d of %d sites identical across seeds", same, len(full))
		}
	})
}

func TestCapacities(t *testing.T) {
	c := Campaign2021()
	sites := Sites(DefaultSites, 1)
	caps := Capacities(sites, c, 1)
	kind := map[int64]vaxbook.Site{}
	for _, s := range sites {
		kind[s.ID] = s
	}
	t.Run("dates inside the vaccination range, clinics Mon–Sat, quantities in range", func(t *testing.T) {
		for _, cp := range caps {
			s := kind[cp.SiteID]
			wd := cp.Date.At(12, 0).Weekday()
			if cp.Date.Before(c.VaccinationFrom) || cp.Date.After(c.VaccinationTo) {
				t.Fatalf("capacity outside the range: %+v", cp)
			}
			if s.Kind == KindClinic && wd == time.Sunday {
				t.Fatalf("clinic vaccinates on Sunday: %+v", cp)
			}
			lo, hi := 4, 120
			if s.Kind == KindCentre {
				lo, hi = 240, 960
			}
			if cp.Quantity < lo || cp.Quantity > hi {
				t.Fatalf("%s %q quantity %d outside %d…%d", s.Kind, s.Name, cp.Quantity, lo, hi)
			}
		}
	})
	t.Run("one capacity per site and date, centres every day", func(t *testing.T) {
		days := c.VaccinationFrom.DaysUntil(c.VaccinationTo) + 1
		perSite := map[int64]int{}
		seen := map[vaxbook.Capacity]bool{}
		for _, cp := range caps {
			key := vaxbook.Capacity{SiteID: cp.SiteID, Date: cp.Date}
			if seen[key] {
				t.Fatalf("duplicate %+v", key)
			}
			seen[key] = true
			perSite[cp.SiteID]++
		}
		for _, s := range sites {
			want := days - 5 // five Sundays from 08-26 to 10-02
			if s.Kind == KindCentre {
				want = days
			}
			if perSite[s.ID] != want {
				t.Fatalf("site %d (%s) has %d days, want %d", s.ID, s.Kind, perSite[s.ID], want)
			}
		}
	})
	t.Run("total places in the order of the 2021 round", func(t *testing.T) {
		total := Places(caps)
		t.Logf("%d sites, %d capacities, %d places", len(sites), len(caps), total)
		if total < 10_000_000 || total > 16_210_000 {
			t.Errorf("total places %d, want 10–16.21 million", total)
		}
	})
	t.Run("same seed same capacities, other seed other", func(t *testing.T) {
		if !reflect.DeepEqual(caps, Capacities(sites, c, 1)) {
			t.Error("Capacities differs between calls")
		}
		if reflect.DeepEqual(caps, Capacities(sites, c, 2)) {
			t.Error("Capacities ignores the seed")
		}
	})
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		weights []int
		want    []int
	}{
		{"proportional", 10, []int{1, 1, 3}, []int{2, 2, 6}},
		{"everyone gets one when n allows", 4, []int{1, 1, 100}, []int{1, 1, 2}},
		{"largest remainder, ties to the lower index", 2, []int{1, 1, 1}, []int{1, 1, 0}},
		{"nothing to share", 0, []int{1, 2}, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apportion(tt.n, tt.weights); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("apportion(%d, %v) = %v, want %v", tt.n, tt.weights, got, tt.want)
			}
		})
	}
}
