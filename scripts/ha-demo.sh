#!/usr/bin/env bash
# Starts the production topology of docs/OPERATIONS.md ("High availability") on this
# machine, on ports of its own, for an operator to try failovers by hand:
#
#   etcd                      127.0.0.1:18331            (Patroni's leader key)
#   PostgreSQL pg1, pg2       127.0.0.1:18311, :18312    (Patroni REST :18321, :18322)
#   Redis master, replica     127.0.0.1:18341, :18342
#   Redis Sentinels           127.0.0.1:18351..18353     (master name "vaxbook")
#   vaxbook serve ×2          127.0.0.1:18301, :18302
#   HAProxy                   127.0.0.1:18300            (open this one)
#
# It never touches the machine's PostgreSQL on 5432 or Redis on 6379. Everything runs in
# the foreground of this script and is stopped, and its folder removed, on Ctrl-C (or
# SIGTERM).
# Needs root (PostgreSQL runs as the postgres user) and Debian's patroni, etcd-server,
# redis-sentinel and haproxy, which it installs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in patroni etcd redis-sentinel haproxy; do
  if ! command -v "$tool" >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patroni etcd-server redis-sentinel haproxy
    break
  fi
done

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
NOW=${NOW:-2021-08-12T20:01:00+09:00}
TOKEN=${TOKEN:-$(openssl rand -hex 20)}
WORK=$(mktemp -d /tmp/vaxbook-ha-demo.XXXXXX)
chmod 755 "$WORK"
chown postgres: "$WORK"
PIDS=()

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill -CONT -- "-$pid" 2>/dev/null; kill -- "-$pid" 2>/dev/null; done
  # PostgreSQL runs in sessions of its own, outside Patroni's process group.
  for node in pg1 pg2; do
    pm=$(head -1 "$WORK/$node/postmaster.pid" 2>/dev/null) || continue
    kill -CONT "$pm" 2>/dev/null; kill -QUIT "$pm" 2>/dev/null
  done
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in a process group of its own, logging to $WORK/NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

echo "building vaxbook"
go build -o "$WORK/vaxbook" ./cmd/vaxbook

start etcd etcd --name e1 --data-dir "$WORK/etcd" \
  --listen-client-urls http://127.0.0.1:18331 --advertise-client-urls http://127.0.0.1:18331 \
  --listen-peer-urls http://127.0.0.1:18332 --initial-advertise-peer-urls http://127.0.0.1:18332 \
  --initial-cluster e1=http://127.0.0.1:18332 --enable-v2=true

# The settings that matter are explained in docs/OPERATIONS.md: synchronous_mode makes a
# commit wait for the standby; ttl/loop_wait/retry_timeout decide how fast a dead
# primary is replaced (ttl 10 here: a failover in about 10 s).
for i in 1 2; do
  cat >"$WORK/pg$i.yml" <<EOF
scope: vaxbook
namespace: /vaxbook/
name: pg$i
restapi:
  listen: 127.0.0.1:1832$i
  connect_address: 127.0.0.1:1832$i
etcd:
  host: 127.0.0.1:18331
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
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
  listen: 127.0.0.1:1831$i
  connect_address: 127.0.0.1:1831$i
  data_dir: $WORK/pg$i
  bin_dir: $PG_BIN
  pgpass: $WORK/pgpass-pg$i
  authentication:
    superuser: {username: postgres}
    replication: {username: postgres}
  parameters:
    unix_socket_directories: $WORK
    max_connections: 200
EOF
  chown postgres: "$WORK/pg$i.yml"
  start "patroni-pg$i" runuser -u postgres -- patroni "$WORK/pg$i.yml"
done

start redis-master redis-server --bind 127.0.0.1 --port 18341 --save "" --appendonly no --dir "$WORK"
start redis-replica redis-server --bind 127.0.0.1 --port 18342 --save "" --appendonly no --dir "$WORK" --replicaof 127.0.0.1 18341
for i in 1 2 3; do
  printf 'bind 127.0.0.1\nport 1835%d\ndir %s\nsentinel monitor vaxbook 127.0.0.1 18341 2\nsentinel down-after-milliseconds vaxbook 3000\nsentinel failover-timeout vaxbook 10000\n' \
    "$i" "$WORK" >"$WORK/sentinel$i.conf"
  start "sentinel$i" redis-sentinel "$WORK/sentinel$i.conf"
done

echo "waiting for a PostgreSQL leader and its synchronous standby"
for _ in $(seq 1 120); do
  roles=$(curl -s http://127.0.0.1:18321/cluster 2>/dev/null || true)
  if grep -q '"leader"' <<<"$roles" && grep -q '"sync_standby"' <<<"$roles"; then break; fi
  sleep 1
done
grep -q '"sync_standby"' <<<"$roles" || { echo "Patroni did not form the cluster; logs in $WORK"; tail -20 "$WORK"/patroni-pg*.log; exit 1; }

DB="postgres://postgres@127.0.0.1:18311,127.0.0.1:18312/postgres?sslmode=disable&target_session_attrs=read-write&connect_timeout=2"
REDIS="redis://127.0.0.1:18351/0?master_name=vaxbook&addr=127.0.0.1:18352&addr=127.0.0.1:18353"
for i in 1 2; do
  start "vaxbook$i" "$WORK/vaxbook" serve --demo --demo-sites 200 --database "$DB" --redis "$REDIS" \
    --now "$NOW" --addr "127.0.0.1:1830$i" --operator-token "$TOKEN" --trusted-proxies 127.0.0.1
  # The first instance migrates and loads the demo data; the second waits for it.
  for _ in $(seq 1 180); do grep -q "vaxbook is serving on" "$WORK/vaxbook$i.log" && break; sleep 1; done
  grep -q "vaxbook is serving on" "$WORK/vaxbook$i.log" || { echo "instance $i did not start:"; tail -20 "$WORK/vaxbook$i.log"; exit 1; }
done

cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option redispatch
  option forwardfor
frontend vaxbook
  bind 127.0.0.1:18300
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  cookie VBSRV insert indirect nocache httponly
  server s1 127.0.0.1:18301 check inter 1s fall 2 rise 1 cookie s1
  server s2 127.0.0.1:18302 check inter 1s fall 2 rise 1 cookie s2
EOF
start haproxy haproxy -db -f "$WORK/haproxy.cfg"

cat <<EOF

vaxbook HA demo is up: http://127.0.0.1:18300  (operator token $TOKEN, clock $NOW)
logs: $WORK

  who leads PostgreSQL:   curl -s http://127.0.0.1:18321/cluster
  kill the primary:       kill -9 <patroni pid> <postmaster pid>   (pids: ps -ef | grep $WORK)
  planned switchover:     patronictl -c $WORK/pg1.yml switchover --force
  Redis master:           redis-cli -p 18351 sentinel get-master-addr-by-name vaxbook
  kill the Redis master:  kill -9 $(redis-cli -p 18341 info server | sed -n "s/^process_id:\([0-9]*\).*/\1/p")
  load:                   $WORK/vaxbook loadgen --target http://127.0.0.1:18300 --users 500 --sites 200 --database '$DB'

Ctrl-C stops everything.
EOF
wait
