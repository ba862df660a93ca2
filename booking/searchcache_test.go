package booking

import (
	"testing"
	"time"

	"vaxbook"
)

func TestSearchCacheServesOnlyFreshAnswers(t *testing.T) {
	var c searchCache
	q := vaxbook.SiteQuery{CampaignID: 1, Province: "서울특별시", Limit: 20}
	t0 := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	answer := []vaxbook.SiteAvailability{{Site: vaxbook.Site{ID: 7}}}
	c.put(q, answer, t0)
	if got, ok := c.get(q, t0.Add(searchTTL-time.Millisecond)); !ok || got[0].ID != 7 {
		t.Errorf("fresh answer not served: %v %v", got, ok)
	}
	if _, ok := c.get(q, t0.Add(searchTTL)); ok {
		t.Error("an answer as old as the TTL was served")
	}
	other := q
	other.Group = 3
	if _, ok := c.get(other, t0); ok {
		t.Error("another group's answer was served")
	}
	for i := range searchCacheMax + 1 {
		c.put(vaxbook.SiteQuery{CampaignID: int64(i)}, nil, t0)
	}
	if n := len(c.entries); n > searchCacheMax {
		t.Errorf("cache holds %d entries, bound %d", n, searchCacheMax)
	}
}
