package signin

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"vaxbook"
)

// sessionCache keeps recently used sessions and their persons in memory, by id hash,
// so that a signed-in request costs no database read: during the surge each resident
// searches and books within minutes of signing in, on the instance that signed them in
// or another. An entry lives at most CacheTTL; a session ended anywhere leaves every
// instance's cache when its announcement arrives (vaxbook.SessionEnds), and a lost
// announcement channel empties the cache.
type sessionCache struct {
	ends vaxbook.SessionEnds
	ttl  time.Duration
	max  int
	// on is true while the cache hears announcements: it keeps nothing before
	// listening starts or after it stopped.
	on atomic.Bool

	mu sync.Mutex
	m  map[string]cachedSession
}

type cachedSession struct {
	sess   vaxbook.Session
	person vaxbook.Person
	until  time.Time // wall time: the cache's age is not the (possibly shifted) service clock
}

// CacheTTL bounds how long a session stays cached: what a sign-out on another instance
// may be late by if its announcement is lost without the channel noticing.
const CacheTTL = time.Minute

// cacheMax bounds the entries; past it the cache starts again empty, which is cheap and
// keeps memory flat (about 1 KB an entry).
const cacheMax = 200_000

// CacheSessions makes the service keep sessions in memory, hearing of sessions ended
// on other instances through ends; RunCache must be running. Call it before the service
// serves.
func (s *Service) CacheSessions(ends vaxbook.SessionEnds) {
	s.cache = &sessionCache{ends: ends, ttl: CacheTTL, max: cacheMax, m: map[string]cachedSession{}}
}

// RunCache listens for ended sessions until ctx ends. Without CacheSessions it returns
// at once.
func (s *Service) RunCache(ctx context.Context, log *slog.Logger) {
	c := s.cache
	if c == nil {
		return
	}
	err := c.ends.Listen(ctx, c.drop, func() { c.clear(); c.on.Store(true) })
	c.on.Store(false)
	c.clear()
	if err != nil && ctx.Err() == nil && log != nil {
		log.Error("session cache: listening for ended sessions stopped; the cache is off", "err", err)
	}
}

func (c *sessionCache) get(idHash string, now time.Time) (cachedSession, bool) {
	if !c.on.Load() {
		return cachedSession{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[idHash]
	if !ok || !now.Before(e.until) {
		return cachedSession{}, false
	}
	return e, true
}

func (c *sessionCache) put(sess vaxbook.Session, p vaxbook.Person, now time.Time) {
	if !c.on.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.m = map[string]cachedSession{}
	}
	c.m[sess.IDHash] = cachedSession{sess: sess, person: p, until: now.Add(c.ttl)}
}

func (c *sessionCache) drop(idHash string) {
	c.mu.Lock()
	delete(c.m, idHash)
	c.mu.Unlock()
}

func (c *sessionCache) clear() {
	c.mu.Lock()
	c.m = map[string]cachedSession{}
	c.mu.Unlock()
}

// end drops a session here and tells the other instances. The store already has it
// ended; if the announcement fails the other instances hold it at most CacheTTL.
func (c *sessionCache) end(ctx context.Context, idHash string) error {
	c.drop(idHash)
	return c.ends.Announce(ctx, idHash)
}
