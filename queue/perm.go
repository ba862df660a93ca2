package queue

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"math/bits"
)

// Perm is a keyed pseudo-random permutation of [0, n), computed on read so that
// shuffling a million people at an opening writes nothing per person. It is a 4-round
// Feistel network over the smallest domain of 2k bits holding n, with AES-128 as the
// round function (a standard PRF built from the standard library, not a hand-made
// cipher), and cycle-walking: values ≥ n are encrypted again until they fall in range.
// The domain is less than 4n, so a read takes fewer than four walks on average.
type Perm struct {
	n     uint64
	half  uint
	mask  uint64
	block cipher.Block
}

// maxPermN bounds n so that the shifts below stay in 64 bits.
const maxPermN = 1 << 62

// NewPerm returns the permutation of [0, n) keyed by seed. Anyone holding the seed (it
// is published after the opening) can recompute every position.
func NewPerm(seed [16]byte, n uint64) *Perm {
	if n > maxPermN {
		panic("queue: permutation domain too large")
	}
	b := uint(bits.Len64(max(n, 2) - 1))
	b += b & 1
	block, err := aes.NewCipher(seed[:])
	if err != nil {
		panic(err) // a 16-byte key never fails
	}
	return &Perm{n: n, half: b / 2, mask: 1<<(b/2) - 1, block: block}
}

// N returns the size of the domain.
func (p *Perm) N() uint64 { return p.n }

// At returns the image of i, which must be < N.
func (p *Perm) At(i uint64) uint64 {
	x := i
	for {
		x = p.encrypt(x)
		if x < p.n {
			return x
		}
	}
}

func (p *Perm) encrypt(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	var in, out [aes.BlockSize]byte
	for round := range 4 {
		// The round input names the round and the domain so that the same seed used
		// for a different n gives an unrelated permutation.
		in[0] = byte(round)
		binary.BigEndian.PutUint64(in[1:9], r)
		binary.BigEndian.PutUint32(in[9:13], uint32(p.n))
		in[13] = byte(p.n >> 32)
		in[14] = byte(p.n >> 40)
		in[15] = byte(p.n >> 48)
		p.block.Encrypt(out[:], in[:])
		l, r = r, l^(binary.BigEndian.Uint64(out[:8])&p.mask)
	}
	return l<<p.half | r
}
