package faults_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// haproxyConfig balances round robin over the instances, checks each with GET /healthz,
// and pins a device to the instance it first reached with a cookie: the demo SMS sink
// lives in one process, so phone verification must read its code where it was sent.
const haproxyConfig = `global
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option redispatch
  option forwardfor
frontend vaxbook
  bind 127.0.0.1:%d
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  cookie VBSRV insert indirect nocache httponly
  http-response set-header X-Served-By %%[srv_name]
%s`

// startHAProxy runs Debian's haproxy in the foreground in front of bases and waits
// until it has found every instance healthy.
func startHAProxy(t *testing.T, bases []string) string {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("REQUIRE_BALANCER") == "1" {
			t.Fatal("haproxy is not installed (apt-get install haproxy)")
		}
		t.Skip("haproxy is not installed (set REQUIRE_BALANCER=1 to fail)")
	}
	var servers strings.Builder
	for i, b := range bases {
		fmt.Fprintf(&servers, "  server s%d %s check inter 300ms fall 2 rise 1 cookie s%d\n", i+1, strings.TrimPrefix(b, "http://"), i+1)
	}
	port := freePort(t)
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, haproxyConfig, port, servers.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	cmd := exec.Command(bin, "-db", "-f", cfg)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("haproxy:\n%s", tail(out.String(), 2000))
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy did not listen:\n%s", out.String())
		}
	}
	time.Sleep(time.Second) // a few health checks, so no instance is still marked down
	return "http://" + addr
}

// TestBalancedInstancesKeepOneQueueInOneOrder starts three instances behind HAProxy:
// people who join through the balancer stand in one line in the order they joined,
// whichever instance answered them, and a surge through it keeps every invariant.
func TestBalancedInstancesKeepOneQueueInOneOrder(t *testing.T) {
	c := newCluster(t, "--queue-auto=false")
	nodes := []*node{c.start(), c.start(), c.start()}
	lb := startHAProxy(t, []string{nodes[0].base, nodes[1].base, nodes[2].base})
	checkBalanced(t, lb, c.db)
}

// TestSmokeSurgeThroughBalancer is the smoke surge of scripts/multi-instance.sh: it runs
// the same checks against a balancer the script started, named by VAXBOOK_BALANCER_URL,
// over instances sharing the database VAXBOOK_BALANCER_DB and operator token operatorToken.
func TestSmokeSurgeThroughBalancer(t *testing.T) {
	requireFaults(t)
	lb, db := os.Getenv("VAXBOOK_BALANCER_URL"), os.Getenv("VAXBOOK_BALANCER_DB")
	if lb == "" || db == "" {
		t.Skip("run by scripts/multi-instance.sh, which sets VAXBOOK_BALANCER_URL and VAXBOOK_BALANCER_DB")
	}
	checkBalanced(t, lb, db)
}

// checkBalanced joins six people through the balancer at lb and checks they stand in
// one line in join order, then runs a small surge and checks the database db.
func checkBalanced(t *testing.T, lb, db string) {
	t.Helper()
	admin(t, lb, "POST", "/api/v1/admin/queue/pause", "")
	line := group2(6)
	served := map[string]bool{}
	for _, r := range line {
		got, err := r.do("POST", lb+"/api/v1/queue/join", nil)
		if err != nil {
			t.Fatal(err)
		}
		served[got.header.Get("X-Served-By")] = true
	}
	time.Sleep(1100 * time.Millisecond) // the confirming join must come after a delay
	for i, r := range line {
		got, err := r.do("POST", lb+"/api/v1/queue/join", nil)
		if err != nil || got.status != 200 || got.body["position"] != float64(i+1) {
			t.Fatalf("join %d through the balancer (%s): %v %v, want position %d", i, got.header.Get("X-Served-By"), got, err, i+1)
		}
	}
	t.Logf("6 people joined through the balancer at instances %v: positions 1..6 in join order", keysOf(served))
	if len(served) < 2 {
		t.Errorf("the balancer sent every device to one instance: %v", served)
	}
	admin(t, lb, "POST", "/api/v1/admin/queue/resume", "")
	for _, r := range line {
		if err := r.admitted(lb, 20*time.Second); err != nil {
			t.Fatal(err)
		}
	}

	// A small surge through the balancer: verification sticks to one instance by the
	// cookie, bookings spread, and the database agrees with every acknowledgement.
	rs := group2(36)[6:]
	readyAll(t, rs, []string{lb})
	var acked []int64
	for _, o := range surge(rs, []string{lb}, 5*time.Millisecond, -1, nil) {
		if id := o.a.reservationID(); id != 0 && o.err == nil {
			acked = append(acked, id)
		} else {
			t.Errorf("booking of %s through the balancer: %v %v", o.r.who.Phone, o.a, o.err)
		}
	}
	t.Logf("surge through the balancer: %d of %d bookings acknowledged", len(acked), len(rs))
	checkInvariants(t, db, acked)
	if n := activeCount(t, db); n != len(rs) {
		t.Errorf("%d active reservations after %d bookings", n, len(rs))
	}
}

// keysOf lists the keys of a set, for a log line.
func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
