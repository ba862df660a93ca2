package congestion_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/congestion"
	"vaxbook/congestion/congestiontest"
)

func TestMemConformance(t *testing.T) {
	congestiontest.Run(t, func(t *testing.T, cfg map[string]congestion.MethodConfig, clock vaxbook.Clock) congestion.Line {
		l, err := congestion.NewMem(cfg, clock)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

func TestWithDefaults(t *testing.T) {
	ok := congestion.MethodConfig{MaxInFlight: 10, PerSecond: 20}
	cases := []struct {
		name    string
		cfg     map[string]congestion.MethodConfig
		wantErr bool
	}{
		{"NoMethodsIsAnError", nil, true},
		{"CapacityIsRequired", map[string]congestion.MethodConfig{"phone": {PerSecond: 1}}, true},
		{"RateIsRequired", map[string]congestion.MethodConfig{"phone": {MaxInFlight: 1}}, true},
		{"NegativeWaitIsAnError", map[string]congestion.MethodConfig{"phone": {MaxInFlight: 1, PerSecond: 1, MaxWait: -1}}, true},
		{"RedBeforeYellowIsAnError", map[string]congestion.MethodConfig{"phone": {MaxInFlight: 1, PerSecond: 1,
			Thresholds: congestion.Thresholds{YellowAt: 5, RedAt: 4}}}, true},
		{"CapacityAloneTakesDefaults", map[string]congestion.MethodConfig{"phone": ok}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := congestion.WithDefaults(c.cfg)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if err != nil {
				return
			}
			p := got["phone"]
			// The line holds what the rate serves within MaxWait: 20/s × 10 s.
			if p.MaxWait != 10*time.Second || p.MaxWaiting != 200 || p.Thresholds != (congestion.Thresholds{YellowAt: 3, RedAt: 10}) || p.Lease != time.Minute {
				t.Fatalf("defaults = %+v", p)
			}
		})
	}
}

func TestMakeLightColours(t *testing.T) {
	cfg, err := congestion.WithDefaults(map[string]congestion.MethodConfig{"phone": {MaxInFlight: 10, PerSecond: 10, MaxWaiting: 100}})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg["phone"]
	cases := []struct {
		name               string
		waiting, completed int
		want               string
		wantWait           float64
	}{
		{"NobodyWaitingIsGreen", 0, 0, congestion.Green, 0},
		{"UnderThreeSecondsIsGreen", 29, 0, congestion.Green, 2.9},
		{"FromThreeSecondsIsYellow", 30, 0, congestion.Yellow, 3},
		{"JustUnderMaxWaitIsYellow", 99, 0, congestion.Yellow, 9.9},
		{"AFullLineIsRed", 100, 0, congestion.Red, 10},
		{"SlowMeasuredThroughputTurnsRed", 20, 10, congestion.Red, 20}, // 10 per 10 s = 1/s
		{"MeasuredBeyondTheRateIsCapped", 20, 1000, congestion.Green, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := congestion.MakeLight("phone", c, 10, tc.waiting, tc.completed)
			if l.Color != tc.want || l.WaitSeconds != tc.wantWait {
				t.Fatalf("light = %+v; want %s, %v s", l, tc.want, tc.wantWait)
			}
		})
	}
}

// TestDoCountsOnlyAnsweredCalls checks that a provider's failures do not pass for
// throughput: a failing provider that answers fast must not look uncongested.
func TestDoCountsOnlyAnsweredCalls(t *testing.T) {
	t0 := time.Date(2021, 8, 12, 20, 0, 0, 0, vaxbook.Seoul)
	l, err := congestion.NewMem(map[string]congestion.MethodConfig{"phone": {MaxInFlight: 5, PerSecond: 100}}, vaxbook.NewManualClock(t0))
	if err != nil {
		t.Fatal(err)
	}
	results := []error{
		nil, // verified
		vaxbook.Errorf(vaxbook.CodeVerifyFailed, "no such subscriber"), // answered: a refusal of the person
		vaxbook.Errorf(vaxbook.CodeUnavailable, "carrier down"),        // not answered
		errors.New("dial tcp: connection refused"),                     // not answered
	}
	for _, want := range results {
		got := congestion.Do(t.Context(), l, "phone", func(context.Context) error { return want })
		if got != want {
			t.Fatalf("Do returned %v, want the call's %v", got, want)
		}
	}
	lights, _ := l.Lights(t.Context(), t0)
	if got := lights[0].PerSecond; got != 0.2 || lights[0].InFlight != 0 {
		t.Fatalf("light = %+v; want 2 answered per 10 s = 0.2/s and every slot released", lights[0])
	}
}
