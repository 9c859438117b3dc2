#!/usr/bin/env bash
# What many providers cost a host that is idle, and whether the ones receiving stay fresh among them
# (docs/performance.md, "Many providers"): its own Redis and PostgreSQL under .local/many, one host in role all.
#   1. 50 providers, nothing sent: the host's CPU and Redis's commands/s over --idle seconds;
#   2. the same with --providers in all (created through the API by the harness's `providers` command);
#   3. the freshness scenario with 50 more providers receiving 1,000 callbacks/s among them (verified exact).
# Usage: load/many-providers.sh [--providers 100000] [--idle 30] [--app DIR (a published build; default: this one)]
# Called by load/measure.sh; about 3 minutes for 100,000 providers on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. deploy/local/services.sh

total=100000
idle=30
app=""
while [ $# -gt 0 ]; do
  case $1 in
    --providers) total=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    *) echo "usage: $0 [--providers N] [--idle SECONDS] [--app DIR]" >&2; exit 2 ;;
  esac
done

data="$root/.local/many"
redis_port=39379
pg_port=39432
port=39080
key="many-operator-key-0123456789abcdef"
harness="load/CallbackPipeline.Load/bin/Release/net10.0/CallbackPipeline.Load.dll"
host_pid=""

cleanup() { [ -n "$host_pid" ] && kill -TERM "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null; cbp_stop_redis "$redis_port"; cbp_stop_postgres "$data/postgres"; }
trap cleanup EXIT
cbp_stop_redis "$redis_port"
cbp_stop_postgres "$data/postgres"
rm -rf "$data/redis" "$data/postgres"
mkdir -p "$data"
cbp_start_redis "$data/redis" "$redis_port"
cbp_start_postgres "$data/postgres" "$pg_port"
cbp_create_database "$pg_port" many
if [ -z "$app" ]; then
  app="$data/app"
  dotnet publish src/CallbackPipeline.Api -c Release -o "$app" -v quiet -nologo >/dev/null
fi
dotnet build load/CallbackPipeline.Load -c Release -v quiet -nologo >/dev/null

Auth__OperatorKey="$key" ConnectionStrings__redis="127.0.0.1:$redis_port" \
  ConnectionStrings__postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=many" \
  ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
  dotnet "$app/CallbackPipeline.Api.dll" --contentRoot "$app" --role all > "$data/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
redis_pid=$(cat "$data/redis/redis.pid")
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
commands() { redis-cli -p "$redis_port" info stats | tr -d '\r' | awk -F: '$1 == "total_commands_processed" { print $2 }'; }
# idle_cost NAME: after 10 s to settle, the host's CPU (share of a core) and Redis's commands/s over $idle seconds;
# sets idle_cpu and idle_commands. The two INFO calls of the sample count as 2 commands.
idle_cost() {
  sleep 10
  local t0 c0 r0 t1 c1 r1
  t0=$(cpu_ticks "$host_pid"); r0=$(cpu_ticks "$redis_pid"); c0=$(commands)
  sleep "$idle"
  t1=$(cpu_ticks "$host_pid"); r1=$(cpu_ticks "$redis_pid"); c1=$(commands)
  idle_cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.1f", 100 * d / hz / s }')
  idle_redis_cpu=$(awk -v d=$((r1 - r0)) -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.1f", 100 * d / hz / s }')
  idle_commands=$(awk -v d=$((c1 - c0 - 1)) -v s="$idle" 'BEGIN { printf "%.1f", d / s }')
  echo "$1, idle: host CPU $idle_cpu % of a core, Redis CPU $idle_redis_cpu %, Redis $idle_commands commands/s"
}
within() { awk -v a="$1" -v b="$2" 'BEGIN { f = b > 0 ? a / b : 0; printf "%.2f× %s", f, (a <= 2 * b || a - b < 1) ? "(target ≤ 2×: met)" : "(target ≤ 2×: MISSED)" }'; }

echo "== idle cost: 50 providers, then $total, nothing sent"
dotnet "$harness" providers --target "http://127.0.0.1:$port" --operator-key "$key" --count 50
idle_cost "50 providers"
few_cpu=$idle_cpu few_commands=$idle_commands
dotnet "$harness" providers --target "http://127.0.0.1:$port" --operator-key "$key" --count $((total - 50)) --concurrency 16
idle_cost "$total providers"
echo "$total providers against 50: host CPU $(within "$idle_cpu" "$few_cpu"), Redis commands/s $(within "$idle_commands" "$few_commands")"

echo "== freshness of 50 providers receiving 1,000 callbacks/s among the $total idle ones"
dotnet "$harness" run load/scenarios/freshness-50-providers.json --target "http://127.0.0.1:$port" --operator-key "$key" \
  --host-pid "$host_pid" --verify-timeout 300 --reports "$data/reports" --result "$data/freshness.json" > "$data/freshness.out" || true
sed -n '/^| scenario/,/^$/p;/^Totals/p' "$data/freshness.out"
jq -r '.scenarios[] | select(.name == "freshness") | "freshness p99 \(.p99Ms) ms (target ≤ 1000 ms: \(if .p99Ms <= 1000 then "met" else "MISSED" end))"' "$data/freshness.json"
jq -r '"verification: \(if .verification.passed then "exact" else "NOT EXACT" end)"' "$data/freshness.json"
