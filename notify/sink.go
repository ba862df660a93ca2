package notify

import (
	"context"
	"fmt"
	"sync"
	"time"

	"vaxbook"
	"vaxbook/identity"
)

// Delivery is a message the development Sink received, as a person would read it.
type Delivery struct {
	At             time.Time
	Phone          string
	Kind           vaxbook.MessageKind
	Text           string
	IdempotencyKey string
}

// Sink is the development Sender: it keeps the last deliveries in a ring buffer for the
// --demo page and tests, and, like a real gateway, delivers a key once. It is safe for
// concurrent use.
type Sink struct {
	sealer *identity.Sealer
	clock  vaxbook.Clock
	texts  *Texts

	mu   sync.Mutex
	buf  []Delivery
	next int
	full bool
	seen map[string]bool
}

// NewSink returns a sink keeping the last keep deliveries (200 if keep is not
// positive), opening phones with sealer, stamping with clock (system if nil) and
// writing texts with texts (sites named by number if nil).
func NewSink(sealer *identity.Sealer, keep int, clock vaxbook.Clock, texts *Texts) *Sink {
	if keep <= 0 {
		keep = 200
	}
	if clock == nil {
		clock = vaxbook.SystemClock{}
	}
	if texts == nil {
		texts = NewTexts(nil)
	}
	return &Sink{sealer: sealer, clock: clock, texts: texts, buf: make([]Delivery, keep), seen: map[string]bool{}}
}

// Send implements Sender. A message whose phone cannot be opened is a permanent
// failure: retrying cannot make it readable.
func (s *Sink) Send(ctx context.Context, m Message) error {
	phone, err := openPhone(s.sealer, m)
	if err != nil {
		return err
	}
	text, err := s.texts.Render(ctx, m)
	if err != nil {
		return err
	}
	d := Delivery{At: s.clock.Now(), Phone: phone, Kind: m.Kind, Text: text, IdempotencyKey: m.IdempotencyKey}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[m.IdempotencyKey] {
		return nil
	}
	// The seen set grows with every message; it is a development sink, restarted with
	// the demo, and a day of the demo is far below a memory concern.
	s.seen[m.IdempotencyKey] = true
	s.buf[s.next] = d
	s.next = (s.next + 1) % len(s.buf)
	s.full = s.full || s.next == 0
	return nil
}

// Deliveries returns the kept deliveries, oldest first.
func (s *Sink) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.full {
		return append([]Delivery(nil), s.buf[:s.next]...)
	}
	return append(append([]Delivery(nil), s.buf[s.next:]...), s.buf[:s.next]...)
}

// openPhone decrypts the message's phone. No phone, or one sealed under another key,
// is permanent.
func openPhone(sealer *identity.Sealer, m Message) (string, error) {
	if len(m.PhoneSealed) == 0 {
		return "", Permanent(fmt.Errorf("message %s: the person has no phone number", m.IdempotencyKey))
	}
	phone, err := sealer.Open(m.PhoneSealed)
	if err != nil {
		return "", Permanent(fmt.Errorf("message %s: %w", m.IdempotencyKey, err))
	}
	return phone, nil
}
