package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJobsAndImportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "vaxbook.db")
	var out, errOut bytes.Buffer
	if err := loadDemo(ctx, []string{"--database", db, "--demo-sites", "20"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"jobs", "fix", "--date", "2021-08-26", "--database", db}, &out, &errOut); err != nil || !strings.Contains(out.String(), `"Done":0`) {
		t.Errorf("jobs fix on a day without reservations: %v %s", err, out.String())
	}
	if err := run(ctx, []string{"jobs", "fix", "--date", "2021-02-30", "--database", db}, &out, &errOut); err == nil {
		t.Error("jobs fix accepted an impossible date")
	}
	bad := filepath.Join(dir, "capacities.csv")
	os.WriteFile(bad, []byte("site_id,date,quantity\n1,2021-09-01,40\n2,2021-09-01,-3\n"), 0o644)
	err := run(ctx, []string{"import", "capacities", bad, "--database", db}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("import of a file with a bad line 3: %v", err)
	}
}
