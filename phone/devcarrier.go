package phone

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"vaxbook"
	"vaxbook/identity"
)

// DevCarrier is a development carrier for --demo and tests: it confirms claims against
// a Directory (the synthetic population) and delivers SMS to an SMSSink instead of
// phones. Its latency and capacity are configurable so that load tests meet the same
// bottleneck the real service met: in 2021 the carriers' identity checks, not booking,
// were the largest load.
type DevCarrier struct {
	dir     identity.Directory
	sink    *SMSSink
	latency time.Duration
	slots   chan struct{} // nil for unlimited capacity
	pace    *rate.Limiter // nil for no per-second bound
}

var _ Carrier = (*DevCarrier)(nil)

// DevCarrierConfig shapes the development carrier's performance.
type DevCarrierConfig struct {
	// Latency is added to every check, as a carrier's round trip would be.
	Latency time.Duration
	// Capacity is the number of checks served at once; 0 means unlimited. Checks
	// beyond it wait for a free slot until their context ends.
	Capacity int
	// PerSecond bounds the checks started per second; 0 means unlimited. Checks beyond
	// it wait their turn until their context ends.
	PerSecond float64
}

// NewDevCarrier returns a development carrier over dir, delivering to sink.
func NewDevCarrier(dir identity.Directory, sink *SMSSink, cfg DevCarrierConfig) *DevCarrier {
	c := &DevCarrier{dir: dir, sink: sink, latency: cfg.Latency}
	if cfg.Capacity > 0 {
		c.slots = make(chan struct{}, cfg.Capacity)
	}
	if cfg.PerSecond > 0 {
		c.pace = rate.NewLimiter(rate.Limit(cfg.PerSecond), max(1, int(cfg.PerSecond/10)))
	}
	return c
}

// Verify implements Carrier. It waits for capacity and the configured latency, then
// confirms the claim if the phone's subscriber has exactly the claimed carrier, name,
// birth date and 7th digit. Every mismatch, including an unknown number, is the same
// CodeVerifyFailed; a check that runs out of time waiting is CodeUnavailable.
func (c *DevCarrier) Verify(ctx context.Context, claim Claim) (identity.Identity, error) {
	if c.pace != nil && c.pace.Wait(ctx) != nil {
		return identity.Identity{}, busy()
	}
	if c.slots != nil {
		select {
		case c.slots <- struct{}{}:
			defer func() { <-c.slots }()
		case <-ctx.Done():
			return identity.Identity{}, busy()
		}
	}
	if c.latency > 0 {
		t := time.NewTimer(c.latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return identity.Identity{}, busy()
		}
	}
	sub, ok, err := c.dir.LookupPhone(ctx, claim.Phone)
	if err != nil {
		return identity.Identity{}, err
	}
	if !ok || sub.Carrier != claim.Carrier || !sameName(sub.Name, claim.Name) ||
		sub.Birth != claim.Birth || sub.Digit7 != claim.Digit7 {
		return identity.Identity{}, vaxbook.Errorf(vaxbook.CodeVerifyFailed,
			"The carrier could not confirm these details. Check your name, birth date, carrier and phone number.")
	}
	return sub.Identity, nil
}

// sameName compares names as a carrier would: ignoring case (for Latin names of
// registered foreigners) and runs of spaces.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func busy() error {
	return vaxbook.Errorf(vaxbook.CodeUnavailable,
		"Mobile phone verification is busy. Please try again or choose another method.")
}

// SendSMS implements Carrier by delivering to the sink.
func (c *DevCarrier) SendSMS(ctx context.Context, phone, text string) error {
	c.sink.deliver(ctx, phone, text)
	return nil
}

// SMS is a message the development carrier delivered.
type SMS struct {
	At    time.Time
	Phone string
	Text  string
}

// DefaultSMSKeep is how many messages an SMSSink keeps by default.
const DefaultSMSKeep = 200

// SMSSink keeps the last messages the development carrier sent, for the demo page and
// tests to read codes from, and optionally logs each one. It is safe for concurrent
// use. Codes appear in its log and its list only because this carrier exists only in
// --demo; a real carrier never shows them to the service.
type SMSSink struct {
	clock vaxbook.Clock
	log   *slog.Logger

	mu   sync.Mutex
	buf  []SMS // ring buffer
	next int   // index of the next write
	full bool
	// last indexes the ring by phone: the slot of each number's newest message, so
	// reading one code costs a lookup, not a copy of the ring.
	last map[string]int
}

// NewSMSSink returns a sink keeping the last keep messages (DefaultSMSKeep if keep is
// not positive), stamped by clock (the service's clock, so --now shows in the list; the
// system clock if nil), and logged at INFO to log if it is not nil.
func NewSMSSink(keep int, clock vaxbook.Clock, log *slog.Logger) *SMSSink {
	if keep <= 0 {
		keep = DefaultSMSKeep
	}
	if clock == nil {
		clock = vaxbook.SystemClock{}
	}
	return &SMSSink{clock: clock, log: log, buf: make([]SMS, keep), last: map[string]int{}}
}

func (s *SMSSink) deliver(ctx context.Context, phone, text string) {
	m := SMS{At: s.clock.Now(), Phone: phone, Text: text}
	s.mu.Lock()
	if old := s.buf[s.next]; old.Phone != "" && s.last[old.Phone] == s.next {
		delete(s.last, old.Phone) // its newest message is being overwritten
	}
	s.buf[s.next] = m
	s.last[phone] = s.next
	s.next = (s.next + 1) % len(s.buf)
	s.full = s.full || s.next == 0
	s.mu.Unlock()
	if s.log != nil {
		s.log.InfoContext(ctx, "dev carrier sms", "phone", phone, "text", text)
	}
}

// Messages returns the kept messages, oldest first.
func (s *SMSSink) Messages() []SMS {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.full {
		return append([]SMS(nil), s.buf[:s.next]...)
	}
	return append(append([]SMS(nil), s.buf[s.next:]...), s.buf[:s.next]...)
}

// Last returns the newest kept message to phone (digits only), for the demo and load
// generator to read a code without scanning the list.
func (s *SMSSink) Last(phone string) (SMS, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.last[phone]
	if !ok {
		return SMS{}, false
	}
	return s.buf[i], true
}
