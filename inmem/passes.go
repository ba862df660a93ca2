package inmem

import (
	"context"
	"sync"
	"time"

	"vaxbook"
)

var _ vaxbook.Passes = (*Passes)(nil)

// Passes is the in-process vaxbook.Passes: a map from pass to its person, each entry
// kept until the pass expires. Expired entries are swept when the map has doubled
// since the last sweep, as the Guard does.
type Passes struct {
	mu        sync.Mutex
	binds     map[string]passBinding
	nextSweep int
}

type passBinding struct {
	person  string
	ended   bool
	expires time.Time
}

// NewPasses returns an empty Passes.
func NewPasses() *Passes {
	return &Passes{binds: make(map[string]passBinding), nextSweep: minSweep}
}

// Bind implements vaxbook.Passes.
func (p *Passes) Bind(_ context.Context, pass, personKey string, ttl time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.binds[pass]; ok {
		if b.ended || b.person != personKey {
			return vaxbook.PassInUse(b.ended)
		}
		return nil
	}
	p.binds[pass] = passBinding{person: personKey, expires: time.Now().Add(ttl)}
	if len(p.binds) >= p.nextSweep {
		p.sweep()
	}
	return nil
}

// End implements vaxbook.Passes.
func (p *Passes) End(_ context.Context, pass string, ttl time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.binds[pass]
	b.ended = true
	b.expires = time.Now().Add(ttl)
	p.binds[pass] = b
	return nil
}

// Holder implements vaxbook.Passes.
func (p *Passes) Holder(_ context.Context, pass string) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.binds[pass]
	return b.person, ok && b.person != "", nil
}

// sweep drops the bindings whose time has run out. The caller holds p.mu. Expiry is
// judged by the wall clock, like a store's TTL: a binding outliving its pass a little
// costs nothing, since the expired pass itself is refused.
func (p *Passes) sweep() {
	now := time.Now()
	for k, b := range p.binds {
		if !now.Before(b.expires) {
			delete(p.binds, k)
		}
	}
	p.nextSweep = max(2*len(p.binds), minSweep)
}
