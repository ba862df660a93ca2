// Package faults_test runs several real `vaxbook serve` processes on one PostgreSQL
// schema and one Redis prefix and breaks things under them: kill -9, SIGTERM, Redis
// emptied, PostgreSQL restarted. Instances are subprocesses, not goroutines, so that a
// kill is a real kill. The tests run only with VAXBOOK_FAULTS=1, one package at a time
// (`go test -p 1 ./faults/`), because restarting PostgreSQL disturbs every other test.
package faults_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vaxbook/postgres/pgtest"
	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

// operatorToken is the fixed operator token every instance of a cluster shares, so
// that any of them answers the operator API.
var operatorToken = strings.Repeat("f", 40)

// now is one minute into group 2's window (born on the 2nd, 12th or 22nd), so its
// residents may book.
const now = "2021-08-12T20:01:00+09:00"

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// TestMain removes the binary the tests built, whatever they did.
func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// requireFaults skips t unless VAXBOOK_FAULTS=1: these tests start processes, take
// minutes and may restart shared servers, so the ordinary `go test ./...` leaves them.
func requireFaults(t *testing.T) {
	t.Helper()
	if os.Getenv("VAXBOOK_FAULTS") != "1" {
		t.Skip("fault tests run with VAXBOOK_FAULTS=1 (go test -p 1 ./faults/)")
	}
}

// vaxbookBinary builds the real program once per test run, from the module root.
func vaxbookBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "vaxbook-faults-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "vaxbook")
		cmd := exec.Command("go", "build", "-o", binary, "./cmd/vaxbook")
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
		if msg, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, msg)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a subprocess's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// node is one `vaxbook serve` process.
type node struct {
	base string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid after done
}

// cluster is what the instances of one test share: a schema, a Redis prefix and flags.
type cluster struct {
	t        *testing.T
	db       string
	redisURL string
	prefix   string
	extra    []string
	nodes    []*node
}

// newCluster makes a fresh schema (dropped at cleanup) and a Redis prefix (its keys
// deleted at cleanup) for instances started with extra flags.
func newCluster(t *testing.T, extra ...string) *cluster {
	requireFaults(t)
	c := &cluster{t: t, db: pgtest.URL(t), redisURL: redistest.URL(t), extra: extra,
		prefix: fmt.Sprintf("vbfaults:%d:", time.Now().UnixNano())}
	t.Cleanup(func() { deletePrefix(t, c.redisURL, c.prefix) })
	return c
}

// start runs one more instance and waits until it serves. The first instance of a
// cluster loads the demo data; start it alone before the others.
func (c *cluster) start() *node {
	c.t.Helper()
	port := freePort(c.t)
	args := append([]string{"serve", "--demo", "--demo-sites", "40", "--database", c.db,
		"--redis", c.redisURL, "--redis-prefix", c.prefix, "--now", now, "--queue-rate", "2000",
		"--addr", fmt.Sprintf("127.0.0.1:%d", port), "--operator-token", operatorToken, "--trusted-proxies", "127.0.0.1"}, c.extra...)
	n := &node{base: fmt.Sprintf("http://127.0.0.1:%d", port), out: &lockedBuffer{}, done: make(chan struct{})}
	n.cmd = exec.Command(vaxbookBinary(c.t), args...)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() { n.err = n.cmd.Wait(); close(n.done) }()
	// Every process dies with the test, whatever state it is in.
	c.t.Cleanup(func() {
		n.cmd.Process.Kill()
		<-n.done
		if c.t.Failed() {
			c.t.Logf("output of %s:\n%s", n.base, tail(n.out.String(), 3000))
		}
	})
	for deadline := time.Now().Add(90 * time.Second); !strings.Contains(n.out.String(), "vaxbook is serving on"); time.Sleep(100 * time.Millisecond) {
		select {
		case <-n.done:
			c.t.Fatalf("instance exited: %v\n%s", n.err, n.out.String())
		default:
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("instance did not start:\n%s", n.out.String())
		}
	}
	c.nodes = append(c.nodes, n)
	return n
}

// admin calls the operator API at base and fails the test on anything but 200.
func admin(t *testing.T, base, method, path, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
	}
}

// deletePrefix deletes every key under prefix with SCAN and DEL: other tests share
// the server, so FLUSHALL is never an option.
func deletePrefix(t *testing.T, url, prefix string) int {
	ctx := context.Background()
	rdb, err := redis.Open(ctx, url)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer rdb.Close()
	n := 0
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
		n++
	}
	return n
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
