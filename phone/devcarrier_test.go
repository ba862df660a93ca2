package phone_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/inmem"
	"vaxbook/phone"
)

func TestDevCarrierWaitsForCapacityUntilContextEnds(t *testing.T) {
	dir := directory{kim.Phone: kim}
	c := phone.NewDevCarrier(dir, phone.NewSMSSink(0, nil, nil), phone.DevCarrierConfig{Latency: 300 * time.Millisecond, Capacity: 1})
	done := make(chan error, 1)
	go func() {
		_, err := c.Verify(context.Background(), claimOf(kim))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the first check take the only slot
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Verify(ctx, claimOf(kim))
	wantCode(t, err, vaxbook.CodeUnavailable)
	if err := <-done; err != nil {
		t.Fatalf("first check: %v", err)
	}
	if _, err := c.Verify(t.Context(), claimOf(kim)); err != nil {
		t.Fatalf("check after the slot freed: %v", err)
	}
}

func TestDevCarrierLatencyHonoursContext(t *testing.T) {
	c := phone.NewDevCarrier(directory{kim.Phone: kim}, phone.NewSMSSink(0, nil, nil), phone.DevCarrierConfig{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Verify(ctx, claimOf(kim))
	wantCode(t, err, vaxbook.CodeUnavailable)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Verify took %v after its context ended", d)
	}
}

func TestSMSSinkKeepsLastMessagesOldestFirst(t *testing.T) {
	var logBuf bytes.Buffer
	clock := vaxbook.NewManualClock(t0)
	sink := phone.NewSMSSink(3, clock, slog.New(slog.NewTextHandler(&logBuf, nil)))
	c := phone.NewDevCarrier(directory{}, sink, phone.DevCarrierConfig{})
	if got := sink.Messages(); len(got) != 0 {
		t.Fatalf("new sink holds %v", got)
	}
	for i := range 5 {
		clock.Advance(time.Second)
		if err := c.SendSMS(t.Context(), fmt.Sprintf("0101234000%d", i%2), fmt.Sprintf("m%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	got := sink.Messages()
	if len(got) != 3 || got[0].Text != "m2" || got[2].Text != "m4" || !got[2].At.Equal(t0.Add(5*time.Second)) {
		t.Errorf("Messages = %+v; want m2…m4", got)
	}
	if last, ok := sink.Last("01012340001"); !ok || last.Text != "m3" {
		t.Errorf("Last = %+v, %v; want m3", last, ok)
	}
	if _, ok := sink.Last("01099999999"); ok {
		t.Error("Last found a message to a number never texted")
	}
	if !strings.Contains(logBuf.String(), "text=m4") {
		t.Errorf("log lacks the message: %s", logBuf.String())
	}
}

func TestSMSSinkDefaultsTo200(t *testing.T) {
	sink := phone.NewSMSSink(0, nil, nil)
	c := phone.NewDevCarrier(directory{}, sink, phone.DevCarrierConfig{})
	for i := range 250 {
		_ = c.SendSMS(t.Context(), "01012345678", fmt.Sprint(i))
	}
	if got := sink.Messages(); len(got) != phone.DefaultSMSKeep || got[0].Text != "50" {
		t.Errorf("kept %d messages from %q", len(got), got[0].Text)
	}
}

// failingSMS is a carrier whose SMS gateway is down.
type failingSMS struct{ *phone.DevCarrier }

func (failingSMS) SendSMS(context.Context, string, string) error { return fmt.Errorf("gateway down") }

func TestStartWhenSMSFailsIsUnavailableAndLeavesNoChallenge(t *testing.T) {
	dev := phone.NewDevCarrier(directory{kim.Phone: kim}, phone.NewSMSSink(0, nil, nil), phone.DevCarrierConfig{})
	m, err := phone.New(phone.Config{Secret: secret}, failingSMS{dev}, mustFixture(t, phone.Config{}).guard, inmem.NewChallenges(), inmem.NewLimiter(phone.Config{}.StartLimit()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Start(t.Context(), "pc", claimOf(kim), t0)
	wantCode(t, err, vaxbook.CodeUnavailable)
	if strings.Contains(vaxbook.ErrorMessage(err), "gateway") {
		t.Errorf("user message %q carries internal text", vaxbook.ErrorMessage(err))
	}
	if _, ok, _ := m.Pending(t.Context(), "pc", t0); ok {
		t.Error("a challenge whose code was never sent is pending")
	}
}

// TestDevCarrierPacesChecksPerSecond checks the per-second capacity: with 20 checks a
// second and a burst of 2, twelve checks cannot all finish within a quarter second.
func TestDevCarrierPacesChecksPerSecond(t *testing.T) {
	c := phone.NewDevCarrier(emptyDirectory{}, phone.NewSMSSink(0, nil, nil), phone.DevCarrierConfig{PerSecond: 20})
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	busy := 0
	for range 12 {
		if _, err := c.Verify(ctx, phone.Claim{Phone: "01000000000"}); vaxbook.ErrorCode(err) == vaxbook.CodeUnavailable {
			busy++
		}
	}
	if busy == 0 {
		t.Error("twelve checks within a quarter second at 20 per second: none was held back")
	}
}

// emptyDirectory has no subscribers.
type emptyDirectory struct{}

func (emptyDirectory) LookupPhone(context.Context, string) (identity.Subscriber, bool, error) {
	return identity.Subscriber{}, false, nil
}

func TestSMSSinkLastForgetsOverwrittenMessages(t *testing.T) {
	sink := phone.NewSMSSink(2, nil, nil)
	c := phone.NewDevCarrier(emptyDirectory{}, sink, phone.DevCarrierConfig{})
	for _, m := range []struct{ phone, text string }{{"01011110000", "a1"}, {"01022220000", "b1"}, {"01022220000", "b2"}} {
		c.SendSMS(context.Background(), m.phone, m.text)
	}
	if _, ok := sink.Last("01011110000"); ok {
		t.Error("a message pushed out of the ring is still found")
	}
	if m, ok := sink.Last("01022220000"); !ok || m.Text != "b2" {
		t.Errorf("newest message: %v %v, want b2", m, ok)
	}
}
