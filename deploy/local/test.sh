#!/usr/bin/env bash
# Runs every test of the solution against real Redis and PostgreSQL (and the dashboard's browser tests in Debian's
# Chromium): installs them when missing, starts fresh instances on their own loopback ports with data under
# .local/test, runs dotnet test, and stops them again.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. deploy/local/services.sh

data="$root/.local/test"
redis_port=${CBP_TEST_REDIS_PORT:-26379}
# Below the kernel's ephemeral range (32768+), so the cluster bus ports (port + 10000) are never taken by a client socket.
cluster_ports=(${CBP_TEST_REDIS_CLUSTER_PORTS:-17001 17002 17003})
pg_port=${CBP_TEST_PG_PORT:-25432}

cbp_ensure_packages --for-tests
stop() {
  cbp_stop_redis "$redis_port"
  for port in "${cluster_ports[@]}"; do cbp_stop_redis "$port"; done
  cbp_stop_postgres "$data/postgres"
}
trap stop EXIT
stop
rm -rf "$data"
mkdir -p "$data"
cbp_start_redis "$data/redis" "$redis_port"
cbp_start_redis_cluster "$data/redis-cluster" "${cluster_ports[@]}"
cbp_start_postgres "$data/postgres" "$pg_port"

export CALLBACKPIPELINE_TEST_REDIS="127.0.0.1:$redis_port"
export CALLBACKPIPELINE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres"
export CALLBACKPIPELINE_TEST_REDIS_CLUSTER="$(printf '127.0.0.1:%s,' "${cluster_ports[@]}" | sed 's/,$//')"
export CALLBACKPIPELINE_TEST_REDIS_SERVER="$(command -v redis-server)"

# What the repository ships, checked with the tools its users run: the alert rules with promtool (its own checks and
# the rules' unit tests in alerts.test.yml), the OpenAPI document with Redocly's recommended rules.
checks_passed=0
checks_failed=0
check() {
  local name=$1
  shift
  if "$@"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); echo "check FAILED: $name"; fi
}
check "promtool check rules" promtool check rules deploy/observability/alerts.yml
check "promtool test rules" promtool test rules deploy/observability/alerts.test.yml
check "redocly lint" sh -c 'npm ci --prefix tests/openapi --no-audit --no-fund --loglevel=error >/dev/null && npm run --prefix tests/openapi --silent lint'

log="$data/dotnet-test.log"
set +e
dotnet test CallbackPipeline.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The load harness's smoke scenario against the real host (role all) on its own port: a few seconds of every kind
# of traffic, then the counts must equal what was accepted.
smoke_status=0
if [ "$status" -eq 0 ]; then
  smoke_port=${CBP_TEST_SMOKE_PORT:-28080}
  smoke_key="smoke-operator-key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  cbp_create_database "$pg_port" cbp_smoke
  app_dir="$root/src/CallbackPipeline.Api/bin/Release/net10.0"
  Auth__OperatorKey="$smoke_key" ConnectionStrings__redis="127.0.0.1:$redis_port" \
    ConnectionStrings__postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=cbp_smoke" \
    Redis__KeyPrefix=smoke ASPNETCORE_URLS="http://127.0.0.1:$smoke_port" \
    dotnet "$app_dir/CallbackPipeline.Api.dll" --contentRoot "$app_dir" --role all > "$data/smoke-host.log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$smoke_port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  set +e
  dotnet build load/CallbackPipeline.Load -c Release --nologo -v quiet -clp:ErrorsOnly &&
  dotnet load/CallbackPipeline.Load/bin/Release/net10.0/CallbackPipeline.Load.dll run load/scenarios/smoke.json \
    --target "http://127.0.0.1:$smoke_port" --operator-key "$smoke_key" --host-pid "$host_pid" --reports "$data/reports"
  smoke_status=$?
  set -e
  kill -TERM "$host_pid" 2>/dev/null; wait "$host_pid" 2>/dev/null || true
  [ "$smoke_status" -eq 0 ] || { echo "smoke load scenario FAILED; host log: $data/smoke-host.log"; tail -n 30 "$data/smoke-host.log"; }
fi

# The fault runs (load/faults.sh): each fault injected into real processes under load, then every count compared
# with what was accepted. Brief here; run longer by hand for a soak.
faults_status=0
if [ "$status" -eq 0 ] && [ "$smoke_status" -eq 0 ]; then
  set +e
  load/faults.sh --seconds 10 --pg-outage 6 --summary "$data/faults.md"
  faults_status=$?
  set -e
fi

# One closing line over the checks, all test projects, the smoke scenario and the fault runs, in the form CI reads.
faults_passed=$(grep -c '^| [a-z-]* | passed |' "$data/faults.md" 2>/dev/null || true)
faults_failed=$(grep -c '^| [a-z-]* | FAILED |' "$data/faults.md" 2>/dev/null || true)
faults_skipped=$(grep -c '^| [a-z-]* | not injected |' "$data/faults.md" 2>/dev/null || true)
[ "$faults_status" -eq 0 ] || [ "${faults_failed:-0}" -gt 0 ] || faults_failed=1
awk -v smoke="$smoke_status" -v ran="$status" -v fp="${faults_passed:-0}" -v ff="${faults_failed:-0}" \
    -v cp="$checks_passed" -v cf="$checks_failed" -v fs="${faults_skipped:-0}" '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { v = $(i + 1); gsub(/,/, "", v)
         if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v }
     }
     END { if (ran == 0) { if (smoke == 0) p += 1; else f += 1 }
           p += fp + cp; f += ff + cf; s += fs
           printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
[ "$status" -eq 0 ] && [ "$smoke_status" -eq 0 ] && [ "$faults_status" -eq 0 ] && [ "$checks_failed" -eq 0 ]
