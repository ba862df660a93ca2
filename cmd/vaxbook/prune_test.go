package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/app"
	"vaxbook/demo"
	"vaxbook/jobs"
)

// TestJobsPruneCommandDeletesSentRowsPastTheRetention books three reservations, marks
// two of their messages sent 40 days ago and one an hour ago, and runs `jobs prune`
// with the default retention (30 days): the two old rows go, the recent one stays.
func TestJobsPruneCommandDeletesSentRowsPastTheRetention(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	now := time.Now()
	sent := mustSentMessages(t, db, now.Add(-40*24*time.Hour), now.Add(-40*24*time.Hour), now.Add(-time.Hour))

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"jobs", "prune", "--database", db}, &out, &errOut); err != nil {
		t.Fatalf("jobs prune: %v (%s)", err, errOut.String())
	}
	var res jobs.PruneResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Deleted != 2 {
		t.Errorf("jobs prune reported %s (%v), want 2 deleted", out.String(), err)
	}
	s, err := app.OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	left, err := s.OutboxMessages(ctx, vaxbook.OutboxSent, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range left {
		ids = append(ids, m.ID)
	}
	if len(ids) != 1 || ids[0] != sent[2] {
		t.Errorf("sent rows left %v, want only %d, sent an hour ago", ids, sent[2])
	}
}

func TestJobsPruneCommandRefusesARetentionShorterThanTwoDays(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	for _, args := range [][]string{
		{"--sent-retention", "0s"}, {"--sent-retention", "24h"}, {"--dead-retention", "47h"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"jobs", "prune", "--database", db}, args...), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), args[0]+" must be at least 48h0m0s") {
			t.Errorf("jobs prune %v: %v, want a refusal naming the flag and the minimum", args, err)
		}
	}
}

// mustSentMessages stores a campaign with one reservation per instant in db and marks
// each reservation's "booked" message sent at that instant. It returns the rows' IDs.
func mustSentMessages(t *testing.T, db string, at ...time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	s, err := app.OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := demo.Campaign2021()
	day := c.VaccinationFrom
	if err := s.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSites(ctx, []vaxbook.Site{{ID: 1, Name: "A", Province: "서울특별시", District: "강남구", Kind: "clinic"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacities(ctx, c.ID, []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: 100}}); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(at))
	for i, sentAt := range at {
		p := vaxbook.Person{Key: fmt.Sprintf("p%d", i), Name: "홍길동", Birth: vaxbook.MustDate("1985-03-12")}
		if err := s.PutPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		req := vaxbook.BookRequest{CampaignID: c.ID, PersonKey: p.Key, SiteID: 1, Date: day, SecondDate: c.SecondDose(day),
			Group: vaxbook.GroupOf(p.Birth), Pooled: true, Status: vaxbook.StatusBooked, At: sentAt}
		if res := s.Book(ctx, []vaxbook.BookRequest{req})[0]; res.Err != nil {
			t.Fatalf("Book: %v", res.Err)
		}
		msgs, err := s.ClaimOutbox(ctx, sentAt, time.Minute, 1)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("ClaimOutbox: %d messages, %v; want the one just booked", len(msgs), err)
		}
		if err := s.MarkSent(ctx, []int64{msgs[0].ID}, sentAt); err != nil {
			t.Fatal(err)
		}
		ids[i] = msgs[0].ID
	}
	return ids
}
