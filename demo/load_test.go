package demo_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/sqlite"
	"vaxbook/sqlite/sqlitetest"
)

// mustStore returns a fresh migrated SQLite store in a temporary file.
func mustStore(tb testing.TB) *sqlite.Store { return sqlitetest.OpenStore(tb) }

func TestLoad(t *testing.T) {
	ctx := t.Context()
	s := mustStore(t)
	opts := demo.Options{Sites: 200, Seed: 7, Logger: slog.New(slog.DiscardHandler)}
	sum, err := demo.Load(ctx, s, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	c := demo.Campaign2021()
	sites := demo.Sites(opts.Sites, opts.Seed)
	caps := demo.Capacities(sites, c, opts.Seed)

	t.Run("summary counts what was generated", func(t *testing.T) {
		if !sum.Created || sum.CampaignID == 0 || sum.Sites != 200 || sum.Capacities != len(caps) || sum.Places != demo.Places(caps) {
			t.Errorf("summary %+v; want 200 sites, %d capacities, %d places", sum, len(caps), demo.Places(caps))
		}
	})
	t.Run("campaign is stored with its windows", func(t *testing.T) {
		got, err := s.Campaign(ctx, sum.CampaignID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != c.Name || got.CohortFrom != c.CohortFrom || len(got.Windows) != len(c.Windows) {
			t.Errorf("stored campaign %+v", got)
		}
	})
	t.Run("sites are stored", func(t *testing.T) {
		for _, want := range []vaxbook.Site{sites[0], sites[len(sites)-1]} {
			got, err := s.Site(ctx, want.ID)
			if err != nil || got != want {
				t.Errorf("Site(%d) = %+v, %v; want %+v", want.ID, got, err, want)
			}
		}
	})
	t.Run("shares add up to each capacity", func(t *testing.T) {
		for _, cp := range []vaxbook.Capacity{caps[0], caps[len(caps)/2], caps[len(caps)-1]} {
			shares, err := s.Shares(ctx, sum.CampaignID, cp.SiteID, cp.Date)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, sh := range shares {
				total += sh.Capacity
			}
			if len(shares) != vaxbook.Groups || total != cp.Quantity {
				t.Errorf("site %d on %s: %d shares adding to %d, want %d", cp.SiteID, cp.Date, len(shares), total, cp.Quantity)
			}
		}
	})
	t.Run("second load changes nothing", func(t *testing.T) {
		again, err := demo.Load(ctx, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		if again.Created || again.CampaignID != sum.CampaignID || again.Capacities != 0 {
			t.Errorf("second Load = %+v", again)
		}
		if cs, err := s.Campaigns(ctx); err != nil || len(cs) != 1 {
			t.Errorf("campaigns after second load: %d, %v", len(cs), err)
		}
	})
}

func TestLoadExplainsADatabaseMadeWithOtherFlags(t *testing.T) {
	ctx := t.Context()
	s := mustStore(t)
	made := demo.Options{Sites: 120, Seed: 7}
	if _, err := demo.Load(ctx, s, made); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		opts     demo.Options
		flag     string
		mentions []string
	}{
		{"same flags", made, "", nil},
		{"fewer sites", demo.Options{Sites: 50, Seed: 7}, "--demo-sites", []string{"--demo-sites 120", "not 50", "delete"}},
		{"more sites", demo.Options{Sites: 14000, Seed: 7}, "--demo-sites", []string{"--demo-sites 120", "not 14000"}},
		{"other seed", demo.Options{Sites: 120, Seed: 2021}, "--demo-seed", []string{"--demo-seed", "2021", "delete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := demo.Load(ctx, s, tt.opts)
			var stale *demo.StaleError
			if tt.flag == "" {
				if err != nil {
					t.Fatalf("Load with the same flags: %v", err)
				}
				return
			}
			if !errors.As(err, &stale) || stale.Flag != tt.flag {
				t.Fatalf("Load = %v, want a StaleError about %s", err, tt.flag)
			}
			for _, m := range tt.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestLoadGivesPhonesToSitesLoadedWithoutThem(t *testing.T) {
	ctx := t.Context()
	s := mustStore(t)
	opts := demo.Options{Sites: 40, Seed: 3}
	if _, err := demo.Load(ctx, s, opts); err != nil {
		t.Fatal(err)
	}
	old := demo.Sites(40, 3)
	for i := range old {
		old[i].Phone = ""
	}
	if err := s.PutSites(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, s, opts); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Site(ctx, 40); err != nil || got.Phone == "" || got.Phone != demo.Sites(40, 3)[39].Phone {
		t.Errorf("site 40 after a reload: %+v, %v; want its phone", got, err)
	}
}

// BenchmarkLoadDefault loads the default demo data (14,000 sites, about 460,000
// capacities) into a fresh SQLite store per iteration: what `vaxbook demo` costs.
func BenchmarkLoadDefault(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := mustStore(b)
		b.StartTimer()
		sum, err := demo.Load(b.Context(), s, demo.Options{})
		if err != nil {
			b.Fatalf("Load: %v", err)
		}
		b.ReportMetric(float64(sum.Capacities)/sum.Duration.Seconds(), "capacities/s")
	}
}
