package vaxbook_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vaxbook"
)

// TestRulesAreIndependentOfTheLocalZone runs the source's example with the process's local
// zone set to UTC, as on a typical container. The rules must read Seoul wall-clock time
// whatever time.Local is. It must not run in parallel with other tests, since it changes
// a process-wide variable.
func TestRulesAreIndependentOfTheLocalZone(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = saved })

	t.Run("DateOf 11:00Z is 20:00 KST on the same day", func(t *testing.T) {
		if got := vaxbook.DateOf(mustTime(t, "2021-08-12T11:00:00Z")); got.String() != "2021-08-12" {
			t.Errorf("DateOf = %s, want 2021-08-12", got)
		}
	})
	t.Run("DateOf 15:30Z is 00:30 KST on the next day", func(t *testing.T) {
		if got := vaxbook.DateOf(mustTime(t, "2021-08-12T15:30:00Z")); got.String() != "2021-08-13" {
			t.Errorf("DateOf = %s, want 2021-08-13", got)
		}
	})
	t.Run("DateOf a local-zone wall clock reads the day in Seoul", func(t *testing.T) {
		// 20:00 in the (UTC) local zone is 05:00 KST the next morning.
		local := time.Date(2021, time.August, 12, 20, 0, 0, 0, time.Local)
		if got := vaxbook.DateOf(local); got.String() != "2021-08-13" {
			t.Errorf("DateOf(%v) = %s, want 2021-08-13", local, got)
		}
	})
	t.Run("source example window", func(t *testing.T) {
		checkExampleWindow(t)
	})
	t.Run("ParseDate and At do not depend on the local zone", func(t *testing.T) {
		d := mustDate(t, "2021-08-12")
		if !d.At(20, 0).Equal(mustTime(t, "2021-08-12T11:00:00Z")) {
			t.Errorf("At(20, 0) = %v, want 2021-08-12T11:00:00Z", d.At(20, 0))
		}
		if got := d.AddDays(1).String(); got != "2021-08-13" {
			t.Errorf("AddDays(1) = %s, want 2021-08-13", got)
		}
	})
}

// checkExampleWindow checks the source's example on the 2021 campaign: born 1981-07-12,
// group 2, may book from 2021-08-12 20:00 to 2021-08-13 18:00 KST and not a second
// outside it. It is shared by the local-zone test and the no-zoneinfo child process.
func checkExampleWindow(t *testing.T) {
	t.Helper()
	c := mustCampaign2021(t)
	birth := mustDate(t, "1981-07-12")
	if g := vaxbook.GroupOf(birth); g != 2 {
		t.Errorf("GroupOf(1981-07-12) = %d, want 2", g)
	}
	for _, tc := range []struct {
		at   string
		open bool
	}{
		{"2021-08-12T10:59:59Z", false},
		{"2021-08-12T11:00:00Z", true},
		{"2021-08-13T08:59:59Z", true},
		{"2021-08-13T09:00:00Z", false},
	} {
		_, err := c.CheckBookable(birth, mustTime(t, tc.at))
		if open := err == nil; open != tc.open {
			t.Errorf("CheckBookable(1981-07-12, %s): open = %v (err %v), want %v", tc.at, open, err, tc.open)
		}
	}
	_, err := c.CheckBookable(birth, mustTime(t, "2021-08-12T10:59:59Z"))
	if e := asError(t, err); !e.RetryAt.Equal(mustTime(t, "2021-08-12T20:00:00+09:00")) {
		t.Errorf("RetryAt before opening = %v, want 2021-08-12 20:00 KST", e.RetryAt)
	}
}

// childEnv marks the re-executed test binary in TestRulesWithoutZoneinfo.
const childEnv = "VAXBOOK_TEST_NO_ZONEINFO_CHILD"

// TestRulesWithoutZoneinfo checks that the rules work on a server with no zoneinfo files.
//
// Removing the system's zoneinfo directories (/usr/share/zoneinfo, $GOROOT/lib/time …)
// from under a test is not practical, so the test argues in two parts instead:
//
//  1. Statically: no non-test file of the package refers to time.LoadLocation,
//     time.LoadLocationFromTZData or time.Local (checked on the syntax tree, so a comment
//     that mentions them does not count). Seoul is a time.FixedZone, so nothing in the
//     package can need a zoneinfo file at all.
//  2. Dynamically: the test binary re-executes itself with ZONEINFO pointing nowhere
//     and TZ set to UTC or to a zone name that cannot be found (Go then falls back to
//     UTC), and the child computes the source's example window, which must still be
//     20:00 to 18:00 in Seoul.
func TestRulesWithoutZoneinfo(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		if _, off := time.Now().In(time.Local).Zone(); off != 0 {
			t.Fatalf("child's local zone has offset %d s, want UTC", off)
		}
		checkExampleWindow(t)
		if got := vaxbook.DateOf(mustTime(t, "2021-08-12T15:30:00Z")); got.String() != "2021-08-13" {
			t.Errorf("DateOf(2021-08-12T15:30:00Z) = %s, want 2021-08-13", got)
		}
		return
	}

	t.Run("no non-test file loads a zone or reads the local zone", func(t *testing.T) {
		files, err := filepath.Glob("*.go")
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		checked := 0
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			timeName := ""
			for _, imp := range f.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
					timeName = "time"
					if imp.Name != nil {
						timeName = imp.Name.Name
					}
				}
			}
			if timeName == "" {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == timeName {
					switch sel.Sel.Name {
					case "LoadLocation", "LoadLocationFromTZData", "Local":
						t.Errorf("%s: uses time.%s; rules must use the fixed Seoul zone", fset.Position(sel.Pos()), sel.Sel.Name)
					}
				}
				return true
			})
		}
		if checked == 0 {
			t.Fatal("found no non-test .go files to check")
		}
	})

	for _, tz := range []string{"UTC", "Nowhere/Nonexistent"} {
		t.Run("child process with ZONEINFO=/nonexistent TZ="+tz, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRulesWithoutZoneinfo$", "-test.v")
			cmd.Env = append(os.Environ(), childEnv+"=1", "ZONEINFO=/nonexistent", "TZ="+tz)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child failed: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "--- PASS: TestRulesWithoutZoneinfo") {
				t.Fatalf("child did not run the test:\n%s", out)
			}
		})
	}
}
