package app

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// tools are the packages behind cmd/vaxbook's loadgen, bench and simulate commands:
// they measure the service and may depend on anything, but nothing the service runs
// on may depend on them.
var tools = []string{"vaxbook/loadgen", "vaxbook/bench", "vaxbook/simulate"}

// TestToolsStayOutOfTheProductionGraph asks the go tool for the import graph (test
// files excluded): `go list -deps` of app, api and web names none of the tools, and
// no package of the module besides cmd/vaxbook and the tools themselves imports one,
// directly or not.
func TestToolsStayOutOfTheProductionGraph(t *testing.T) {
	gotool := goTool(t)
	out, err := exec.Command(gotool, "list", "-deps", "-f", "{{.ImportPath}}", "vaxbook/app", "vaxbook/api", "vaxbook/web").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", stderrOf(err))
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "vaxbook/app") || !slices.Contains(deps, "vaxbook/queue") {
		t.Fatalf("go list -deps of app, api and web lacks app or queue; the check would prove nothing:\n%s", out)
	}
	for _, tool := range tools {
		if slices.Contains(deps, tool) {
			t.Errorf("the service's import graph holds %s", tool)
		}
	}

	out, err = exec.Command(gotool, "list", "-e", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", "vaxbook/...").Output()
	if err != nil {
		t.Fatalf("go list vaxbook/...: %v", stderrOf(err))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 20 {
		t.Fatalf("go list vaxbook/... names %d packages; want the whole module", len(lines))
	}
	for _, line := range lines {
		f := strings.Fields(line)
		pkg, pkgDeps := f[0], f[1:]
		if pkg == "vaxbook/cmd/vaxbook" || slices.Contains(tools, pkg) {
			continue
		}
		for _, tool := range tools {
			if slices.Contains(pkgDeps, tool) {
				t.Errorf("%s depends on %s; only cmd/vaxbook may", pkg, tool)
			}
		}
	}
}

// goTool returns the go command, skipping the test where there is none (a test binary
// copied to another machine).
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(p); err == nil {
		return p
	}
	t.Skip("no go tool to list the import graph with")
	return ""
}

// stderrOf adds the go tool's standard error to err.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return err.Error() + "\n" + string(ee.Stderr)
	}
	return err.Error()
}
