package demo

import (
	"testing"

	"vaxbook"
)

func TestExample(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		wantBirth string
	}{
		{"full population has the source's 1981-07-12", FullPopulation, "1981-07-12"},
		{"small population falls back to group 2", 300, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustPopulation(t, tt.n, 1).Example()
			t.Logf("example: %+v", r)
			if r.Foreign || vaxbook.GroupOf(r.Birth) != 2 {
				t.Errorf("example %+v is not a citizen of group 2", r)
			}
			if tt.wantBirth != "" && r.Birth.String() != tt.wantBirth {
				t.Errorf("example born %s, want %s", r.Birth, tt.wantBirth)
			}
		})
	}
	t.Run("empty population gives the zero subscriber", func(t *testing.T) {
		if r := mustPopulation(t, 0, 1).Example(); r.CI != "" {
			t.Errorf("got %+v", r)
		}
	})
}

func TestFindInGroup(t *testing.T) {
	p := mustPopulation(t, 10_000, 1)
	for g := range vaxbook.Groups {
		t.Run("walks group "+string(rune('0'+g)), func(t *testing.T) {
			found, from := 0, 0
			for {
				i, r := p.FindInGroup(g, from)
				if i < 0 {
					break
				}
				if i < from || vaxbook.GroupOf(r.Birth) != g || r != p.Resident(i) {
					t.Fatalf("FindInGroup(%d, %d) = %d, %+v", g, from, i, r)
				}
				found++
				from = i + 1
			}
			if found < 800 || found > 1300 {
				t.Errorf("group %d has %d of 10,000", g, found)
			}
		})
	}
	t.Run("none past the end", func(t *testing.T) {
		if i, _ := p.FindInGroup(0, p.Len()); i != -1 {
			t.Errorf("got %d", i)
		}
	})
}

func TestCounts(t *testing.T) {
	p := mustPopulation(t, 50_000, 1)
	var want [vaxbook.Groups]int
	for i := range p.Len() {
		want[vaxbook.GroupOf(p.Resident(i).Birth)]++
	}
	t.Run("counts match the residents", func(t *testing.T) {
		if got := p.Counts(); got != want {
			t.Errorf("Counts() = %v, want %v", got, want)
		}
	})
	t.Run("full population is counted exactly and quickly", func(t *testing.T) {
		if testing.Short() {
			t.Skip("16 million residents")
		}
		full := mustPopulation(t, FullPopulation, 1).Counts()
		sum := 0
		for _, n := range full {
			sum += n
		}
		t.Logf("groups: %v", full)
		if sum != FullPopulation {
			t.Errorf("counts add up to %d", sum)
		}
	})
}
