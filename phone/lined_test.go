package phone_test

import (
	"context"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/congestion"
	"vaxbook/identity"
	"vaxbook/phone"
)

// slowCarrier blocks every check until released, like a saturated carrier.
type slowCarrier struct{ release chan struct{} }

func (c slowCarrier) Verify(ctx context.Context, claim phone.Claim) (identity.Identity, error) {
	select {
	case <-c.release:
		return identity.Identity{CI: "ci"}, nil
	case <-ctx.Done():
		return identity.Identity{}, ctx.Err()
	}
}

func (c slowCarrier) SendSMS(context.Context, string, string) error { return nil }

// TestCarrierCallsWaitInTheMethodsLine checks that a saturated carrier turns the phone
// method's light and that the line never lets more calls through than its capacity.
func TestCarrierCallsWaitInTheMethodsLine(t *testing.T) {
	clock := vaxbook.NewManualClock(time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul))
	line, err := congestion.NewMem(map[string]congestion.MethodConfig{
		phone.Name: {MaxInFlight: 2, PerSecond: 5, MaxWaiting: 50, Thresholds: congestion.Thresholds{YellowAt: 1, RedAt: 30}},
		"kakao":    {MaxInFlight: 2, PerSecond: 5, Thresholds: congestion.Thresholds{YellowAt: 1, RedAt: 30}},
	}, clock)
	if err != nil {
		t.Fatal(err)
	}
	slow := slowCarrier{release: make(chan struct{})}
	c := phone.WithLine(slow, line)
	done := make(chan error, 12)
	for range 12 {
		go func() {
			_, err := c.Verify(context.Background(), phone.Claim{})
			done <- err
		}()
	}
	var lights []congestion.Light
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		lights, _ = line.Lights(context.Background(), clock.Now())
		if lights[1].Waiting == 10 {
			break
		}
	}
	byMethod := map[string]congestion.Light{}
	for _, l := range lights {
		byMethod[l.Method] = l
	}
	if p := byMethod[phone.Name]; p.InFlight != 2 || p.Waiting != 10 || p.Color == congestion.Green {
		t.Errorf("saturated phone light: %+v", p)
	}
	if k := byMethod["kakao"]; k.Color != congestion.Green {
		t.Errorf("idle method's light: %+v", k)
	}
	close(slow.release)
	for range 12 {
		if err := <-done; err != nil {
			t.Errorf("verify through the line: %v", err)
		}
	}
}
