package app

import (
	"strings"
	"testing"
	"time"

	"vaxbook"
	"vaxbook/inmem"
	"vaxbook/queue"
)

// TestCarrierNATAddressJoinsAtEight: at 20:00 a mobile carrier puts thousands of
// residents behind one address. With the default per-address bound each of 1,000
// residents behind one address gets a place (two joins each: the cookie, then the
// place); the old fixed bound of 240 joins a minute refused the 121st.
func TestCarrierNATAddressJoinsAtEight(t *testing.T) {
	clock := vaxbook.NewManualClock(vaxbook.MustDate("2021-08-12").At(19, 59))
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	qc := queue.DefaultConfig()
	qc.Signer, qc.Counters, qc.Clock = signer, queue.NewMemCounters(), clock
	qc.DeviceLimit = inmem.NewSketchLimiter(deviceJoins, joinWindow, 1<<16)
	qc.AddrLimit = joinAddrLimiter(defaultAddrJoins)
	room, err := queue.New(qc)
	if err != nil {
		t.Fatal(err)
	}
	const residents = 1000
	devices := make([]string, residents)
	for i := range residents {
		res, err := room.Join(t.Context(), queue.JoinRequest{ClientAddr: "203.0.113.7"}, clock.Now())
		if err != nil {
			t.Fatalf("resident %d, first join: %v", i, err)
		}
		devices[i] = res.Device
	}
	clock.Advance(2 * time.Second)
	for i, dev := range devices {
		res, err := room.Join(t.Context(), queue.JoinRequest{Device: dev, ClientAddr: "203.0.113.7"}, clock.Now())
		if err != nil || res.Ticket == "" {
			t.Fatalf("resident %d behind the NAT got no place: %+v, %v", i+1, res, err)
		}
	}
}
