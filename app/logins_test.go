package app

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vaxbook/api"
	"vaxbook/redis/redistest"
)

// TestStaffLoginLimitIsSharedAcrossInstances plays a guesser alternating between two
// instances that share Redis: the attempt after the limit is refused at both, because
// the count is one, not one per instance.
func TestStaffLoginLimitIsSharedAcrossInstances(t *testing.T) {
	url := redistest.URL(t)
	prefix := fmt.Sprintf("vbtest:%d:", time.Now().UnixNano())
	t.Cleanup(func() { cleanRedis(t, url, prefix) })
	args := []string{"--demo", "--demo-sites", "20", "--database", filepath.Join(t.TempDir(), "vaxbook.db"),
		"--now", "2021-08-12T20:01:00+09:00", "--redis", url, "--redis-prefix", prefix, "--waiting-room=false"}
	a := startServe(t, args...)
	b := startServe(t, args...)
	try := func(in *instance) int {
		resp, err := http.Post(in.base+"/api/v1/clinic/login", "application/json",
			strings.NewReader(`{"login": "clinic-1", "password": "not the password"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range api.StaffLoginsPerAccount {
		if st := try([]*instance{a, b}[i%2]); st != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, st)
		}
	}
	for name, in := range map[string]*instance{"first": a, "second": b} {
		if st := try(in); st != http.StatusTooManyRequests {
			t.Errorf("attempt %d at the %s instance: %d, want 429 (each saw only half the attempts)", api.StaffLoginsPerAccount+1, name, st)
		}
	}
}
