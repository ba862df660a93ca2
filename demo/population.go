package demo

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash"

	"vaxbook"
	"vaxbook/identity"
)

// FullPopulation is the size of the 2021 18–49 cohort: 16.21 million citizens and
// registered foreigners.
const FullPopulation = 16_210_000

// phoneSpace is the number of mobile numbers 010-0000-0000 … 010-9999-9999. Residents
// take FullPopulation of them, so most numbers have no subscriber, as in life.
const phoneSpace = 100_000_000

// foreignPercent is the share of registered foreigners in the cohort, in percent.
const foreignPercent = 3

// Population is a synthetic population of N residents, numbered 0…N-1. No resident is
// stored: resident i is computed from (seed, i) each time it is asked for, in about a
// microsecond, so the full 16.21 million cost no memory and no start-up time.
//
// Phone numbers are an affine permutation of i modulo 10^8, so two residents never share
// a number and LookupPhone finds a resident by inverting it, in constant time. Resident
// i is the same in every population with the same seed and cohort whatever N, so a small
// population is a prefix of the full one.
//
// A Population is a read-only value, safe for concurrent use and cheap to copy. It
// implements identity.Directory for the development carrier.
type Population struct {
	n    int
	seed int64
	// mul, inv and off define phone(i) = (mul·i + off) mod 10^8 and its inverse;
	// mul·inv ≡ 1 (mod 10^8).
	mul, inv, off uint64
	// ciMAC is HMAC-SHA512 keyed from the seed, never written after NewPopulation:
	// each CI clones it, which skips re-hashing the key and keeps concurrent use safe.
	ciMAC hash.Cloner
	days  []vaxbook.Date // every day of the cohort, in order
}

var _ identity.Directory = Population{}

// NewPopulation returns the population of n residents generated from seed, born within
// c's cohort. It panics if n is negative or above 100,000,000 (the number of mobile
// numbers) or if the cohort is empty: both are mistakes in the calling code.
func NewPopulation(n int, seed int64, c vaxbook.Campaign) Population {
	if n < 0 || n > phoneSpace {
		panic(fmt.Sprintf("demo: population size %d outside 0…%d", n, phoneSpace))
	}
	if c.CohortFrom.IsZero() || c.CohortTo.Before(c.CohortFrom) {
		panic(fmt.Sprintf("demo: empty cohort %s…%s", c.CohortFrom, c.CohortTo))
	}
	p := Population{n: n, seed: seed}
	for d := c.CohortFrom; !d.After(c.CohortTo); d = d.AddDays(1) {
		p.days = append(p.days, d)
	}
	// A multiplier of eight digits scatters neighbouring residents over the whole
	// number space; it must be coprime to 10^8 (odd, not a multiple of 5) to permute it.
	s := newStream(seed, kindPhone, 0)
	p.mul = (10_000_000 + s.next()%90_000_000) | 1
	if p.mul%5 == 0 {
		p.mul += 2
	}
	p.inv = modInverse(p.mul, phoneSpace)
	p.off = s.next() % phoneSpace
	key := sha512.Sum512(binary.BigEndian.AppendUint64([]byte("vaxbook demo CI key "), uint64(seed)))
	mac := hmac.New(sha512.New, key[:])
	mac.Reset() // caches the keyed state, so that clones start from it
	cloner, ok := mac.(hash.Cloner)
	if !ok {
		panic("demo: HMAC-SHA512 cannot be cloned") // every supported Go release can
	}
	p.ciMAC = cloner
	return p
}

// Len returns the number of residents.
func (p Population) Len() int { return p.n }

// Resident returns resident i. It panics if i is outside 0…Len()-1, as indexing a slice
// would.
func (p Population) Resident(i int) identity.Subscriber {
	if i < 0 || i >= p.n {
		panic(fmt.Sprintf("demo: resident %d outside 0…%d", i, p.n-1))
	}
	s := newStream(p.seed, kindResident, uint64(i))
	// The first two draws are birth and nationality, so that FindInGroup and Example
	// can read them without building the whole resident.
	birth := p.days[s.intn(len(p.days))]
	foreign := s.intn(100) < foreignPercent
	female := s.intn(2)
	var name string
	if foreign {
		name = foreignFamily[s.intn(len(foreignFamily))] + " " + foreignGiven[s.intn(len(foreignGiven))]
	} else {
		given := givenNames[female]
		name = surnames[s.pick(surnameWeights, surnameTotal)].Name + given[s.intn(len(given))]
	}
	return identity.Subscriber{
		Identity: identity.Identity{
			CI:      p.ci(i),
			Name:    name,
			Birth:   birth,
			Phone:   formatPhone((p.mul*uint64(i) + p.off) % phoneSpace),
			Foreign: foreign,
		},
		Carrier: carriers[s.pick(carrierWeights, carrierTotal)].Code,
		Digit7:  digit7(birth, foreign, female),
	}
}

// digit7 returns the 7th digit of a registration number: 1/2 for citizens born in the
// 1900s, 3/4 in the 2000s, and 5/6, 7/8 for foreigners; odd for men, even for women.
func digit7(birth vaxbook.Date, foreign bool, female int) int {
	d := 1 + female
	if birth.Year >= 2000 {
		d += 2
	}
	if foreign {
		d += 4
	}
	return d
}

// ci returns resident i's CI: 64 bytes in base64, 88 characters, like the 연계정보 the
// Korean providers return. It is keyed by the seed so that no two seeds share a CI.
func (p Population) ci(i int) string {
	m, err := p.ciMAC.Clone()
	if err != nil {
		panic("demo: clone HMAC: " + err.Error()) // cannot happen for HMAC-SHA512
	}
	var buf [8 + sha512.Size]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(i))
	m.Write(buf[:8])
	return base64.StdEncoding.EncodeToString(m.Sum(buf[:0]))
}

// front returns the birth date and nationality of resident i, the first draws of its
// stream, without the cost of the name, phone and CI.
func (p Population) front(i int) (birth vaxbook.Date, foreign bool) {
	s := newStream(p.seed, kindResident, uint64(i))
	birth = p.days[s.intn(len(p.days))]
	return birth, s.intn(100) < foreignPercent
}

// LookupPhone returns the resident whose mobile number is phone, written as 11 digits
// "010xxxxxxxx". Any other form, and a number no resident holds, give false. The only
// error is the context's.
func (p Population) LookupPhone(ctx context.Context, phone string) (identity.Subscriber, bool, error) {
	if err := ctx.Err(); err != nil {
		return identity.Subscriber{}, false, err
	}
	if len(phone) != 11 || phone[:3] != "010" {
		return identity.Subscriber{}, false, nil
	}
	var num uint64
	for _, c := range []byte(phone[3:]) {
		if c < '0' || c > '9' {
			return identity.Subscriber{}, false, nil
		}
		num = num*10 + uint64(c-'0')
	}
	i := (num + phoneSpace - p.off) % phoneSpace * p.inv % phoneSpace
	if i >= uint64(p.n) {
		return identity.Subscriber{}, false, nil
	}
	return p.Resident(int(i)), true, nil
}

// formatPhone returns "010" followed by num in eight digits.
func formatPhone(num uint64) string {
	b := []byte("01000000000")
	for k := len(b) - 1; num > 0; k-- {
		b[k] = byte('0' + num%10)
		num /= 10
	}
	return string(b)
}

// modInverse returns the inverse of a modulo m by the extended Euclidean algorithm; a
// and m must be coprime.
func modInverse(a, m uint64) uint64 {
	t, newT := int64(0), int64(1)
	r, newR := int64(m), int64(a)
	for newR != 0 {
		q := r / newR
		t, newT = newT, t-q*newT
		r, newR = newR, r-q*newR
	}
	if t < 0 {
		t += int64(m)
	}
	return uint64(t)
}
