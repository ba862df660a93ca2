package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The high-availability tests run the production topology on loopback ports of their
// own: etcd and two Patroni-managed PostgreSQL servers (one synchronous standby), and
// two Redis servers watched by three Sentinels. They never touch the machine's
// PostgreSQL on 5432 or Redis on 6379. Debian packages the tools: patroni, etcd-server,
// redis-sentinel (.ci/run installs them).

// haTiming is the failover tooling's clock: Patroni's leader key lives ttl seconds and
// is renewed every loop_wait, so a dead primary is replaced within about ttl plus one
// loop; Sentinel calls a master down after down-after-milliseconds. Short values make
// failover fast and would make a loaded network flap; OPERATIONS.md gives production
// values.
const (
	patroniTTL       = 5
	patroniLoopWait  = 1
	patroniRetry     = 2
	sentinelDownMS   = 1000
	sentinelFailover = 5000
)

// requireHA skips t unless the fault tests run and the tools are installed; with
// REQUIRE_BALANCER=1 (CI, where nothing may skip) a missing tool fails it instead.
func requireHA(t *testing.T) {
	t.Helper()
	requireFaults(t)
	for _, bin := range []string{"patroni", "etcd", "redis-server", "redis-sentinel", filepath.Join(pgBinDir(), "postgres")} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("REQUIRE_BALANCER") == "1" {
				t.Fatalf("%s is not installed (apt-get install patroni etcd-server redis-sentinel)", bin)
			}
			t.Skipf("%s is not installed (apt-get install patroni etcd-server redis-sentinel)", bin)
		}
	}
}

// pgBinDir is the folder of the newest PostgreSQL Debian installed
// (/usr/lib/postgresql/<major>/bin), the one the machine's own cluster runs.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, major := "/usr/lib/postgresql/15/bin", 0
	for _, d := range dirs {
		if v, err := strconv.Atoi(filepath.Base(filepath.Dir(d))); err == nil && v > major {
			best, major = d, v
		}
	}
	return best
}

// haDir makes a folder the postgres user owns, removed when the test ends: PostgreSQL
// refuses to run as root, and t.TempDir is closed to other users.
func haDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vaxbook-ha-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pg, err := user.Lookup("postgres")
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	return dir
}

// proc is one process of the topology, in a process group of its own so that a kill
// or a stop reaches every process it started.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
}

// startProc runs argv (as the postgres user when asPostgres) until the test ends.
func startProc(t *testing.T, name string, asPostgres bool, argv ...string) *proc {
	t.Helper()
	if asPostgres {
		argv = append([]string{"runuser", "-u", "postgres", "--"}, argv...)
	}
	p := &proc{name: name, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A child in a session of its own (the postmaster) may hold the output pipe
	// after its parent died: Wait must not wait for it.
	p.cmd.WaitDelay = time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGCONT)
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		if t.Failed() {
			t.Logf("output of %s:\n%s", name, tail(p.out.String(), 2500))
		}
	})
	return p
}

// signal sends sig to the process's whole group.
func (p *proc) signal(sig syscall.Signal) error {
	return syscall.Kill(-p.cmd.Process.Pid, sig)
}

// pgNode is one PostgreSQL server and the Patroni agent that runs it.
type pgNode struct {
	name    string
	port    int
	api     string // Patroni's REST API
	dataDir string
	patroni *proc
}

// postgresPIDs lists the node's PostgreSQL processes, postmaster first: Patroni starts
// the postmaster in a session of its own and PostgreSQL puts every child (backend,
// walsender, checkpointer) in a session of its own too, so no process group holds
// them all and each is signalled by its pid.
func (n *pgNode) postgresPIDs() ([]int, error) {
	raw, err := os.ReadFile(filepath.Join(n.dataDir, "postmaster.pid"))
	if err != nil {
		return nil, err
	}
	pm, err := strconv.Atoi(strings.SplitN(string(raw), "\n", 2)[0])
	if err != nil {
		return nil, err
	}
	// A file left by a dead postmaster may name a process that reused its pid.
	if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pm)); err != nil || !strings.Contains(string(cmdline), n.dataDir) {
		return nil, fmt.Errorf("postmaster %d of %s is gone", pm, n.dataDir)
	}
	pids := []int{pm}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// The fields after the command's closing parenthesis: state, ppid, …
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pm) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// signal sends sig to the whole node, Patroni and PostgreSQL, as the death (SIGKILL)
// or the isolation (SIGSTOP) of the machine they run on would reach both.
func (n *pgNode) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := n.send(sig); err != nil {
		t.Fatalf("%s: %v", n.name, err)
	}
}

// send is signal for goroutines other than the test's: it returns an error instead
// of failing the test. The postmaster goes first, so that it forks nothing after.
func (n *pgNode) send(sig syscall.Signal) error {
	pids, err := n.postgresPIDs()
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if err := n.patroni.signal(sig); err != nil {
		return fmt.Errorf("signal Patroni: %w", err)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && pid == pids[0] {
			return fmt.Errorf("signal the postmaster: %w", err)
		}
	}
	return nil
}

// pgCluster is etcd and two Patroni nodes.
type pgCluster struct {
	etcd  *proc
	nodes []*pgNode
}

// startPatroni starts etcd and two Patroni nodes with synchronous_mode and waits until
// one is the leader and the other its synchronous standby.
func startPatroni(t *testing.T) *pgCluster {
	t.Helper()
	dir := haDir(t)
	client, peer := freePort(t), freePort(t)
	c := &pgCluster{}
	c.etcd = startProc(t, "etcd", false, "etcd", "--name", "e1", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", fmt.Sprintf("http://127.0.0.1:%d", client),
		"--advertise-client-urls", fmt.Sprintf("http://127.0.0.1:%d", client),
		"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", peer),
		"--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", peer),
		"--initial-cluster", fmt.Sprintf("e1=http://127.0.0.1:%d", peer),
		// Debian's Patroni speaks etcd's v2 API (python3-etcd).
		"--enable-v2=true")
	for i := 1; i <= 2; i++ {
		n := &pgNode{name: fmt.Sprintf("pg%d", i), port: freePort(t), dataDir: filepath.Join(dir, fmt.Sprintf("pg%d", i))}
		api := freePort(t)
		n.api = fmt.Sprintf("http://127.0.0.1:%d", api)
		cfg := filepath.Join(dir, n.name+".yml")
		if err := os.WriteFile(cfg, []byte(patroniConfig(n, dir, api, client)), 0o644); err != nil {
			t.Fatal(err)
		}
		c.nodes = append(c.nodes, n)
	}
	// Both start at once: the first to take the initialize key bootstraps, the
	// other clones it.
	for _, n := range c.nodes {
		n.patroni = startProc(t, "patroni "+n.name, true, "patroni", filepath.Join(dir, n.name+".yml"))
		// Registered after Patroni's, so it runs first: PostgreSQL outlives
		// Patroni's process group otherwise.
		t.Cleanup(func() {
			if pids, err := n.postgresPIDs(); err == nil {
				for _, pid := range pids {
					syscall.Kill(pid, syscall.SIGCONT)
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		})
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		roles := c.roles()
		if len(roles) == 2 && ((roles["pg1"] == "leader" && roles["pg2"] == "sync_standby") || (roles["pg2"] == "leader" && roles["pg1"] == "sync_standby")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no leader with a synchronous standby after 90 s: %v", roles)
		}
	}
	return c
}

// patroniConfig is one node's configuration: synchronous_mode makes Patroni name the
// standby in synchronous_standby_names, so a commit is acknowledged only once it is on
// both servers, and only that standby may be promoted.
func patroniConfig(n *pgNode, dir string, api, etcd int) string {
	return fmt.Sprintf(`scope: vaxbook
namespace: /vaxbook/
name: %[1]s
restapi:
  listen: 127.0.0.1:%[2]d
  connect_address: 127.0.0.1:%[2]d
etcd:
  host: 127.0.0.1:%[3]d
bootstrap:
  dcs:
    ttl: %[7]d
    loop_wait: %[8]d
    retry_timeout: %[9]d
    maximum_lag_on_failover: 0
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: "on"
        max_wal_senders: 5
        max_replication_slots: 5
  initdb:
    - encoding: UTF8
    - auth-local: trust
    - auth-host: trust
  pg_hba:
    - local all all trust
    - host replication postgres 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:%[4]d
  connect_address: 127.0.0.1:%[4]d
  data_dir: %[5]s
  bin_dir: %[10]s
  pgpass: %[6]s/pgpass-%[1]s
  authentication:
    superuser: {username: postgres}
    replication: {username: postgres}
  parameters:
    unix_socket_directories: %[6]s
    shared_buffers: 32MB
    max_connections: 100
`, n.name, api, etcd, n.port, n.dataDir, dir, patroniTTL, patroniLoopWait, patroniRetry, pgBinDir())
}

// roles asks each live node's Patroni for the cluster's members and their roles.
func (c *pgCluster) roles() map[string]string {
	client := &http.Client{Timeout: time.Second}
	for _, n := range c.nodes {
		resp, err := client.Get(n.api + "/cluster")
		if err != nil {
			continue
		}
		var body struct {
			Members []struct{ Name, Role, State string }
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			continue
		}
		out := map[string]string{}
		for _, m := range body.Members {
			if m.State == "running" || m.State == "streaming" {
				out[m.Name] = m.Role
			}
		}
		return out
	}
	return nil
}

// leader returns the node that accepts writes now.
func (c *pgCluster) leader(t *testing.T) *pgNode {
	t.Helper()
	for _, n := range c.nodes {
		if c.roles()[n.name] == "leader" {
			return n
		}
	}
	t.Fatal("no leader")
	return nil
}

// url is the multi-host URL the instances use: pgx tries each server and keeps the
// one that accepts writes, and gives each one connect_timeout, so a stopped server
// does not hold a new connection forever.
func (c *pgCluster) url() string {
	hosts := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		hosts[i] = fmt.Sprintf("127.0.0.1:%d", n.port)
	}
	return "postgres://postgres@" + strings.Join(hosts, ",") + "/postgres?sslmode=disable&target_session_attrs=read-write&connect_timeout=2"
}

// nodeURL is the URL of one server alone, to read what it holds.
func (n *pgNode) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", n.port)
}

// awaitPromoted waits until n accepts writes and returns when it first did.
func awaitPromoted(n *pgNode, within time.Duration) (time.Time, error) {
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, n.url())
		if err == nil {
			var recovery bool
			err = conn.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&recovery)
			conn.Close(ctx)
			if err == nil && !recovery {
				cancel()
				return time.Now(), nil
			}
		}
		cancel()
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%s was not promoted within %v", n.name, within)
		}
	}
}

// redisHA is a Redis master, its replica and three Sentinels.
type redisHA struct {
	master, replica *proc
	masterPort      int
	sentinels       []int
}

// startSentinel starts the Redis pair and the Sentinels and waits until every
// Sentinel knows the replica, so that a failover can choose it.
func startSentinel(t *testing.T) *redisHA {
	t.Helper()
	dir := t.TempDir()
	r := &redisHA{masterPort: freePort(t)}
	replicaPort := freePort(t)
	server := func(name string, port int, extra ...string) *proc {
		return startProc(t, name, false, append([]string{"redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--save", "", "--appendonly", "no", "--dir", dir}, extra...)...)
	}
	r.master = server("redis master", r.masterPort)
	r.replica = server("redis replica", replicaPort, "--replicaof", "127.0.0.1", strconv.Itoa(r.masterPort))
	for i := range 3 {
		port := freePort(t)
		cfg := filepath.Join(dir, fmt.Sprintf("sentinel%d.conf", i))
		// Sentinel rewrites its file with what it learns, so each has its own.
		conf := fmt.Sprintf("bind 127.0.0.1\nport %d\ndir %s\nsentinel monitor vaxbook 127.0.0.1 %d 2\n"+
			"sentinel down-after-milliseconds vaxbook %d\nsentinel failover-timeout vaxbook %d\nsentinel parallel-syncs vaxbook 1\n",
			port, dir, r.masterPort, sentinelDownMS, sentinelFailover)
		if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		startProc(t, fmt.Sprintf("sentinel %d", i), false, "redis-sentinel", cfg)
		r.sentinels = append(r.sentinels, port)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		ready := 0
		for _, p := range r.sentinels {
			out, _ := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", strconv.Itoa(p), "sentinel", "replicas", "vaxbook").Output()
			if strings.Contains(string(out), strconv.Itoa(replicaPort)) {
				ready++
			}
		}
		if ready == len(r.sentinels) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Sentinels did not find the replica within 30 s (%d of %d)", ready, len(r.sentinels))
		}
	}
}

// url is the Sentinel URL the instances use (redis.Open's master_name form).
func (r *redisHA) url() string {
	u := fmt.Sprintf("redis://127.0.0.1:%d/0?master_name=vaxbook", r.sentinels[0])
	for _, p := range r.sentinels[1:] {
		u += fmt.Sprintf("&addr=127.0.0.1:%d", p)
	}
	return u
}

// masterAddrs is the master's address as each Sentinel reports it ("" for one that
// does not answer). Sentinels learn a failover from each other's hello messages, every
// two seconds, so for a moment after one promotes a replica the others still name the
// old master, and a client asking them dials it.
func (r *redisHA) masterAddrs() []string {
	out := make([]string, len(r.sentinels))
	for i, p := range r.sentinels {
		raw, err := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", strconv.Itoa(p), "sentinel", "get-master-addr-by-name", "vaxbook").Output()
		if f := strings.Fields(string(raw)); err == nil && len(f) == 2 {
			out[i] = f[0] + ":" + f[1]
		}
	}
	return out
}

// adminRetry is admin for an operator who retries a 503 for up to 15 s, as the
// Retry-After asks: right after a failover one instance may still be reconnecting.
func adminRetry(t *testing.T, base, method, path, body string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+operatorToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			return
		}
		if resp.StatusCode != 503 || time.Now().After(deadline) {
			t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
		}
	}
}

// newHACluster is newCluster on the test's own PostgreSQL and Redis topology.
func newHACluster(t *testing.T, pg *pgCluster, rd *redisHA, extra ...string) *cluster {
	t.Helper()
	return &cluster{t: t, db: pg.url(), redisURL: rd.url(), extra: extra,
		prefix: fmt.Sprintf("vbha:%d:", time.Now().UnixNano())}
}
