package regions_test

import (
	"testing"

	"vaxbook/regions"
)

// The reference data: 17 provinces, 250 districts (wards of non-autonomous cities listed
// as sites lists of 2021 did), each with a population, no district named twice in a
// province, and Districts answering nil for an unknown province.
func TestProvincesAndDistricts(t *testing.T) {
	if n := len(regions.Provinces()); n != 17 {
		t.Fatalf("%d provinces, want 17", n)
	}
	total := 0
	for _, p := range regions.All() {
		seen := map[string]bool{}
		for _, d := range p.Districts {
			if seen[d.Name] {
				t.Errorf("%s lists %s twice", p.Name, d.Name)
			}
			seen[d.Name] = true
			if d.Population <= 0 {
				t.Errorf("%s %s has no population", p.Name, d.Name)
			}
		}
		if got := regions.Districts(p.Name); len(got) != len(p.Districts) {
			t.Errorf("Districts(%s) = %d names, want %d", p.Name, len(got), len(p.Districts))
		}
		total += len(p.Districts)
	}
	if total != 250 {
		t.Errorf("%d districts, want 250", total)
	}
	if regions.Districts("없는도") != nil {
		t.Error("unknown province has districts")
	}
}
