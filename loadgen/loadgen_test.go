package loadgen

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServer builds the real vaxbook binary and starts `vaxbook serve --demo` on an
// SQLite file and a free port, as an operator would; the test's cleanup stops it. It
// returns the base URL and the database path.
// testOperatorToken lets the load generator read the server's /metrics, which the
// public listener serves to operators only.
var testOperatorToken = strings.Repeat("o", 40)

func startServer(t *testing.T, args ...string) (base, db string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "vaxbook")
	build := exec.Command("go", "build", "-o", bin, "vaxbook/cmd/vaxbook")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build vaxbook: %v\n%s", err, out)
	}
	db = filepath.Join(dir, "vaxbook.db")
	cmd := exec.Command(bin, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--database", db,
		"--log-level", "error", "--operator-token", testOperatorToken}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
	})
	serving := regexp.MustCompile(`vaxbook is serving on (http://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := serving.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stdout) // keep the pipe drained
	}()
	select {
	case base = <-found:
	case <-time.After(2 * time.Minute):
		t.Fatal("vaxbook serve did not start")
	}
	return base, db
}

// TestResidentsBookThroughTheRealFlow plays 50 residents of the open group through a
// real server: every step is exercised, some book, and the database shows no
// overbooking, double booking or counter drift afterwards.
func TestResidentsBookThroughTheRealFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the real server")
	}
	base, db := startServer(t, "--demo-sites", "60", "--now", "2021-08-12T20:01:00+09:00", "--queue-rate", "1000")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := Run(ctx, Options{
		Target: base, Users: 50, Concurrency: 50, Database: db, Sites: 60, ChangeCancel: 0.3, PollCap: 500 * time.Millisecond,
		OperatorToken: testOperatorToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.Group != 2 || res.Pooled {
		t.Errorf("group %d pooled %v, want the rotation group 2 open on 2021-08-12 20:01", res.Group, res.Pooled)
	}
	if res.Booked == 0 {
		t.Fatalf("nobody booked; errors %v", res.Errors)
	}
	if res.InvariantViolations != 0 {
		t.Errorf("invariant violations: %+v", res.Audit)
	}
	for _, step := range []string{"join", "claim", "verify", "search", "book"} {
		if res.Steps[step].Count == 0 {
			t.Errorf("step %s has no samples: %v", step, res.Steps)
		}
	}
	// The claim's answer carries the lights, so nobody reads them separately.
	if n := res.Steps["methods"].Count; n != 0 {
		t.Errorf("%d residents read the lights although the claim brought them", n)
	}
	if res.CPU == nil || res.CPU.ServerS <= 0 || res.CPU.LoadgenS <= 0 || res.CPU.ServerMSPerBooking <= 0 {
		t.Errorf("CPU %+v: both sides' CPU time should be measured (the server's from /metrics)", res.CPU)
	}
	if res.Verifications <= res.Booked {
		t.Errorf("%d verifications for %d bookings: about half the residents should verify twice", res.Verifications, res.Booked)
	}
	if res.Booked+res.Failed != int64(res.Users) {
		t.Errorf("booked %d + failed %d != users %d", res.Booked, res.Failed, res.Users)
	}
}
