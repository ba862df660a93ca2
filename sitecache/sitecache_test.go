package sitecache_test

import (
	"testing"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/sitecache"
	"vaxbook/storetest/engines"
)

// A site is read once and then served from memory, so a change in the store shows
// only after TTL; an unknown site is CodeNotFound every time, never kept.
func TestSitesAreReadOnceWithinTheTTL(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		sites := demo.Sites(2, 1)
		if err := s.PutSites(t.Context(), sites); err != nil {
			t.Fatal(err)
		}
		c := sitecache.New(s)
		got, err := c.Site(t.Context(), 1)
		if err != nil || got != sites[0] {
			t.Fatalf("Site(1) = %+v, %v; want %+v", got, err, sites[0])
		}
		renamed := sites[0]
		renamed.Name = "새 이름 의원"
		if err := s.PutSites(t.Context(), []vaxbook.Site{renamed}); err != nil {
			t.Fatal(err)
		}
		if got, _ := c.Site(t.Context(), 1); got.Name != sites[0].Name {
			t.Errorf("within the TTL the cache read the store again: %q", got.Name)
		}
		if _, err := c.Site(t.Context(), 99); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("Site(99) = %v, want not_found", err)
		}
		if err := s.PutSites(t.Context(), []vaxbook.Site{{ID: 99, Name: "새 접종기관", Province: "서울특별시", District: "종로구", Address: "서울", Kind: "clinic"}}); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Site(t.Context(), 99); err != nil || got.ID != 99 {
			t.Errorf("a site added after a miss: %+v, %v", got, err)
		}
	})
}
