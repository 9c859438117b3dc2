#!/usr/bin/env bash
# Starts the whole pipeline from a fresh clone: Redis and PostgreSQL (installed when missing, project-local data
# under .local/run, their own loopback ports), the database and its migrations, then the host in role "all" on
# http://127.0.0.1:8080. Ctrl-C stops everything it started. Running it again reuses the data.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. deploy/local/services.sh

data="$root/.local/run"
redis_port=${CBP_REDIS_PORT:-16379}
pg_port=${CBP_PG_PORT:-15432}
urls=${ASPNETCORE_URLS:-http://127.0.0.1:8080}
mkdir -p "$data"

cbp_ensure_packages
app_pid=""
stop() {
  # A second Ctrl-C (or a TERM from a supervisor as well) must not cut the clean-up short: the app has to exit,
  # acknowledging only what it applied, before Redis and PostgreSQL go.
  trap '' INT TERM
  trap - EXIT
  if [ -n "$app_pid" ]; then
    kill -TERM "$app_pid" 2>/dev/null || true
    while kill -0 "$app_pid" 2>/dev/null; do sleep 0.1; done
  fi
  cbp_stop_redis "$redis_port"
  cbp_stop_postgres "$data/postgres"
  cbp_log "stopped"
}
trap stop INT TERM EXIT

cbp_start_redis "$data/redis" "$redis_port"
cbp_start_postgres "$data/postgres" "$pg_port"
cbp_create_database "$pg_port" callbackpipeline

if [ -z "${Auth__OperatorKey:-}" ]; then
  key_file="$data/operator-key"
  [ -s "$key_file" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '=+/\n' > "$key_file")
  Auth__OperatorKey=$(cat "$key_file")
  cbp_log "operator key (kept in $key_file): $Auth__OperatorKey"
fi
export Auth__OperatorKey
export ConnectionStrings__redis="127.0.0.1:$redis_port"
export ConnectionStrings__postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=callbackpipeline"
export ASPNETCORE_URLS="$urls"

cbp_log "building"
dotnet publish src/CallbackPipeline.Api -c Release -o "$data/app" -v quiet -nologo -clp:ErrorsOnly >/dev/null
cbp_log "starting the pipeline (role all) on $urls"
dotnet "$data/app/CallbackPipeline.Api.dll" --contentRoot "$data/app" --role all &
app_pid=$!
wait "$app_pid"
