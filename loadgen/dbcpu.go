package loadgen

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Database methods of measuring, named in the result.
const (
	dbMethodProc     = "proc: utime+stime of the postmaster and its children, plus the postmaster's cutime+cstime (exited backends)"
	dbMethodInServer = "in server: SQLite runs inside the server process, so its CPU is in the server's figure"
)

// DB is the database's side of the run, per booking. The process CPU counts the whole
// PostgreSQL cluster the server uses (every database in it, its WAL writer and
// checkpointer), so other work on the same cluster during the run counts too.
type DB struct {
	Method string `json:"method"`
	// CPUS is the cluster's CPU seconds during the run (0 in server or unmeasured).
	CPUS         float64 `json:"cpu_s"`
	MSPerBooking float64 `json:"db_cpu_ms_per_booking"`
	// ServerBackendsMSPerBooking is the CPU of only the backends serving the
	// servers' own connections (found through /proc when the servers run on this
	// machine, by their connections' ports), per booking: on a cluster that other
	// work shares, the figure that is this run's. It leaves out the cluster's shared
	// processes (WAL writer, checkpointer) and backends that exited during the run;
	// ServerBackendsLost counts those.
	ServerBackendsS            float64 `json:"server_backends_cpu_s,omitempty"`
	ServerBackendsMSPerBooking float64 `json:"server_backends_ms_per_booking,omitempty"`
	ServerBackends             int     `json:"server_backends,omitempty"`
	ServerBackendsLost         int     `json:"server_backends_lost,omitempty"`
	// TransactionsPerBooking are the commits and rollbacks in the server's database
	// (pg_stat_database) per booking; PostgreSQL publishes them within about a second,
	// so the last second of the run may be missing.
	TransactionsPerBooking float64 `json:"transactions_per_booking,omitempty"`
	// StatementsPerBooking are pg_stat_statements' calls in the server's database per
	// booking, when that extension is loaded and created (it needs
	// shared_preload_libraries); TopStatements the most called, per booking.
	StatementsPerBooking float64            `json:"statements_per_booking,omitempty"`
	TopStatements        map[string]float64 `json:"top_statements_per_booking,omitempty"`
	// Note says what could not be measured and why.
	Note string `json:"note,omitempty"`
}

// dbMeter reads the database's counters at the start and the end of a run.
type dbMeter struct {
	database   string
	postgres   bool
	postmaster int
	cpu0       float64
	cpuOK      bool
	xact0      int64
	xactOK     bool
	stmts0     map[string]int64
	note       []string
	// The servers' processes on this machine, the database's port, and their
	// backends' CPU ticks at the start.
	serverPIDs []int
	dbPort     int
	backends0  map[int]uint64
}

func isPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// startDB reads the database's counters before the run. It never fails the run: what
// it cannot read is left out of the result with a note.
func startDB(ctx context.Context, database string, servers []string) *dbMeter {
	m := &dbMeter{database: database, postgres: isPostgres(database)}
	if !m.postgres {
		return m
	}
	conn, err := pgx.Connect(ctx, database)
	if err != nil {
		m.notef("connect: %v", err)
		return m
	}
	defer conn.Close(ctx)
	// This connection's backend is a child of the cluster's postmaster: its parent in
	// /proc is the process to count from (when the database runs on this machine).
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		m.notef("backend pid: %v", err)
	} else if s, err := readProcStat("/proc", backend); err != nil || s.comm != "postgres" {
		m.notef("PostgreSQL's processes are not visible in /proc (another machine or namespace?)")
	} else {
		m.postmaster = s.ppid
		m.cpu0, err = clusterCPU("/proc", m.postmaster)
		m.cpuOK = err == nil
		if err != nil {
			m.notef("cluster CPU: %v", err)
		}
	}
	if m.cpuOK {
		m.startBackends(conn, servers)
	}
	m.xact0, m.xactOK = transactions(ctx, conn)
	m.stmts0 = statements(ctx, conn)
	if m.stmts0 == nil {
		m.notef("pg_stat_statements is not available (it needs shared_preload_libraries and CREATE EXTENSION); no statement counts")
	}
	return m
}

// startBackends finds the servers' processes (those on this machine) and reads the
// CPU of the backends serving them.
func (m *dbMeter) startBackends(conn *pgx.Conn, servers []string) {
	m.dbPort = int(conn.Config().Port)
	for _, base := range servers {
		u, err := url.Parse(base)
		if err != nil {
			continue
		}
		ip := net.ParseIP(u.Hostname())
		port, _ := strconv.Atoi(u.Port())
		if ip == nil || !ip.IsLoopback() || port == 0 {
			m.notef("server %s is not on this machine's loopback: its backends are not told apart", base)
			m.serverPIDs = nil
			return
		}
		pid, err := listenerPID("/proc", port)
		if err != nil {
			m.notef("server %s: %v", base, err)
			m.serverPIDs = nil
			return
		}
		m.serverPIDs = append(m.serverPIDs, pid)
	}
	ticks, err := m.serverBackends()
	if err != nil {
		m.notef("servers' backends: %v", err)
		m.serverPIDs = nil
		return
	}
	m.backends0 = ticks
}

// serverBackends reads the CPU ticks of every backend serving a server's connection.
func (m *dbMeter) serverBackends() (map[int]uint64, error) {
	ports := map[int]bool{}
	for _, pid := range m.serverPIDs {
		ps, err := clientPorts("/proc", pid, m.dbPort)
		if err != nil {
			return nil, err
		}
		for p := range ps {
			ports[p] = true
		}
	}
	return backendTicks("/proc", m.postmaster, ports)
}

func (m *dbMeter) notef(format string, args ...any) {
	m.note = append(m.note, fmt.Sprintf(format, args...))
}

// stop reads the counters after the run and returns the database's share for booked
// bookings.
func (m *dbMeter) stop(ctx context.Context, booked int64) *DB {
	if !m.postgres {
		return &DB{Method: dbMethodInServer}
	}
	out := &DB{Method: dbMethodProc}
	per := func(v float64) float64 {
		if booked == 0 {
			return 0
		}
		return round(v / float64(booked))
	}
	if m.cpuOK {
		if c, err := clusterCPU("/proc", m.postmaster); err == nil {
			out.CPUS = round(c - m.cpu0)
			out.MSPerBooking = per(out.CPUS * 1000)
		} else {
			m.notef("cluster CPU after the run: %v", err)
		}
	}
	if len(m.serverPIDs) > 0 {
		if after, err := m.serverBackends(); err != nil {
			m.notef("servers' backends after the run: %v", err)
		} else {
			var ticks uint64
			for pid, t := range after {
				ticks += t - min(t, m.backends0[pid])
			}
			for pid := range m.backends0 {
				if _, ok := after[pid]; !ok {
					out.ServerBackendsLost++
				}
			}
			out.ServerBackends = len(after)
			out.ServerBackendsS = round(float64(ticks) / userHZ)
			out.ServerBackendsMSPerBooking = per(out.ServerBackendsS * 1000)
		}
	}
	conn, err := pgx.Connect(ctx, m.database)
	if err != nil {
		m.notef("connect after the run: %v", err)
	} else {
		defer conn.Close(ctx)
		if x, ok := transactions(ctx, conn); ok && m.xactOK {
			out.TransactionsPerBooking = per(float64(x - m.xact0))
		}
		if m.stmts0 != nil {
			if after := statements(ctx, conn); after != nil {
				out.TopStatements = topStatements(m.stmts0, after, booked, 8)
				var total int64
				for q, n := range after {
					total += n - m.stmts0[q]
				}
				out.StatementsPerBooking = per(float64(total))
			}
		}
	}
	out.Note = strings.Join(m.note, "; ")
	return out
}

// transactions reads the commits and rollbacks of the connection's database.
func transactions(ctx context.Context, conn *pgx.Conn) (int64, bool) {
	var n int64
	err := conn.QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&n)
	return n, err == nil
}

// statements reads pg_stat_statements' calls per statement text in the connection's
// database; nil when the extension is not there.
func statements(ctx context.Context, conn *pgx.Conn) map[string]int64 {
	rows, err := conn.Query(ctx, `SELECT query, sum(calls)::bigint FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY query`)
	if err != nil {
		return nil
	}
	out := map[string]int64{}
	for rows.Next() {
		var q string
		var n int64
		if rows.Scan(&q, &n) != nil {
			return nil
		}
		out[q] = n
	}
	if rows.Err() != nil {
		return nil
	}
	return out
}

// topStatements returns the k statements called most during the run, per booking,
// their text shortened to 120 characters.
func topStatements(before, after map[string]int64, booked int64, k int) map[string]float64 {
	type qc struct {
		q string
		n int64
	}
	var all []qc
	for q, n := range after {
		if d := n - before[q]; d > 0 {
			all = append(all, qc{q, d})
		}
	}
	if booked == 0 || len(all) == 0 {
		return nil
	}
	slices.SortFunc(all, func(a, b qc) int { return cmp.Compare(b.n, a.n) })
	out := map[string]float64{}
	for _, s := range all[:min(k, len(all))] {
		q := strings.Join(strings.Fields(s.q), " ")
		if len(q) > 120 {
			q = q[:120] + "…"
		}
		out[q] = round(float64(s.n) / float64(booked))
	}
	return out
}
