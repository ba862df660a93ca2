package queue_test

import (
	"math"
	"testing"

	"vaxbook/queue"
)

func TestPermIsABijection(t *testing.T) {
	seen := make([]bool, 5000)
	check := func(seed [16]byte, n uint64) {
		t.Helper()
		p := queue.NewPerm(seed, n)
		clear(seen[:n])
		for i := range n {
			j := p.At(i)
			if j >= n || seen[j] {
				t.Fatalf("n=%d seed %x: At(%d) = %d, out of range or taken twice", n, seed[0], i, j)
			}
			seen[j] = true
		}
	}
	// Every n up to 1000, then a spread up to 5000 (the domain sizes change at powers
	// of four, where cycle-walking matters most).
	for n := uint64(1); n <= 1000; n++ {
		check([16]byte{byte(n)}, n)
	}
	for _, n := range []uint64{511, 512, 513, 1023, 1024, 1025, 2047, 4095, 4096, 4097, 4999, 5000} {
		check([16]byte{1, byte(n)}, n)
	}
}

func TestPermLargeDomainsStayInRange(t *testing.T) {
	for _, n := range []uint64{1_900_000, 1 << 32, 1<<40 + 3} {
		p := queue.NewPerm([16]byte{42}, n)
		seen := map[uint64]bool{}
		for i := uint64(0); i < 2000; i++ {
			x := i * (n / 2000)
			j := p.At(x)
			if j >= n || seen[j] {
				t.Fatalf("n=%d: At(%d) = %d, out of range or repeated", n, x, j)
			}
			seen[j] = true
		}
	}
}

func TestPermSeedsGiveDifferentOrders(t *testing.T) {
	a, b := queue.NewPerm([16]byte{1}, 1000), queue.NewPerm([16]byte{2}, 1000)
	same := 0
	for i := range uint64(1000) {
		if a.At(i) == b.At(i) {
			same++
		}
	}
	if same > 10 { // about one expected
		t.Errorf("%d of 1000 places agree between two seeds", same)
	}
}

// TestShuffledPlaceIsUncorrelatedWithArrival checks that arriving early before an
// opening buys nothing: Spearman's rank correlation between arrival index and shuffled
// place is near zero. Under independence its standard deviation is 1/sqrt(n-1) ≈ 0.0032
// for n = 100,000; the bound of 0.02 is more than six deviations, so a correct
// permutation never fails it, while an order-preserving one scores 1.
func TestShuffledPlaceIsUncorrelatedWithArrival(t *testing.T) {
	const n = 100_000
	for _, seed := range [][16]byte{{1}, {0xde, 0xad}, {0xff, 0xff, 0xff}} {
		p := queue.NewPerm(seed, n)
		var d2 float64
		firstTenth := 0.0
		for i := range uint64(n) {
			d := float64(i) - float64(p.At(i))
			d2 += d * d
			if i < n/10 {
				firstTenth += float64(p.At(i))
			}
		}
		rho := 1 - 6*d2/(float64(n)*(float64(n)*float64(n)-1))
		if math.Abs(rho) > 0.02 {
			t.Errorf("seed %x: Spearman rho = %.4f, want |rho| ≤ 0.02", seed[:2], rho)
		}
		// The earliest tenth lands on average mid-line, not in front.
		if mean := firstTenth / (n / 10); math.Abs(mean-n/2) > 0.02*n {
			t.Errorf("seed %x: the first tenth's mean place = %.0f, want about %d", seed[:2], mean, n/2)
		}
	}
}
