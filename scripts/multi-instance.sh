#!/usr/bin/env bash
# Runs vaxbook as it is deployed: three `vaxbook serve` instances on loopback
# (ports 18101–18103) sharing one fresh PostgreSQL schema and one Redis prefix, behind
# Debian's HAProxy on 127.0.0.1:18100, then a smoke surge through the balancer
# (faults.TestSmokeSurgeThroughBalancer: one queue in one order, every booking in the
# database, the audit clean). Everything it started is stopped, and the schema and Redis
# keys removed, when it exits. KEEP=1 leaves the cluster up until Ctrl-C.
#
# INSTANCES=1..9 sets the number of instances (3 by default). LOADGEN_USERS=N replaces
# the smoke surge by `vaxbook loadgen` with N residents through the balancer (SITES demo
# sites, 2,000 by default then; 40 for the smoke), printing its JSON: the scale-out
# figures of docs/BENCHMARKS.md come from this.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BASE=${VAXBOOK_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
REDIS_URL=redis://127.0.0.1:6379/0
# The fault tests' operator token, so the smoke surge can pause and resume the line.
TOKEN=ffffffffffffffffffffffffffffffffffffffff
LB_PORT=18100
PORTS=()
for i in $(seq 1 "${INSTANCES:-3}"); do PORTS+=($((18100 + i))); done
SITES=${SITES:-$([ -n "${LOADGEN_USERS:-}" ] && echo 2000 || echo 40)}

# Dependencies, as .ci/run starts them: PostgreSQL and Redis if down, HAProxy if missing.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
if ! command -v haproxy >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy
fi

WORK=$(mktemp -d /tmp/vaxbook-multi.XXXXXX)
SCHEMA=vbmulti_$(date +%s)_$$
PREFIX="vbmulti:$(date +%s):$$:"
DB="${PG_BASE}&search_path=${SCHEMA}"
PIDS=()

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_BASE" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"
  # Only this run's keys: the Redis server is shared, so never FLUSHALL.
  redis-cli -h 127.0.0.1 --scan --pattern "${PREFIX}*" | xargs -r -n 100 redis-cli -h 127.0.0.1 del >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql -q "$PG_BASE" -c "CREATE SCHEMA $SCHEMA"
echo "building vaxbook"
go build -o "$WORK/vaxbook" ./cmd/vaxbook

# start_instance PORT starts one instance and waits until it serves.
start_instance() {
  local port=$1 log="$WORK/vaxbook-$1.log"
  "$WORK/vaxbook" serve --demo --demo-sites "$SITES" --database "$DB" --redis "$REDIS_URL" \
    --redis-prefix "$PREFIX" --now 2021-08-12T20:01:00+09:00 --queue-rate 2000 --queue-auto=false \
    --addr "127.0.0.1:$port" --operator-token "$TOKEN" --trusted-proxies 127.0.0.1 >"$log" 2>&1 &
  PIDS+=($!)
  echo "$!" >"$WORK/pid-$port"
}
wait_instance() {
  local port=$1 log="$WORK/vaxbook-$1.log"
  for _ in $(seq 1 600); do
    grep -q "vaxbook is serving on" "$log" && { echo "instance on :$port is serving"; return; }
    kill -0 "$(cat "$WORK/pid-$port")" 2>/dev/null || { cat "$log"; echo "instance on :$port exited"; exit 1; }
    sleep 0.2
  done
  cat "$log"; echo "instance on :$port did not start"; exit 1
}

# The first instance loads the demo data into the empty schema; the others find it.
start_instance "${PORTS[0]}"
wait_instance "${PORTS[0]}"
for port in "${PORTS[@]:1}"; do start_instance "$port"; done
for port in "${PORTS[@]:1}"; do wait_instance "$port"; done

# Round robin with a health check; a cookie pins a device to the instance it first
# reached, because the demo SMS sink (phone verification codes) is per process.
cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 9000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
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
  http-response set-header X-Served-By %[srv_name]
EOF
for i in "${!PORTS[@]}"; do
  echo "  server s$((i + 1)) 127.0.0.1:${PORTS[$i]} check inter 1s fall 5 rise 1 cookie s$((i + 1))" >>"$WORK/haproxy.cfg"
done
haproxy -c -q -f "$WORK/haproxy.cfg"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
LB="http://127.0.0.1:$LB_PORT"
for _ in $(seq 1 50); do curl -fs "$LB/healthz" >/dev/null && break; sleep 0.2; done
sleep 1 # a few health checks, so that no instance is still marked down
for _ in 1 2 3; do
  echo "GET /healthz via the balancer: $(curl -fsS -D - -o /dev/null "$LB/healthz" | grep -i '^x-served-by' | tr -d '\r')"
done

if [ -n "${LOADGEN_USERS:-}" ]; then
  echo "loadgen: $LOADGEN_USERS residents through $LB to ${#PORTS[@]} instance(s)" >&2
  "$WORK/vaxbook" loadgen --target "$LB" --users "$LOADGEN_USERS" --concurrency "$(( LOADGEN_USERS < 6000 ? LOADGEN_USERS : 6000 ))" \
    --sites "$SITES" --database "$DB" --servers "$(printf 'http://127.0.0.1:%s,' "${PORTS[@]}" | sed 's/,$//')"
  exit 0
fi
echo "smoke surge through $LB"
VAXBOOK_FAULTS=1 VAXBOOK_BALANCER_URL="$LB" VAXBOOK_BALANCER_DB="$DB" \
  go test -count=1 -run '^TestSmokeSurgeThroughBalancer$' -v ./faults/

if [ "${KEEP:-}" = 1 ]; then
  echo "cluster up at $LB (instances ${PORTS[*]}, schema $SCHEMA); Ctrl-C stops it"
  wait
fi
echo "multi-instance smoke passed"
