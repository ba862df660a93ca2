package loadgen

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
	m := startDB(ctx, url)
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
	if after-before < spent {
		t.Errorf("cluster CPU grew by %.2f s, less than the %.2f s the exited backend used", after-before, spent)
	}
	db := m.stop(ctx, 1)
	if db.Method != dbMethodProc || db.CPUS < spent || db.MSPerBooking != round(db.CPUS*1000) {
		t.Errorf("meter reported %+v, want the proc method and at least %.2f s", db, spent)
	}
	if db.TransactionsPerBooking < 1 {
		t.Errorf("transactions per booking %v, want at least the query's", db.TransactionsPerBooking)
	}
}

func TestSQLiteRunsInTheServer(t *testing.T) {
	db := startDB(context.Background(), filepath.Join(t.TempDir(), "x.db")).stop(context.Background(), 10)
	if db.Method != dbMethodInServer || db.MSPerBooking != 0 {
		t.Errorf("SQLite: %+v, want the in-server method and 0", db)
	}
}
