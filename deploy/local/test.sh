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
pg_port=${CBP_TEST_PG_PORT:-25432}

cbp_ensure_packages --with-chromium
stop() {
  cbp_stop_redis "$redis_port"
  cbp_stop_postgres "$data/postgres"
}
trap stop EXIT
stop
rm -rf "$data"
mkdir -p "$data"
cbp_start_redis "$data/redis" "$redis_port"
cbp_start_postgres "$data/postgres" "$pg_port"

export CALLBACKPIPELINE_TEST_REDIS="127.0.0.1:$redis_port"
export CALLBACKPIPELINE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres"
export CALLBACKPIPELINE_TEST_REDIS_SERVER="$(command -v redis-server)"

log="$data/dotnet-test.log"
set +e
dotnet test CallbackPipeline.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test projects, in the form CI reads.
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { v = $(i + 1); gsub(/,/, "", v)
         if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
