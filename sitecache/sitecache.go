// Package sitecache keeps recently read vaccination sites in memory. Sites change
// rarely (an operator's load), while every booking answer and every text names one:
// at the surge's rate a read per answer was a database round trip per booking.
package sitecache

import (
	"context"
	"sync"
	"time"

	"vaxbook"
)

// TTL is how long a read site is reused: a changed name, address or phone reaches the
// answers and texts within it.
const TTL = 5 * time.Minute

// maxSites bounds the cache far above the 14,000 sites of a round, only as a guard
// against a store of unexpected size; past it the cache starts again empty.
const maxSites = 100_000

// Finder reads a site; vaxbook.Sites is one.
type Finder interface {
	Site(ctx context.Context, id int64) (vaxbook.Site, error)
}

// Cache reads sites through a Finder, keeping each for TTL. It is safe for concurrent
// use; errors (CodeNotFound among them) are passed on and never kept.
type Cache struct {
	finder Finder

	mu    sync.Mutex
	sites map[int64]entry
}

type entry struct {
	site vaxbook.Site
	at   time.Time
}

// New returns a cache over finder.
func New(finder Finder) *Cache { return &Cache{finder: finder, sites: map[int64]entry{}} }

// Site returns the site with the id, from memory when it was read within TTL.
func (c *Cache) Site(ctx context.Context, id int64) (vaxbook.Site, error) {
	now := time.Now() // wall time: the cache's age is not the (possibly shifted) service clock
	c.mu.Lock()
	e, ok := c.sites[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < TTL {
		return e.site, nil
	}
	s, err := c.finder.Site(ctx, id)
	if err != nil {
		return vaxbook.Site{}, err
	}
	c.mu.Lock()
	if len(c.sites) >= maxSites {
		clear(c.sites)
	}
	c.sites[id] = entry{s, now}
	c.mu.Unlock()
	return s, nil
}
