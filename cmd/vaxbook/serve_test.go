package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the serve goroutine and the test share.
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

// TestServeCommandRunsTheAppUntilTheContextEnds runs `vaxbook serve` as main does: the
// flags reach the app (it serves the demo on the address it prints) and the end of the
// context stops it without an error. The app's own behaviour is tested in package app.
func TestServeCommandRunsTheAppUntilTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr lockedBuffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--demo", "--demo-sites", "20",
			"--database", filepath.Join(t.TempDir(), "vaxbook.db"), "--now", "2021-08-12T20:01:00+09:00"}, &stdout, &stderr)
	}()
	serving := regexp.MustCompile(`serving on (http://\S+) `)
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-errc:
			t.Fatalf("serve stopped before serving: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not say where it serves:\n%s", stderr.String())
		}
	}
	resp, err := http.Get(base + "/api/v1/identity/methods")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/v1/identity/methods: %d, want 200", resp.StatusCode)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("serve after its context ended: %v, want nil\n%s", err, stderr.String())
	}
}

// TestServeCommandRefusesAnUnknownFlag: a mistyped flag stops serve before anything
// opens.
func TestServeCommandRefusesAnUnknownFlag(t *testing.T) {
	var stdout, stderr lockedBuffer
	if err := run(t.Context(), []string{"serve", "--no-such-flag"}, &stdout, &stderr); err == nil {
		t.Error("serve --no-such-flag: no error")
	}
}
