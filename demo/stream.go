package demo

// stream is a tiny deterministic random stream (SplitMix64). Demo data must be the same
// on every machine and Go release for a seed, and resident i must be computable without
// generating residents 0…i-1, so every record gets its own stream keyed by (seed, what,
// index) instead of drawing from one shared generator. SplitMix64 is a bijective mixer
// with good statistical quality; it is not cryptographic, and need not be.
type stream uint64

// golden is the SplitMix64 increment, 2^64 divided by the golden ratio.
const golden = 0x9e3779b97f4a7c15

// Stream kinds keep the per-record streams of sites, capacities and residents apart, so
// that site 5 and resident 5 do not share their random numbers.
const (
	kindSite uint64 = iota + 1
	kindCapacity
	kindResident
	kindPhone
	kindSitePhone
)

// newStream returns the stream of record index of the given kind under seed.
func newStream(seed int64, kind uint64, index uint64) stream {
	return stream(mix(uint64(seed) ^ mix(kind*golden) ^ mix(mix(index)+golden)))
}

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// next returns the next 64 random bits.
func (s *stream) next() uint64 {
	*s += golden
	return mix(uint64(*s))
}

// intn returns a number in [0, n). The modulo bias is below 2^-40 for the small n used
// here, far under anything the demo data could show.
func (s *stream) intn(n int) int { return int(s.next() % uint64(n)) }

// float returns a number in [0, 1).
func (s *stream) float() float64 { return float64(s.next()>>11) / (1 << 53) }

// pick returns an index into weights chosen with probability proportional to its
// weight, given their sum.
func (s *stream) pick(weights []int, sum int) int {
	r := s.intn(sum)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}
