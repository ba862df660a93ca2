package inmem_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"vaxbook/inmem"
)

// testNow is an instant of the seed's opening evening.
var testNow = time.Date(2021, 8, 12, 20, 0, 0, 0, time.UTC)

func TestUsedChallengesLetsExactlyOneCallerSpendAChallenge(t *testing.T) {
	u := inmem.NewUsedChallenges()
	until := testNow.Add(time.Minute)
	const callers = 32
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range callers {
		wg.Go(func() {
			first, err := u.Use(context.Background(), "id", testNow, until)
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 1 {
		t.Errorf("%d callers spent one challenge, want 1", firsts)
	}
}

func TestUsedChallengesForgetsExpiredMarks(t *testing.T) {
	u := inmem.NewUsedChallenges()
	ctx := context.Background()
	for i := range 5000 {
		now := testNow.Add(time.Duration(i) * time.Second)
		if first, _ := u.Use(ctx, strconv.Itoa(i), now, now.Add(time.Minute)); !first {
			t.Fatalf("fresh id %d not first", i)
		}
	}
	// Marks live a minute and one arrives per second, so about 60 are live; sweeping
	// keeps the map within a small multiple of that rather than 5000.
	if n := u.Len(); n > 2048 {
		t.Errorf("UsedChallenges holds %d marks, want expired ones swept", n)
	}
	if first, _ := u.Use(ctx, "4999", testNow.Add(4999*time.Second), testNow.Add(5100*time.Second)); first {
		t.Error("a live mark was forgotten")
	}
}
