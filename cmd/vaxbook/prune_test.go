package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestJobsPruneCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "vaxbook.db")
	var out, errOut bytes.Buffer
	if err := loadDemo(ctx, []string{"--database", db, "--demo-sites", "5"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"jobs", "prune", "--database", db}, &out, &errOut); err != nil || !strings.Contains(out.String(), `"Deleted":0`) {
		t.Errorf("jobs prune on an outbox with nothing sent: %v %s", err, out.String())
	}
	if err := run(ctx, []string{"jobs", "prune", "--sent-retention", "0s", "--database", db}, &out, &errOut); err == nil {
		t.Error("jobs prune accepted a retention of zero")
	}
}
