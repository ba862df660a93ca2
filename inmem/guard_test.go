package inmem_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/guardtest"
	"vaxbook/inmem"
)

func TestGuardConformance(t *testing.T) {
	guardtest.Run(t, func(t *testing.T) vaxbook.Guard { return inmem.NewGuard() })
}

// TestGuardSweepsExpiredRecords checks that memory stays bounded: after many persons
// verify and their windows pass, their records are dropped and do not lock anyone.
func TestGuardSweepsExpiredRecords(t *testing.T) {
	ctx := context.Background()
	g := inmem.NewGuard()
	t0 := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	for i := range 400_000 {
		now := t0.Add(time.Duration(i) * time.Millisecond * 10) // 4,000 s in all
		if err := g.Complete(ctx, fmt.Sprintf("p%d", i), "d", now); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.Len(); n > 2*180_000+64*1024 {
		t.Errorf("guard holds %d records; want about the last 30 minutes' 180,000", n)
	}
	if _, ok, _ := g.Owner(ctx, "p0", t0.Add(time.Hour)); ok {
		t.Error("an expired record still has an owner")
	}
}
