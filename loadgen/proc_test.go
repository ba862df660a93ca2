package loadgen

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"vaxbook/postgres/pgtest"
)

func TestParseProcStatCountsFieldsFromTheLastParenthesis(t *testing.T) {
	// A command name may hold spaces and parentheses; the fields after it are fixed.
	raw := []byte("4242 (post gres) (x)) S 2222 4242 4242 0 -1 4194560 100 0 0 0 1234 56 78 9 20 0 1 0 500 1000 10\n")
	s, err := parseProcStat(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{pid: 4242, ppid: 2222, comm: "post gres) (x)", utime: 1234, stime: 56, cutime: 78, cstime: 9}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
	if _, err := parseProcStat([]byte("12 no parenthesis")); err == nil {
		t.Error("a line without a command name was accepted")
	}
}

// TestClusterCPUKeepsTheCPUOfBackendsThatExited runs work on a backend of the real
// PostgreSQL, closes it, and checks that the cluster's CPU still includes that
// backend's CPU after it exited (through the postmaster's children totals), and that
// the meter the load generator uses reports it.
func TestClusterCPUKeepsTheCPUOfBackendsThatExited(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	m := startDB(ctx, url, nil)
	if !m.cpuOK {
		t.Skipf("PostgreSQL's processes are not readable here: %v", m.note)
	}
	before, err := clusterCPU("/proc", m.postmaster)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	var sum float64
	if err := conn.QueryRow(ctx, "SELECT sum(sqrt(g)) FROM generate_series(1, 3000000) g").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	s, err := readProcStat("/proc", pid)
	if err != nil {
		t.Fatal(err)
	}
	if s.ppid != m.postmaster || s.comm != "postgres" {
		t.Fatalf("backend %d: parent %d comm %q, want the postmaster %d and postgres", pid, s.ppid, s.comm, m.postmaster)
	}
	spent := float64(s.utime+s.stime) / userHZ
	if spent <= 0 {
		t.Fatalf("the backend used no CPU for 3 million rows: %+v", s)
	}
	conn.Close(ctx)
	// Wait for the postmaster to reap the backend; its CPU then moves to cutime.
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid)))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backend %d still there 30 s after its connection closed", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	after, err := clusterCPU("/proc", m.postmaster)
	if err != nil {
		t.Fatal(err)
	}
	// The kernel adds an exited child's CPU to its parent's cutime+cstime from the
	// child's exact runtime, split into user and system by its own rounding, so the
	// sum can fall short of the last utime+stime read from /proc by a clock tick
	// (seen in CI: 0.22 s short by less than 0.005 s). Two ticks of slack, no more.
	const tick = 2.0 / userHZ
	if after-before < spent-tick {
		t.Errorf("cluster CPU grew by %.3f s, less than the %.3f s the exited backend used", after-before, spent)
	}
	db := m.stop(ctx, 1)
	if db.Method != dbMethodProc || db.CPUS < spent-tick || db.MSPerBooking != round(db.CPUS*1000) {
		t.Errorf("meter reported %+v, want the proc method and at least %.2f s", db, spent)
	}
	if db.TransactionsPerBooking < 1 {
		t.Errorf("transactions per booking %v, want at least the query's", db.TransactionsPerBooking)
	}
}

func TestSQLiteRunsInTheServer(t *testing.T) {
	db := startDB(context.Background(), filepath.Join(t.TempDir(), "x.db"), nil).stop(context.Background(), 10)
	if db.Method != dbMethodInServer || db.MSPerBooking != 0 {
		t.Errorf("SQLite: %+v, want the in-server method and 0", db)
	}
}

// TestServerBackendsAreTheServersConnectionsOnly plays the server in this test
// process: it listens (an HTTP server) and holds a connection to the real PostgreSQL
// that does work; the meter finds this process by its listening port, and counts that
// connection's backend, not the cluster's other backends.
func TestServerBackendsAreTheServersConnectionsOnly(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	m := startDB(ctx, url, []string{srv.URL})
	if !m.cpuOK {
		t.Skipf("PostgreSQL's processes are not readable here: %v", m.note)
	}
	if !slices.Equal(m.serverPIDs, []int{os.Getpid()}) {
		t.Fatalf("server processes %v, want this test's %d (notes: %v)", m.serverPIDs, os.Getpid(), m.note)
	}
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.backends0[pid]; !ok {
		t.Fatalf("backend %d of the server's connection not found among %v", pid, m.backends0)
	}
	before := m.backends0[pid]
	var sum float64
	if err := conn.QueryRow(ctx, "SELECT sum(sqrt(g)) FROM generate_series(1, 3000000) g").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	s, err := readProcStat("/proc", pid)
	if err != nil {
		t.Fatal(err)
	}
	spent := float64(s.utime+s.stime-before) / userHZ
	db := m.stop(ctx, 1)
	if db.ServerBackends < 1 || db.ServerBackendsS < spent {
		t.Errorf("server backends %d using %.2f s, want at least 1 using the %.2f s of the query", db.ServerBackends, db.ServerBackendsS, spent)
	}
	if db.CPUS < db.ServerBackendsS {
		t.Errorf("the cluster (%.2f s) used less than some of its backends (%.2f s)", db.CPUS, db.ServerBackendsS)
	}
}

func TestParseTCPLineAndBackendTitle(t *testing.T) {
	s, ok := parseTCPLine("   1: 0100007F:1F90 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 20 4 30 10 -1")
	if !ok || s.localPort != 8080 || s.remotePort != 5432 || s.listening || s.inode != 123456 {
		t.Errorf("parsed %+v", s)
	}
	if p, ok := backendPort([]byte("postgres: 15/main: postgres test 127.0.0.1(45678) idle\x00")); !ok || p != 45678 {
		t.Errorf("backend port %d %v, want 45678", p, ok)
	}
	if _, ok := backendPort([]byte("postgres: 15/main: walwriter ")); ok {
		t.Error("the WAL writer was taken for a client backend")
	}
}
