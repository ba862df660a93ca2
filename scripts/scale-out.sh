#!/usr/bin/env bash
# Shows how bookings/s grows with instances when each instance has a fixed share of CPU,
# as it would on machines of its own. For N = 1..4 (NS="1 2 3 4"), it starts N
# `vaxbook serve` instances behind Debian's HAProxy, sharing one fresh PostgreSQL database
# and one Redis prefix, puts each instance in its own cgroup capped at QUOTA CPUs (0.1 by
# default), runs `vaxbook loadgen` through the balancer, and prints one JSON line per N:
#
#   {"instances":N,"quota_cpu":Q,"bookings_per_s":R,"server_cpu_ms_per_booking":C,"violations":V,...}
#
# then a last line with the scaling efficiency rate(N) / (N × rate(1)) for every N.
#
# Only the instances are capped: HAProxy, PostgreSQL, Redis and the load generator run
# outside the quota. On a 2-core machine 4 × 0.1 CPU leaves 1.6 cores for them; at 0.15
# they ran short at N = 4 (docs/BENCHMARKS.md). A quota is only a ceiling: on a shared
# machine an instance that gets less than its quota, or a load generator or database
# starved by the neighbours, would measure the neighbours, not vaxbook. So the instances' cgroups get a high cpu.shares, and this script, what it
# starts (HAProxy, the load generator) and the PostgreSQL backends serving its database
# run in one more cgroup with the same high share and no quota.
#
# The load is a closed loop: USERS_PER (2,000) residents per instance, at most
# CONC_PER (200) in progress per instance, admission fixed at 2,000/s so that the capped
# instances, not the waiting room, are the limit; enough in progress to keep every
# instance busy, few enough that requests do not queue into the balancer's timeouts.
#
# cgroup v1 (cpu.cfs_quota_us / cpu.cfs_period_us under /sys/fs/cgroup/cpu) is used
# where mounted, else cgroup v2 (cpu.max under /sys/fs/cgroup). Needs root. Everything
# it started is stopped, and the database, Redis keys and cgroups removed, when it exits.
# It takes about 11 minutes here (each N loads the demo data into a fresh database).
set -euo pipefail
cd "$(dirname "$0")/.."

QUOTA=${QUOTA:-0.1}
NS=${NS:-1 2 3 4}
USERS_PER=${USERS_PER:-2000}
CONC_PER=${CONC_PER:-200}
SITES=${SITES:-2000}
# INSTANCE_GOMAXPROCS, when set, is the instances' GOMAXPROCS. Go sets it from the cgroup
# quota but never below 2, so an instance capped at a fraction of a CPU runs two threads
# into its quota in half the period and then stands still for the rest.
INSTANCE_GOMAXPROCS=${INSTANCE_GOMAXPROCS:-}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PG_ADMIN="$PG_SERVER/postgres?sslmode=disable"
REDIS_URL=redis://127.0.0.1:6379/0
LB_PORT=18200
# The operator token, which /metrics asks for: the load generator reads every
# instance's CPU time there.
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
PERIOD=100000
QUOTA_US=$(awk -v q="$QUOTA" -v p="$PERIOD" 'BEGIN { printf "%d", q * p }')

for cmd in haproxy psql redis-cli jq; do
  command -v "$cmd" >/dev/null || { echo "scale-out: $cmd is not installed" >&2; exit 1; }
done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "scale-out: PostgreSQL is not up on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "scale-out: Redis is not up on 127.0.0.1:6379" >&2; exit 1; }

if [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
  CG_ROOT=/sys/fs/cgroup/cpu CG_V=1
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  CG_ROOT=/sys/fs/cgroup CG_V=2
  grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
else
  echo "scale-out: no cgroup cpu controller found" >&2; exit 1
fi

WORK=$(mktemp -d /tmp/vaxbook-scale.XXXXXX)
TAG="vbscale_$(date +%s)_$$"
# The uncapped, high-share cgroup of everything but the instances; children inherit it.
BENCH_CG="$CG_ROOT/$TAG-bench"
mkdir "$BENCH_CG"
if [ "$CG_V" = 1 ]; then echo 10240 >"$BENCH_CG/cpu.shares"; else echo 1000 >"$BENCH_CG/cpu.weight"; fi
echo $$ >"$BENCH_CG/cgroup.procs"
PIDS=()
CGROUPS=()
DBS=()
PREFIXES=()

# stop_all stops what one run started (instances, balancer) and removes its cgroups.
stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
  for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null || true; done
  CGROUPS=()
}
cleanup() {
  set +e
  stop_all
  # Back to the root group (this script, and PostgreSQL backends still alive), so that the
  # group can go.
  for pid in $(cat "$BENCH_CG/cgroup.procs"); do echo "$pid" >"$CG_ROOT/cgroup.procs" 2>/dev/null; done
  rmdir "$BENCH_CG"
  for db in "${DBS[@]}"; do
    PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
  # Only this run's keys: the Redis server is shared, so never FLUSHALL.
  for p in "${PREFIXES[@]}"; do
    redis-cli -h 127.0.0.1 --scan --pattern "${p}*" | xargs -r -n 100 redis-cli -h 127.0.0.1 del >/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building vaxbook" >&2
go build -o "$WORK/vaxbook" ./cmd/vaxbook

# cap PID NAME moves a running process into a new cgroup capped at QUOTA CPUs.
cap() {
  local pid=$1 cg="$CG_ROOT/$TAG-$2"
  mkdir "$cg"
  CGROUPS+=("$cg")
  if [ "$CG_V" = 1 ]; then
    echo "$PERIOD" >"$cg/cpu.cfs_period_us"
    echo "$QUOTA_US" >"$cg/cpu.cfs_quota_us"
    echo 10240 >"$cg/cpu.shares"
  else
    echo "$QUOTA_US $PERIOD" >"$cg/cpu.max"
    echo 1000 >"$cg/cpu.weight"
  fi
  echo "$pid" >"$cg/cgroup.procs"
}

# cpu_ticks PID... prints the processes' user + system CPU time, in clock ticks.
cpu_ticks() {
  local sum=0
  for pid in "$@"; do sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
  echo "$sum"
}

# sweep_pg DB moves the PostgreSQL backends serving DB into the bench group, now and
# every 2 s until killed (connection pools open connections as they need them).
sweep_pg() {
  while :; do
    for pid in $(psql -Atq "$PG_ADMIN" -c "SELECT pid FROM pg_stat_activity WHERE datname = '$1'"); do
      echo "$pid" >"$BENCH_CG/cgroup.procs" 2>/dev/null || true
    done
    sleep 2
  done
}

# run N prints the JSON line of one run with N instances.
run() {
  local n=$1 db="${TAG}_$1" prefix="$TAG:$1:" ports=() pids=()
  DBS+=("$db")
  PREFIXES+=("$prefix")
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $db"
  # A small pool per instance: the PostgreSQL server is shared (max_connections 100),
  # and a 0.2-CPU instance keeps few queries in flight.
  local url="$PG_SERVER/$db?sslmode=disable&pool_max_conns=6"
  for i in $(seq 1 "$n"); do ports+=($((LB_PORT + i))); done
  start() {
    env ${INSTANCE_GOMAXPROCS:+GOMAXPROCS=$INSTANCE_GOMAXPROCS} "$WORK/vaxbook" serve --demo --demo-sites "$SITES" --database "$url" --redis "$REDIS_URL" \
      --redis-prefix "$prefix" --now 2021-08-12T20:01:00+09:00 --queue-rate 2000 --queue-auto=false \
      --addr "127.0.0.1:$1" --trusted-proxies 127.0.0.1 --operator-token "$TOKEN" >"$WORK/serve-$n-$1.log" 2>&1 &
    PIDS+=($!)
    pids+=($!)
  }
  wait_up() {
    for _ in $(seq 1 900); do
      grep -q "vaxbook is serving on" "$WORK/serve-$n-$1.log" && return
      sleep 0.2
    done
    cat "$WORK/serve-$n-$1.log" >&2; echo "instance on :$1 did not start" >&2; exit 1
  }
  # The first instance loads the demo data, uncapped (loading is not what is measured);
  # each instance enters its cgroup once it serves.
  start "${ports[0]}"
  wait_up "${ports[0]}"
  for p in "${ports[@]:1}"; do start "$p"; done
  for p in "${ports[@]:1}"; do wait_up "$p"; done
  for i in "${!pids[@]}"; do cap "${pids[$i]}" "$n-$((i + 1))"; done

  # The balancer as scripts/multi-instance.sh runs it: round robin, a cookie pinning a
  # device to its instance (the demo SMS sink and CA are per process).
  {
    cat <<EOF
global
  maxconn 9000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 5s
  option redispatch
  option forwardfor
frontend vaxbook
  bind 127.0.0.1:$LB_PORT
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /healthz
  http-check expect status 200
  cookie VBSRV insert indirect nocache httponly
EOF
    for i in "${!ports[@]}"; do
      echo "  server s$((i + 1)) 127.0.0.1:${ports[$i]} check inter 1s fall 5 rise 1 cookie s$((i + 1))"
    done
  } >"$WORK/haproxy-$n.cfg"
  haproxy -db -f "$WORK/haproxy-$n.cfg" >"$WORK/haproxy-$n.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$LB_PORT/healthz" >/dev/null && break; sleep 0.2; done
  # A few health checks, so that no instance is still marked down; meanwhile, what the
  # instances burn with no load at all (queue ticks, workers, health checks).
  local idle0 idle1
  idle0=$(cpu_ticks "${pids[@]}")
  sleep 5
  idle1=$(cpu_ticks "${pids[@]}")
  local idle_cpu
  idle_cpu=$(awk -v a="$idle0" -v b="$idle1" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", (b - a) / hz / 5 / n }')

  sweep_pg "$db" &
  PIDS+=($!)
  local servers
  servers=$(printf 'http://127.0.0.1:%s,' "${ports[@]}" | sed 's/,$//')
  echo "N=$n: $((USERS_PER * n)) residents, at most $((CONC_PER * n)) in progress, quota $QUOTA CPU per instance" >&2
  "$WORK/vaxbook" loadgen --target "http://127.0.0.1:$LB_PORT" --users "$((USERS_PER * n))" \
    --concurrency "$((CONC_PER * n))" --sites "$SITES" --database "$url" --servers "$servers" --operator-token "$TOKEN" \
    >"$WORK/loadgen-$n.json" 2>"$WORK/loadgen-$n.err" || { cat "$WORK/loadgen-$n.err" >&2; exit 1; }
  local throttled=0
  for cg in "${CGROUPS[@]}"; do
    if [ "$CG_V" = 1 ]; then
      throttled=$((throttled + $(awk '/^nr_throttled/ { print $2 }' "$cg/cpu.stat")))
    else
      throttled=$((throttled + $(awk '/^nr_throttled/ { print $2 }' "$cg/cpu.stat")))
    fi
  done
  jq -c --argjson n "$n" --argjson q "$QUOTA" --argjson th "$throttled" --argjson idle "$idle_cpu" '{
      instances: $n, quota_cpu: $q, users, booked, failed,
      bookings_per_s: .bookings_per_s, bookings_per_s_overall,
      server_cpu_ms_per_booking: .cpu.server_ms_per_booking,
      loadgen_cpu_ms_per_booking: .cpu.loadgen_ms_per_booking,
      book_p99_ms: .steps.book.p99_ms, throttled_periods: $th, idle_cpu_per_instance: $idle,
      requests_per_booking: ((.steps | to_entries | map(.value.count) | add) / .booked * 10 | round / 10),
      errors,
      violations: .invariant_violations}' "$WORK/loadgen-$n.json" | tee -a "$WORK/lines.jsonl"
  cp "$WORK/loadgen-$n.json" "$OUT/"
  stop_all
}

OUT=${OUT:-$(mktemp -d /tmp/scale-out.XXXXXX)}
echo "loadgen's full output goes to $OUT" >&2
for n in $NS; do run "$n"; done

# Efficiency from the steady rate (the middle 80 % of bookings, without ramp and tail).
jq -s -c '(map(select(.instances == 1)) | first | .bookings_per_s) as $r1 | {
    efficiency: (map({key: (.instances | tostring), value: (if $r1 then ((.bookings_per_s / (.instances * $r1)) * 100 | round / 100) else null end)}) | from_entries),
    all_violations_zero: (map(.violations == 0) | all)}' "$WORK/lines.jsonl"
