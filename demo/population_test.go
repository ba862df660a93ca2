package demo

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"unicode/utf8"

	"vaxbook"
)

// mustPopulation returns a population of n residents of the 2021 campaign.
func mustPopulation(tb testing.TB, n int, seed int64) Population {
	tb.Helper()
	return NewPopulation(n, seed, Campaign2021())
}

// sampleIndexes returns indexes spread over 0…n-1, including both ends.
func sampleIndexes(n, count int) []int {
	idx := []int{0, 1, 2, n - 3, n - 2, n - 1}
	s := newStream(99, 99, 0)
	for range count {
		idx = append(idx, s.intn(n))
	}
	return idx
}

func TestPopulationPhone(t *testing.T) {
	ctx := context.Background()
	p := mustPopulation(t, FullPopulation, 1)
	t.Run("LookupPhone finds the resident of every phone", func(t *testing.T) {
		for _, i := range sampleIndexes(p.Len(), 20_000) {
			r := p.Resident(i)
			got, ok, err := p.LookupPhone(ctx, r.Phone)
			if err != nil || !ok || got != r {
				t.Fatalf("LookupPhone(%s) of resident %d = %+v, %v, %v; want %+v", r.Phone, i, got, ok, err, r)
			}
		}
	})
	t.Run("phones are distinct, 11 digits starting 010", func(t *testing.T) {
		seen := map[string]int{}
		for i := range 200_000 {
			ph := p.Resident(i).Phone
			if len(ph) != 11 || ph[:3] != "010" {
				t.Fatalf("resident %d phone %q", i, ph)
			}
			if j, dup := seen[ph]; dup {
				t.Fatalf("residents %d and %d share %s", j, i, ph)
			}
			seen[ph] = i
		}
	})
	t.Run("unknown numbers have no subscriber", func(t *testing.T) {
		// About 84 % of numbers are free; every free one must say so.
		small := mustPopulation(t, 1000, 1)
		free := 0
		for n := range 5000 {
			ph := fmt.Sprintf("010%08d", n*19_997)
			_, ok, err := small.LookupPhone(ctx, ph)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				free++
			}
		}
		if free < 4990 {
			t.Errorf("%d of 5000 numbers free in a population of 1000", free)
		}
	})
	for _, ph := range []string{"", "010", "0101234567", "010123456789", "01112345678",
		"010-1234-5678", "+821012345678", "010１２３４５６７８", "0101234567a", " 01012345678"} {
		t.Run(fmt.Sprintf("malformed %q is refused", ph), func(t *testing.T) {
			if _, ok, err := p.LookupPhone(ctx, ph); ok || err != nil {
				t.Errorf("LookupPhone(%q) = %v, %v", ph, ok, err)
			}
		})
	}
	t.Run("cancelled context is reported", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := p.LookupPhone(cctx, p.Resident(0).Phone); err == nil {
			t.Error("no error for a cancelled context")
		}
	})
}

func TestPopulationResident(t *testing.T) {
	c := Campaign2021()
	p := mustPopulation(t, FullPopulation, 1)
	t.Run("CI is 88 characters and distinct", func(t *testing.T) {
		seen := map[string]int{}
		for _, i := range sampleIndexes(p.Len(), 20_000) {
			ci := p.Resident(i).CI
			if len(ci) != 88 {
				t.Fatalf("resident %d CI %q has length %d", i, ci, len(ci))
			}
			if j, dup := seen[ci]; dup && j != i {
				t.Fatalf("residents %d and %d share CI %s", j, i, ci)
			}
			seen[ci] = i
		}
	})
	t.Run("birth inside the cohort, digit 7 matches century and nationality", func(t *testing.T) {
		foreign := 0
		for i := range 100_000 {
			r := p.Resident(i)
			if !c.InCohort(r.Birth) {
				t.Fatalf("resident %d born %s", i, r.Birth)
			}
			want := map[[2]bool][2]int{
				{false, false}: {1, 2}, {false, true}: {3, 4}, {true, false}: {5, 6}, {true, true}: {7, 8},
			}[[2]bool{r.Foreign, r.Birth.Year >= 2000}]
			if r.Digit7 != want[0] && r.Digit7 != want[1] {
				t.Fatalf("resident %d born %s foreign=%v has digit 7 = %d", i, r.Birth, r.Foreign, r.Digit7)
			}
			if r.Foreign {
				foreign++
			}
			if _, ok := CarrierByCode(r.Carrier); !ok || !utf8.ValidString(r.Name) || r.Name == "" {
				t.Fatalf("resident %d: %+v", i, r)
			}
		}
		if foreign < 2500 || foreign > 3500 {
			t.Errorf("%d foreigners in 100,000, want about 3,000", foreign)
		}
	})
	t.Run("groups within half a point of the calendar's share", func(t *testing.T) {
		const n = 100_000
		var got, days [vaxbook.Groups]int
		for i := range n {
			got[vaxbook.GroupOf(p.Resident(i).Birth)]++
		}
		for d := c.CohortFrom; !d.After(c.CohortTo); d = d.AddDays(1) {
			days[vaxbook.GroupOf(d)]++
		}
		total := c.CohortFrom.DaysUntil(c.CohortTo) + 1
		for g := range vaxbook.Groups {
			want := float64(days[g]) / float64(total)
			if share := float64(got[g]) / n; share < want-0.005 || share > want+0.005 {
				t.Errorf("group %d has %.4f of residents, want %.4f", g, share, want)
			}
		}
	})
	t.Run("carrier shares near 45/30/20/5", func(t *testing.T) {
		count := map[string]int{}
		for i := range 100_000 {
			count[p.Resident(i).Carrier]++
		}
		for _, cr := range Carriers() {
			if got := float64(count[cr.Code]) / 1000; got < float64(cr.Share)-1 || got > float64(cr.Share)+1 {
				t.Errorf("%s has %.1f %%, want %d %%", cr.Code, got, cr.Share)
			}
		}
	})
	t.Run("same seed same resident, whatever the size", func(t *testing.T) {
		small := mustPopulation(t, 1000, 1)
		for _, i := range []int{0, 1, 999} {
			if p.Resident(i) != small.Resident(i) || p.Resident(i) != mustPopulation(t, FullPopulation, 1).Resident(i) {
				t.Errorf("resident %d differs", i)
			}
		}
	})
	t.Run("another seed gives other residents", func(t *testing.T) {
		other := mustPopulation(t, FullPopulation, 2)
		for i := range 100 {
			a, b := p.Resident(i), other.Resident(i)
			if a.CI == b.CI || a.Phone == b.Phone {
				t.Fatalf("resident %d shares CI or phone across seeds: %+v %+v", i, a, b)
			}
		}
	})
	t.Run("out-of-range index panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		p.Resident(p.Len())
	})
}

func BenchmarkResident(b *testing.B) {
	p := mustPopulation(b, FullPopulation, 1)
	b.Run("Resident", func(b *testing.B) {
		i := 0
		for b.Loop() {
			_ = p.Resident(i)
			i = (i + 7919) % FullPopulation
		}
	})
	b.Run("LookupPhone", func(b *testing.B) {
		ctx := context.Background()
		phones := make([]string, 1024)
		for k := range phones {
			phones[k] = p.Resident(k * 15_000).Phone
		}
		k := 0
		for b.Loop() {
			if _, ok, _ := p.LookupPhone(ctx, phones[k%len(phones)]); !ok {
				b.Fatal("not found")
			}
			k++
		}
	})
}

func TestPopulationConcurrent(t *testing.T) {
	t.Run("residents from many goroutines equal those from one", func(t *testing.T) {
		p := mustPopulation(t, 10_000, 1)
		want := make([]string, 2000)
		for i := range want {
			want[i] = p.Resident(i).CI
		}
		var wg sync.WaitGroup
		errs := make(chan int, 8)
		for range 8 {
			wg.Go(func() {
				for i := range want {
					if p.Resident(i).CI != want[i] {
						errs <- i
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for i := range errs {
			t.Errorf("resident %d differs when built concurrently", i)
		}
	})
}
