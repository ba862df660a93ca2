package app

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricsAreTheOperatorsOnly: the resident listener answers /metrics with 401
// without the operator token (booking totals and queue figures are not public), with
// the metrics given the token, and the operators' own listener serves them and the
// profiler without one.
func TestMetricsAreTheOperatorsOnly(t *testing.T) {
	token := strings.Repeat("m", 40)
	ops := freeAddr(t)
	in := startServe(t, "--demo", "--demo-sites", "30", "--database", filepath.Join(t.TempDir(), "vaxbook.db"),
		"--operator-token", token, "--ops-addr", ops)
	get := func(url, bearer string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := get(in.base+"/metrics", ""); st != http.StatusUnauthorized || strings.Contains(body, "process_cpu_seconds_total") {
		t.Errorf("public /metrics without the token: %d, want 401 and no metrics", st)
	}
	if st, _ := get(in.base+"/debug/pprof/", token); st != http.StatusNotFound {
		t.Errorf("public profiler: %d, want 404", st)
	}
	if st, body := get(in.base+"/metrics", token); st != 200 || !strings.Contains(body, "process_cpu_seconds_total") {
		t.Errorf("public /metrics with the operator token: %d", st)
	}
	if st, body := get("http://"+ops+"/metrics", ""); st != 200 || !strings.Contains(body, "process_cpu_seconds_total") {
		t.Errorf("operators' listener /metrics: %d", st)
	}
	if st, _ := get("http://"+ops+"/debug/pprof/", ""); st != 200 {
		t.Errorf("operators' listener profiler: %d", st)
	}
}

// TestPlainHTTPOutsideTheDemoIsRefused: a production start without an https public URL
// would lose Secure cookies and HSTS silently; it is refused unless asked for, and an
// https public URL turns Secure on by itself.
func TestPlainHTTPOutsideTheDemoIsRefused(t *testing.T) {
	keys := []string{"--person-key-secret", strings.Repeat("s", 40), "--phone-key", strings.Repeat("ab", 32), "--queue-secret", strings.Repeat("q", 40)}
	for _, tc := range []struct {
		name   string
		args   []string
		ok     bool
		secure bool
	}{
		{"production over plain HTTP", keys, false, false},
		{"production with an https public URL", append([]string{"--public-url", "https://vaxbook.example"}, keys...), true, true},
		{"test deployment asking for plain HTTP", append([]string{"--insecure-http"}, keys...), true, false},
		{"the demo", []string{"--demo"}, true, false},
		{"the demo behind TLS", []string{"--demo", "--public-url", "https://demo.example"}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := ParseConfig("serve", tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.checkTransport(); (err == nil) != tc.ok {
				t.Errorf("checkTransport = %v, want ok=%v", err, tc.ok)
			}
			if cfg.SecureCookies != tc.secure {
				t.Errorf("SecureCookies = %v, want %v", cfg.SecureCookies, tc.secure)
			}
		})
	}
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprintf("127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
}
