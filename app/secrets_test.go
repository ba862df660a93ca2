package app

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsNeverAppearInLogs runs a demo with secrets of its own, plays a booking and
// greps everything the process wrote for them.
func TestSecretsNeverAppearInLogs(t *testing.T) {
	secrets := map[string]string{
		"--person-key-secret": "person-secret-" + strings.Repeat("p", 30),
		"--phone-key":         strings.Repeat("5a", 32),
		"--queue-secret":      "queue-secret-" + strings.Repeat("q", 30),
		"--operator-token":    "operator-token-" + strings.Repeat("o", 30),
	}
	args := []string{"--demo", "--demo-sites", "20", "--database", filepath.Join(t.TempDir(), "vaxbook.db"),
		"--now", "2021-08-12T20:01:00+09:00", "--log-level", "debug"}
	for flag, v := range secrets {
		args = append(args, flag, v)
	}
	in := startServe(t, args...)
	b := newBrowser(t)
	b.enterQueue(in)
	r := demoResident()
	b.verify(in, r)
	if st, rv := b.post(in.base+"/api/v1/campaigns/1/reservation", map[string]any{"site_id": 1, "date": "2021-09-01"}); st != 201 {
		t.Fatalf("booking: %d %v", st, rv)
	}
	if err := in.stop(); err != nil {
		t.Fatal(err)
	}
	written := in.stdout.String() + in.stderr.String()
	if !strings.Contains(written, "starting vaxbook") {
		t.Fatalf("the run logged nothing to check:\n%s", written)
	}
	for flag, v := range secrets {
		if strings.Contains(written, v) {
			t.Errorf("the value of %s appears in the output", flag)
		}
	}
}
