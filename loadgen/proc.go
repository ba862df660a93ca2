package loadgen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: Linux reports them in
// USER_HZ ticks, 100 a second on every architecture Go runs on Linux with.
const userHZ = 100

// procStat is what the load generator reads from /proc/<pid>/stat.
type procStat struct {
	pid, ppid int
	comm      string
	// utime and stime are the process's own CPU ticks; cutime and cstime those of its
	// children that it has waited for (for a PostgreSQL postmaster: every backend that
	// has exited).
	utime, stime, cutime, cstime uint64
}

// readProcStat reads /proc/<pid>/stat under root (normally "/proc").
func readProcStat(root string, pid int) (procStat, error) {
	raw, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	return parseProcStat(raw)
}

// parseProcStat parses one /proc/<pid>/stat line. The command name is in parentheses
// and may itself hold spaces and parentheses, so the fields are counted from the last
// closing parenthesis.
func parseProcStat(raw []byte) (procStat, error) {
	open, end := bytes.IndexByte(raw, '('), bytes.LastIndexByte(raw, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("proc stat %q: no command name", raw)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(raw[:open])))
	if err != nil {
		return procStat{}, fmt.Errorf("proc stat: pid: %w", err)
	}
	// Fields from the state on: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
	f := bytes.Fields(raw[end+1:])
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("proc stat of %d: %d fields", pid, len(f)+2)
	}
	field := func(n int) uint64 { // n is the field's number in proc(5)
		v, _ := strconv.ParseUint(string(f[n-3]), 10, 64)
		return v
	}
	s := procStat{pid: pid, comm: string(raw[open+1 : end]), ppid: int(field(4)),
		utime: field(14), stime: field(15), cutime: field(16), cstime: field(17)}
	return s, nil
}

// clusterCPU returns the CPU seconds a PostgreSQL cluster has used so far: its
// postmaster's own time, every live child's (backends, WAL writer, checkpointer,
// autovacuum), and, through the postmaster's children totals, every child that has
// already exited. postmaster is the cluster's postmaster process id.
func clusterCPU(root string, postmaster int) (float64, error) {
	pm, err := readProcStat(root, postmaster)
	if err != nil {
		return 0, fmt.Errorf("postmaster %d: %w", postmaster, err)
	}
	ticks := pm.utime + pm.stime + pm.cutime + pm.cstime
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == postmaster {
			continue
		}
		s, err := readProcStat(root, pid)
		if err != nil || s.ppid != postmaster {
			continue // gone since the listing, or not this cluster's
		}
		// A child's own children (none in PostgreSQL today) are in its cutime.
		ticks += s.utime + s.stime + s.cutime + s.cstime
	}
	return float64(ticks) / userHZ, nil
}
