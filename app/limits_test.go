package app

import (
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/jobs"
	"vaxbook/redis/redistest"
)

func TestRouteLimitAndRetentionFlags(t *testing.T) {
	cfg, _, err := ParseConfig("serve", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := RouteLimitConfig{
		api.DefaultSearchesPerPerson, api.DefaultSearchesPerAddr, api.DefaultBookingsPerPerson, api.DefaultBookingsPerAddr,
		api.DefaultVerifiesPerDevice, api.DefaultVerifiesPerAddr, defaultAddrJoins,
	}
	if cfg.Limits != want || cfg.OutboxRetention.Sent != vaxbook.DefaultSentRetention || cfg.OutboxRetention.Dead != vaxbook.DefaultDeadRetention {
		t.Errorf("defaults = %+v %+v, want %+v and the default retentions", cfg.Limits, cfg.OutboxRetention, want)
	}
	cfg, _, err = ParseConfig("serve", []string{"--limit-booking-person", "5", "--outbox-sent-retention", "168h", "--queue-join-per-address", "50000"})
	if err != nil || cfg.Limits.BookingsPerPerson != 5 || cfg.OutboxRetention.Sent != 7*24*time.Hour || cfg.Limits.JoinsPerAddr != 50000 {
		t.Errorf("parsed %+v %+v (%v), want 5 bookings a minute and a week's retention", cfg.Limits, cfg.OutboxRetention, err)
	}
	for _, args := range [][]string{
		{"--limit-search-person", "0"}, {"--limit-booking-addr", "-1"}, {"--outbox-dead-retention", "0s"},
		{"--queue-join-per-address", "0"}, {"--limit-verify-device", "0"},
	} {
		if _, _, err := ParseConfig("serve", args); err == nil {
			t.Errorf("ParseConfig(%v) accepted a limit that shuts the route or a zero retention", args)
		}
	}
}

// TestServeRefusesAnOutboxRetentionShorterThanTheReminderDay: the reminder job knows a
// reservation was reminded by its outbox row, so a row pruned within two days would
// have the reminder sent again.
func TestServeRefusesAnOutboxRetentionShorterThanTheReminderDay(t *testing.T) {
	for _, args := range [][]string{
		{"--outbox-sent-retention", "24h"}, {"--outbox-sent-retention", "47h59m"}, {"--outbox-dead-retention", "1h"},
	} {
		_, _, err := ParseConfig("serve", args)
		if err == nil || !strings.Contains(err.Error(), args[0]+" must be at least 48h0m0s") {
			t.Errorf("ParseConfig(%v) = %v, want a refusal naming the flag and the minimum", args, err)
		}
	}
	cfg, _, err := ParseConfig("serve", []string{"--outbox-sent-retention", "48h", "--outbox-dead-retention", "48h"})
	if err != nil || cfg.OutboxRetention != (jobs.Retention{Sent: 48 * time.Hour, Dead: 48 * time.Hour}) {
		t.Errorf("parseConfig with two days' retention = %+v, %v; want it accepted", cfg.OutboxRetention, err)
	}
}

// TestRouteLimitsAreSharedThroughRedis: two instances wired to one Redis count one
// person's requests together, so adding instances does not multiply a limit.
func TestRouteLimitsAreSharedThroughRedis(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	other, _ := redistest.Client(t)
	cfg, _, err := ParseConfig("serve", []string{"--redis-prefix", prefix, "--limit-booking-person", "2"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := openRouteLimits(cfg, &shared{rdb: rdb})
	if err != nil {
		t.Fatal(err)
	}
	b, err := openRouteLimits(cfg, &shared{rdb: other})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, l := range []vaxbook.Limiter{a.BookingPerPerson, b.BookingPerPerson, a.BookingPerPerson} {
		ok, _, err := l.Allow(t.Context(), "person:p1", now)
		if err != nil || ok != (i < 2) {
			t.Fatalf("request %d across the two instances: allowed %v (%v), want %v", i+1, ok, err, i < 2)
		}
	}
	if ok, _, err := b.SearchPerPerson.Allow(t.Context(), "person:p1", now); !ok || err != nil {
		t.Errorf("search after the booking limit: %v %v, want its own budget", ok, err)
	}
}
