package queue

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"sync"
	"time"

	"vaxbook"
)

// Token layout: version, kind, key id, payload, then a truncated HMAC-SHA256 tag over
// everything before it. The kind byte is signed, so a pass can never be read as a
// ticket nor a ticket as a device, even when the payload lengths were to match.
const (
	tokenVersion = 1
	tagSize      = 16 // 128-bit tag: forging one costs 2^128 guesses
	headerSize   = 3

	kindDevice = 'D'
	kindTicket = 'T'
	kindPass   = 'P'

	devicePayload = 16 + 8
	ticketPayload = 4 + 8 + 8 + 16
	passPayload   = 4 + 8 + 8 + 16 + 8
)

// MinSecretLen is the shortest secret NewSigner accepts.
const MinSecretLen = 32

// Key is one signing secret with the id that tokens signed by it carry. Rotating keys
// means adding a key with a new id first and dropping the old one once its tokens have
// expired (tickets live TicketTTL).
type Key struct {
	ID     byte
	Secret []byte
}

// Signer signs and opens the three token kinds of the waiting room: device, ticket and
// pass. It holds no per-token state; it is safe for concurrent use.
type Signer struct {
	current byte
	keys    map[byte]*sync.Pool // of hash.Hash: HMACs keyed once, reset for each token
}

// NewSigner returns a Signer that signs with current and accepts tokens signed with
// current or any of older. Each secret must be at least MinSecretLen bytes.
func NewSigner(current Key, older ...Key) (*Signer, error) {
	s := &Signer{current: current.ID, keys: make(map[byte]*sync.Pool)}
	for _, k := range append([]Key{current}, older...) {
		if len(k.Secret) < MinSecretLen {
			return nil, errors.New("queue: token secret shorter than 32 bytes")
		}
		if _, dup := s.keys[k.ID]; dup {
			return nil, errors.New("queue: duplicate token key id")
		}
		// Derive a key of our own so that a secret shared with another purpose never
		// yields the same MACs there.
		m := hmac.New(sha256.New, k.Secret)
		m.Write([]byte("vaxbook/queue/token/v1"))
		key := m.Sum(nil)
		// Every request opens a token or two: keying an HMAC costs two hash blocks and
		// four allocations, resetting a keyed one neither.
		s.keys[k.ID] = &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}
	}
	return s, nil
}

// Device identifies one browser: a random id and when it was first seen. Its token is
// the cookie; a client that keeps no cookie never gets a place.
type Device struct {
	ID     [16]byte
	Issued time.Time
}

// Ticket is a place in line. It carries everything the status needs, so the server keeps
// nothing per waiting person. Device is DeviceHash of the device that joined.
type Ticket struct {
	Queue  uint32
	Seq    uint64
	Issued time.Time
	Device [16]byte
}

// Pass lets an admitted person through to verification and booking until Expires.
// Key is the order key the person was admitted at.
type Pass struct {
	Queue   uint32
	Seq     uint64
	Key     uint64
	Device  [16]byte
	Expires time.Time
}

// DeviceHash is what tickets and passes bind to: a hash, so that a ticket shown in a
// log or a screenshot does not reveal the device cookie.
func DeviceHash(id [16]byte) [16]byte {
	sum := sha256.Sum256(append([]byte("vaxbook/queue/device\x00"), id[:]...))
	return [16]byte(sum[:16])
}

// SignDevice returns the token of d.
func (s *Signer) SignDevice(d Device) string {
	b := s.header(kindDevice, devicePayload)
	b = append(b, d.ID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(d.Issued.UnixMilli()))
	return s.seal(b)
}

// SignTicket returns the token of t.
func (s *Signer) SignTicket(t Ticket) string {
	b := s.header(kindTicket, ticketPayload)
	b = binary.BigEndian.AppendUint32(b, t.Queue)
	b = binary.BigEndian.AppendUint64(b, t.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(t.Issued.UnixMilli()))
	b = append(b, t.Device[:]...)
	return s.seal(b)
}

// SignPass returns the token of p.
func (s *Signer) SignPass(p Pass) string {
	b := s.header(kindPass, passPayload)
	b = binary.BigEndian.AppendUint32(b, p.Queue)
	b = binary.BigEndian.AppendUint64(b, p.Seq)
	b = binary.BigEndian.AppendUint64(b, p.Key)
	b = append(b, p.Device[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(p.Expires.UnixMilli()))
	return s.seal(b)
}

// ParseDevice checks the signature of a device token and returns it. Any malformed,
// forged or tampered token gives CodeUnauthorized; expiry is the Room's business.
func (s *Signer) ParseDevice(tok string) (Device, error) {
	p, err := s.open(tok, kindDevice, devicePayload)
	if err != nil {
		return Device{}, errDevice
	}
	return Device{ID: [16]byte(p[:16]), Issued: millis(p[16:])}, nil
}

// ParseTicket checks the signature of a ticket and returns it (CodeUnauthorized if bad).
func (s *Signer) ParseTicket(tok string) (Ticket, error) {
	p, err := s.open(tok, kindTicket, ticketPayload)
	if err != nil {
		return Ticket{}, errTicket
	}
	return Ticket{
		Queue:  binary.BigEndian.Uint32(p),
		Seq:    binary.BigEndian.Uint64(p[4:]),
		Issued: millis(p[12:]),
		Device: [16]byte(p[20:36]),
	}, nil
}

// ParsePass checks the signature of a pass and returns it (CodeUnauthorized if bad).
func (s *Signer) ParsePass(tok string) (Pass, error) {
	p, err := s.open(tok, kindPass, passPayload)
	if err != nil {
		return Pass{}, errPass
	}
	return Pass{
		Queue:   binary.BigEndian.Uint32(p),
		Seq:     binary.BigEndian.Uint64(p[4:]),
		Key:     binary.BigEndian.Uint64(p[12:]),
		Device:  [16]byte(p[20:36]),
		Expires: millis(p[36:]),
	}, nil
}

var (
	errDevice = vaxbook.Errorf(vaxbook.CodeUnauthorized, "this browser is not recognised: allow cookies and join again")
	errTicket = vaxbook.Errorf(vaxbook.CodeUnauthorized, "your waiting ticket is not valid: join the queue again")
	errPass   = vaxbook.Errorf(vaxbook.CodeUnauthorized, "you have not been admitted from the queue: join the queue first")
	errFormat = errors.New("malformed token")
)

func (s *Signer) header(kind byte, payload int) []byte {
	b := make([]byte, 0, headerSize+payload+tagSize)
	return append(b, tokenVersion, kind, s.current)
}

func (s *Signer) seal(b []byte) string {
	b = tag(s.keys[s.current], b, b)[:len(b)+tagSize]
	return base64.RawURLEncoding.EncodeToString(b)
}

// tag appends the HMAC of msg under the pool's key to dst.
func tag(keyed *sync.Pool, dst, msg []byte) []byte {
	m := keyed.Get().(hash.Hash)
	m.Reset()
	m.Write(msg)
	dst = m.Sum(dst)
	keyed.Put(m)
	return dst
}

// open decodes tok and returns its payload if the version, kind, length and tag are
// right. The tag is compared in constant time.
func (s *Signer) open(tok string, kind byte, payload int) ([]byte, error) {
	n := headerSize + payload + tagSize
	if base64.RawURLEncoding.DecodedLen(len(tok)) != n {
		return nil, errFormat
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	if err != nil || len(b) != n || b[0] != tokenVersion || b[1] != kind {
		return nil, errFormat
	}
	key, ok := s.keys[b[2]]
	if !ok {
		return nil, errFormat
	}
	var sum [sha256.Size]byte
	if !hmac.Equal(tag(key, sum[:0], b[:n-tagSize])[:tagSize], b[n-tagSize:]) {
		return nil, errFormat
	}
	return b[headerSize : n-tagSize], nil
}

func millis(b []byte) time.Time {
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).In(vaxbook.Seoul)
}
