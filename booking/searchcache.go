package booking

import (
	"sync"
	"time"

	"vaxbook"
)

// searchTTL is how stale a cached search may be. At 20:00 a million people ask for the
// same few districts' remaining places; one answer a second serves them all, and a
// place shown but gone meanwhile only costs a share_full from the booking transaction,
// which alone decides.
const searchTTL = time.Second

// searchCacheMax bounds the entries kept; past it the cache is cleared, which is cheap
// and keeps memory flat whatever the queries.
const searchCacheMax = 20000

// searchCache holds recent search answers by query.
type searchCache struct {
	mu      sync.Mutex
	entries map[vaxbook.SiteQuery]searchEntry
}

type searchEntry struct {
	at    time.Time
	sites []vaxbook.SiteAvailability
}

// get returns a cached answer younger than searchTTL at now.
func (c *searchCache) get(q vaxbook.SiteQuery, now time.Time) ([]vaxbook.SiteAvailability, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[q]
	if !ok || now.Sub(e.at) >= searchTTL {
		return nil, false
	}
	return e.sites, true
}

// put stores an answer taken at now.
func (c *searchCache) put(q vaxbook.SiteQuery, sites []vaxbook.SiteAvailability, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= searchCacheMax {
		c.entries = make(map[vaxbook.SiteQuery]searchEntry)
	}
	c.entries[q] = searchEntry{now, sites}
}
