#!/usr/bin/env bash
# Takes every figure of docs/performance.md in one run on this machine: its own Redis (AOF, appendfsync always, as
# shipped) and PostgreSQL under .local/perf, the host in the role each figure needs, the harness as generator (and
# wrk for a cross-check of the ingest ratio).
# Usage: load/measure.sh [section...]   (all of them: about 40 minutes; reports land in load/reports/). A section is one
# of receiver, replicas, drain, ab, floor, workers, role-all, memory, providers, and names the figures it takes; the drain's
# ratio to the floor needs drain and floor. Needs jq, wrk and redis-benchmark
# (installed from Debian's packages when missing). Each harness run's phase and result are read with jq from its
# --status and --result files under .local/perf.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. deploy/local/services.sh

sections=("$@")
for section in "${sections[@]}"; do
  case $section in receiver|replicas|drain|ab|floor|workers|role-all|memory|providers) ;; *) echo "unknown section: $section"; exit 2 ;; esac
done
want() { [ ${#sections[@]} -eq 0 ] || [[ " ${sections[*]} " == *" $1 "* ]]; }

data="$root/.local/perf"
redis_port=36379
pg_port=35432
port=38080
key="perf-operator-key-0123456789abcdef"
app="$data/app"
harness="load/CallbackPipeline.Load/bin/Release/net10.0/CallbackPipeline.Load.dll"
host_pid=""
worker_pid=""

stop() { local pid=$1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; return 0; }
drain_pids=()
# The runs whose verification failed: their figures do not count, and the script exits 1 at its end.
unverified=()
cleanup() { stop "$host_pid"; stop "$worker_pid"; for p in "${drain_pids[@]}"; do stop "$p"; done; cbp_stop_redis "$redis_port"; cbp_stop_postgres "$data/postgres"; }
trap cleanup EXIT

launch() { # port, role, extra env...: the build in $app, or in $use_app when set
  local on=$1 role=$2 dir=${use_app:-$app}; shift 2
  env "$@" Auth__OperatorKey="$key" ConnectionStrings__redis="127.0.0.1:$redis_port" \
    ConnectionStrings__postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=perf" \
    ASPNETCORE_URLS="http://127.0.0.1:$on" Logging__LogLevel__Default=Warning Queue__MaxDepth=50000000 \
    dotnet "$dir/CallbackPipeline.Api.dll" --contentRoot "$dir" --role "$role" > "$data/host-$role-$on.log" 2>&1 &
  launched=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$on/healthz" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "host did not start"; exit 1
}
start_host() { launch "$port" "$@"; host_pid=$launched; }
stop_host() { stop "$host_pid"; host_pid=""; }

summary() { sed -n '/^|/p;/RSS/p;/^## Verif/p;/^# /p' "$1"; }
# harness_run NAME SCENARIO [harness flags...]: a run of load/scenarios/SCENARIO.json against the host, its console in
# $data/NAME.out, its phase in $data/NAME.status and its result in $data/NAME.json. Start it in the background (&): it
# becomes the harness process, so $! is the harness's pid.
harness_run() {
  local name=$1 scenario=$2; shift 2
  rm -f "$data/$name.status" "$data/$name.json"
  exec dotnet "$harness" run "load/scenarios/$scenario.json" --target "http://127.0.0.1:$port" --operator-key "$key" --host-pid "$host_pid" \
    --verify-timeout 600 --status "$data/$name.status" --result "$data/$name.json" "$@" > "$data/$name.out"
}
# run SCENARIO [NAME [flags...]]: a run to its end, then its summary.
run() {
  local scenario=$1 name=${2:-$1}
  shift $(($# < 2 ? $# : 2))
  harness_run "$name" "$scenario" "$@" &
  wait $! || unverified+=("$name")
  summary "$data/$name.out"
}
# wait_phase NAME PHASE: until the run NAME (in the background) reports PHASE.
wait_phase() { until [ "$(jq -r .phase "$data/$1.status" 2>/dev/null)" = "$2" ]; do sleep 0.5; done; }

# CPU per request of the host, the generator and Redis over a window of a run (by default 10 s of a scenario's measured
# phase, which starts after its 30 s warm-up): CPU time from /proc against the host's request count from /metrics.
# Usage: cpu_per_request generator-pid [seconds before the window] [window seconds] [generator name]
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_sample() { # harness-pid redis-pid
  echo "$(cpu_ticks "$host_pid") $(cpu_ticks "$1") $(cpu_ticks "$2") $(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" \
    | awk '/^http_server_request_duration_seconds_count/ { split($0, a, "} "); split(a[2], b, " "); s += b[1] } END { print s + 0 }')"
}
cpu_per_request() {
  local before=${2:-40} window=${3:-10} name=${4:-generator} redis_pid tick h0 g0 r0 n0 h1 g1 r1 n1 n
  redis_pid=$(redis-cli -p "$redis_port" info server | tr -d '\r' | awk -F: '/^process_id/ { print $2 }')
  tick=$((1000000 / $(getconf CLK_TCK)))
  sleep "$before"
  read -r h0 g0 r0 n0 < <(cpu_sample "$1" "$redis_pid")
  sleep "$window"
  read -r h1 g1 r1 n1 < <(cpu_sample "$1" "$redis_pid")
  n=$((n1 - n0))
  if [ "$n" -le 0 ]; then echo "CPU per request: no requests counted"; return 0; fi
  echo "CPU per request over $window s ($n requests): host $(( (h1 - h0) * tick / n )) us, $name $(( (g1 - g0) * tick / n )) us, Redis $(( (r1 - r0) * tick / n )) us"
}

# The baseline, with its CPU per request.
run_baseline() {
  harness_run baseline baseline &
  local harness_pid=$!
  cpu_per_request "$harness_pid" > "$data/baseline.cpu"
  wait "$harness_pid" || unverified+=(baseline)
  summary "$data/baseline.out"; cat "$data/baseline.cpu"
}

# Ingest with the worker stopped; once the load is over, a worker starts so the run's verification can finish.
run_ingest() {
  harness_run "$1" "$1" &
  local harness_pid=$!
  cpu_per_request "$harness_pid" > "$data/$1.cpu" &
  local sampler_pid=$!
  wait_phase "$1" verifying
  launch $((port + 1)) worker; worker_pid=$launched
  wait "$harness_pid" || unverified+=("$1")
  wait "$sampler_pid" || true
  stop "$worker_pid"; worker_pid=""
  summary "$data/$1.out"; cat "$data/$1.cpu"
}

# The ingest ratio again with wrk as the generator: it costs far less CPU per request than the harness (no ledger,
# no signing), so the ratio shows what the receiver itself costs against the empty endpoint. wrk keeps no ledger,
# so the check afterwards is coarser than the harness's: the provider's delivered count must lie between the
# requests wrk saw answered 2xx and that plus the requests it may have lost track of after the server took them: one
# a connection still open when it stopped, and one a read, write or timeout error (wrk reconnects and moves on).
wrk_once() { # name url: 20 s, 64 connections, CPU per request over 14 s of it
  local wrk_pid cpu
  wrk -t2 -c64 -d20s --latency -s load/wrk/callback.lua "$2" > "$data/wrk-$1.out" &
  wrk_pid=$!
  cpu=$(cpu_per_request "$wrk_pid" 3 14 wrk)
  wait "$wrk_pid" || true
  echo "$1: $(awk '/Requests\/sec/ { print $2 }' "$data/wrk-$1.out") requests/s, p99 $(awk '$1 == "99%" { print $2 }' "$data/wrk-$1.out"),"\
    "non-2xx $(awk '/Non-2xx/ { print $NF }' "$data/wrk-$1.out" | grep . || echo 0); $cpu"
}
wrk_rate() { awk '/Requests\/sec/ { print $2 }' "$data/wrk-$1.out"; }
wrk_answered() { # name: requests answered 2xx
  echo $(( $(awk '/requests in/ { print $1 }' "$data/wrk-$1.out") - $(awk '/Non-2xx/ { print $NF }' "$data/wrk-$1.out" | grep . || echo 0) ))
}
# wrk_provider NAME: a generic provider of a new account, its callback URL in $url, its id in $id, the account's
# admin key in $admin.
wrk_provider() {
  local api="http://127.0.0.1:$port" account provider
  account=$(curl -fs -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"name\": \"$1\", \"timeZone\": \"UTC\"}" "$api/v1/accounts" | jq -r .id)
  admin=$(curl -fs -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"role\": \"admin\", \"name\": \"$1\"}" "$api/v1/accounts/$account/keys" | jq -r .key)
  provider=$(curl -fs -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"name\": \"$1\", \"kind\": \"generic\"}" "$api/v1/providers")
  url=$(jq -r .callbackUrl <<<"$provider")
  id=$(jq -r .id <<<"$provider")
}
# wrk_check ANSWERED ERRORS ROUNDS: a worker counts the stream empty (applied entries are deleted, so an empty stream
# means all were counted; the stats cache is then let expire), and the provider $id must have delivered between the
# requests answered 2xx and that plus what the ROUNDS runs of 64 connections may have lost track of.
wrk_check() {
  local answered=$1 errors=$2 rounds=$3 delivered
  launch $((port + 1)) worker; worker_pid=$launched
  for _ in $(seq 1 300); do
    [ "$(redis-cli -p "$redis_port" xlen "$stream")" -eq 0 ] && break
    sleep 1
  done
  sleep 2
  stop "$worker_pid"; worker_pid=""
  delivered=$(curl -fs -H "Authorization: Bearer $admin" \
    "http://127.0.0.1:$port/v1/providers/$id/stats?from=$(date -u -d yesterday +%F)&to=$(date -u -d tomorrow +%F)" | jq -r '.totals.delivered // 0' || echo 0)
  if [ "$answered" -gt 0 ] && [ "$delivered" -ge "$answered" ] && [ "$delivered" -le $((answered + rounds * 64 + errors)) ]; then
    echo "verified: $delivered delivered for $answered requests answered 2xx (at most $((rounds * 64 + errors)) more may have been taken unseen)"
  else
    echo "NOT VERIFIED: $delivered delivered for $answered requests answered 2xx ($errors socket errors)"
    unverified+=(wrk)
  fi
}
wrk_errors() { awk '/Socket errors/ { gsub(",", ""); print $6 + $8 + $10 }' "$data/wrk-$1.out" | grep . || echo 0; }
wrk_ratio() {
  local url id admin line empty_us host_us naive_pid entries answered=0 errors=0
  local naive_port=$((port + 9)) naive_token="naive-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  wrk_provider wrk
  line=$(wrk_once baseline "http://127.0.0.1:$port/baseline"); echo "$line"
  empty_us=$(grep -o 'host [0-9]* us' <<<"$line" | cut -d' ' -f2)
  # The naive peer (the harness's naive-receiver: token check, JSON parse, one awaited XADD a request) on the same
  # Redis, alternated with the receiver in three rounds.
  dotnet "$harness" naive-receiver --port "$naive_port" --redis "127.0.0.1:$redis_port" --token "$naive_token" > "$data/naive.log" 2>&1 &
  naive_pid=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null -X POST -d '[]' "http://127.0.0.1:$naive_port/callbacks/$naive_token" && break; sleep 0.2; done
  entries=$(redis-cli -p "$redis_port" xlen "$stream")
  for round in 1 2 3; do
    line=$(wrk_once "generic-$round" "$url"); echo "$line"
    host_us=$(grep -o 'host [0-9]* us' <<<"$line" | cut -d' ' -f2)
    answered=$((answered + $(wrk_answered "generic-$round")))
    errors=$((errors + $(wrk_errors "generic-$round")))
    wrk -t2 -c64 -d20s --latency -s load/wrk/callback.lua "http://127.0.0.1:$naive_port/callbacks/$naive_token" > "$data/wrk-naive-$round.out"
    echo "naive-$round: $(wrk_rate "naive-$round") requests/s, non-2xx $(awk '/Non-2xx/ { print $NF }' "$data/wrk-naive-$round.out" | grep . || echo 0)"
    awk -v g="$(wrk_rate "generic-$round")" -v n="$(wrk_rate "naive-$round")" -v h="$host_us" -v e="$empty_us" -v r="$round" 'BEGIN {
      printf "round %d: the receiver at %.2f× the naive peer'"'"'s callbacks/s (target >= 1.5×: %s); host CPU a callback %.2f× the empty request'"'"'s (target <= 2×: %s)\n",
        r, g / n, (g >= 1.5 * n ? "met" : "MISSED"), h / e, (h <= 2 * e ? "met" : "MISSED") }'
  done
  stop "$naive_pid"
  entries=$(($(redis-cli -p "$redis_port" xlen "$stream") - entries))
  echo "group commit: $entries stream entries for $answered callbacks"
  wrk_check "$answered" "$errors" 3
}

# The receiver with a replica of its Redis, alternated in three rounds between not waiting for it and waiting for it
# (Redis:WaitForReplicas=1, so every stream entry is followed by WAIT 1); wrk as in the receiver step.
wrk_replicas() {
  local url id admin line replica_port=$((redis_port + 1)) answered=0 errors=0
  cbp_start_replica "$data/replica" "$replica_port" "$redis_port"
  wrk_provider replicas
  for round in 1 2 3; do
    for replicas in 0 1; do
      stop_host; start_host receiver Redis__WaitForReplicas="$replicas"
      line=$(wrk_once "replicas-$replicas-$round" "$url"); echo "WaitForReplicas=$replicas, $line"
      answered=$((answered + $(wrk_answered "replicas-$replicas-$round")))
      errors=$((errors + $(wrk_errors "replicas-$replicas-$round")))
    done
    awk -v a="$(wrk_rate "replicas-0-$round")" -v b="$(wrk_rate "replicas-1-$round")" -v r="$round" \
      'BEGIN { printf "round %d: waiting for the replica at %.1f %% of the callbacks/s without it\n", r, 100 * b / a }'
  done
  wrk_check "$answered" "$errors" 6
  cbp_stop_redis "$replica_port"
  stop_host; start_host receiver Load__BaselineEndpoint=true
}

cbp_ensure_packages
cbp_require jq jq
cbp_require wrk wrk
cbp_require redis-benchmark redis-tools
cleanup
rm -rf "$data"; mkdir -p "$data"
cbp_start_redis "$data/redis" "$redis_port"
cbp_start_postgres "$data/postgres" "$pg_port"
cbp_create_database "$pg_port" perf
dotnet publish src/CallbackPipeline.Api -c Release -o "$app" -v quiet -nologo >/dev/null
dotnet build load/CallbackPipeline.Load -c Release -v quiet -nologo >/dev/null
# The drain A/B's other side: the last build before insights were counted, from git.
insights_base=$(git rev-parse --short 56ffdb6^)
if want ab; then
  rm -rf "$data/src-before"; git worktree prune
  git worktree add --detach --force "$data/src-before" "$insights_base" >/dev/null 2>&1
  dotnet publish "$data/src-before/src/CallbackPipeline.Api" -c Release -o "$data/app-before" -v quiet -nologo >/dev/null
  git worktree remove --force "$data/src-before"
fi
# The key names, from the code that defines them, for the host's own key prefix.
prefix=$(jq -r .Redis.KeyPrefix "$app/appsettings.json")
stream=$(dotnet "$harness" keys --prefix "$prefix" | jq -r .stream)

start_host receiver Load__BaselineEndpoint=true
if want receiver; then
  echo "== receiver only (worker stopped): baseline and ingest"
  run_baseline
  run_ingest ingest-generic
  run_ingest ingest-twilio
  run_ingest ingest-batch
  echo "== the same ratio with wrk as the generator (load/wrk/callback.lua), beside a naive receiver, then the counts checked"
  wrk_ratio
fi
if want replicas; then
  echo "== Redis:WaitForReplicas: the receiver not waiting and waiting for a replica of its Redis, alternated, wrk as above"
  wrk_replicas
fi

# drain [harness options...]: $workers workers (default 1) started once the queue is full, timed until it is empty;
# the drain then checks the 50 providers' stats against what it queued.
drain() {
  rm -f "$data/drain.status"
  local events=1000000 count=${workers:-1}
  dotnet "$harness" drain --redis "127.0.0.1:$redis_port" --prefix "$prefix" --target "http://127.0.0.1:$port" --operator-key "$key" \
    --events "$events" --per-message 100 --status "$data/drain.status" "$@" > "$data/drain.out" &
  local drain_pid=$! redis_pid worker_ticks=0 n
  wait_phase drain filled
  redis_pid=$(cat "$data/redis/redis.pid")
  redis-cli -p "$redis_port" config resetstat >/dev/null
  local redis_ticks=$(cpu_ticks "$redis_pid")
  for n in $(seq 1 "$count"); do launch $((port + n)) worker; drain_pids+=("$launched"); done
  wait "$drain_pid" || unverified+=(drain); cat "$data/drain.out"
  for n in "${drain_pids[@]}"; do worker_ticks=$((worker_ticks + $(cpu_ticks "$n"))); stop "$n"; done
  drain_pids=()
  redis_ticks=$(( $(cpu_ticks "$redis_pid") - redis_ticks ))
  # Where the time went, per event: Redis's own accounting of the counting script and of the commands it made,
  # and the CPU time of Redis and of the workers (their start-up included) from /proc.
  redis-cli -p "$redis_port" info commandstats | tr -d '\r' | awk -F'[:=,]' -v ev="$events" -v r="$redis_ticks" -v w="$worker_ticks" -v hz="$(getconf CLK_TCK)" '
    /^cmdstat_(evalsha|hsetnx|hset|hget|hmget|hexists|expireat|hincrby)/ { name = substr($1, 9); us[name] = $5 }
    END { inner = 0; line = ""
      for (n in us) if (n != "evalsha") { inner += us[n]; if (us[n] / ev >= 0.05) line = line sprintf(" %s %.1f,", n, us[n] / ev) }
      printf "per event: script %.1f us of Redis time (commands inside it%s the rest %.1f us); CPU: Redis %.1f us, workers %.1f us\n",
        us["evalsha"] / ev, line, (us["evalsha"] - inner) / ev, r * 1e6 / hz / ev, w * 1e6 / hz / ev }'
}
drain_rate() { grep -o '[0-9]* events/s' "$data/drain.out" | cut -d' ' -f1; }
fresh_rate=""; steady_rate=""; floor_rate=""
if want drain; then
  echo "== drain: 1,000,000 events pre-filled (100 a message), one worker, the receiver idle"
  drain
  fresh_rate=$(drain_rate)
  echo "== drain in steady state: the same on an empty Redis, the providers' two earlier dedup generations holding 1,000,000 records each"
  redis-cli -p "$redis_port" flushall >/dev/null
  drain --earlier-generations 2
  steady_rate=$(drain_rate)
fi
if want ab; then
  echo "== drain A/B: the build before insights ($insights_base) and this one, alternated, 1,000,000 events of the insights mix"
  echo "   (each message's sent event with a country, then its delivery or, 1 in 10, a failure with a code)"
  for round in 1 2; do
    for build in before this; do
      redis-cli -p "$redis_port" flushall >/dev/null
      if [ "$build" = before ]; then use_app="$data/app-before"; else use_app=""; fi
      drain --mix insights > "$data/drain-ab.out"
      rate=$(drain_rate)
      echo "round $round, $build: $rate events/s; $(grep '^per event' "$data/drain-ab.out")"
      if [ "$build" = before ]; then before_rate=$rate; else
        awk -v b="$before_rate" -v t="$rate" 'BEGIN { printf "round %d: this build at %.1f %% of the one before insights\n", '"$round"', 100 * t / b }'
      fi
    done
  done
fi
use_app=""
if want floor; then
  echo "== the floor of exact counting in this Redis: load/script-floor.lua with small hashes, then with a key a record;"
  echo "   500 events a call (the worker's), 4 connections"
  for record in hash key; do
    redis-cli -p "$redis_port" flushall >/dev/null
    calls=$(redis-benchmark -p "$redis_port" -c 4 -n 2000 -r 1000000000 -q EVAL "$(cat load/script-floor.lua)" 0 __rand_int__ 500 "$record" \
      | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
    echo "floor, $record: $calls calls/s = $(awk -v c="$calls" 'BEGIN { printf "%d", c * 500 }') events/s," \
      "$(redis-cli -p "$redis_port" hget floor:count delivered) of the 1000000 events added"
    [ "$record" = hash ] && floor_rate=$(awk -v c="$calls" 'BEGIN { printf "%d", c * 500 }')
  done
fi
if [ -n "$fresh_rate" ] && [ -n "$floor_rate" ]; then
  [ -n "$fresh_rate" ] && [ -n "$floor_rate" ] && awk -v f="$fresh_rate" -v s="$steady_rate" -v floor="$floor_rate" 'BEGIN {
    printf "drain against the floor: fresh %.1f %% (target >= 50 %%: %s), steady state %.1f %% (target >= 40 %%: %s)\n",
      100 * f / floor, (f >= 0.5 * floor ? "met" : "MISSED"), 100 * s / floor, (s >= 0.4 * floor ? "met" : "MISSED") }'
fi
if want workers; then
  echo "== drain with 1, 2 and 3 workers on this Redis: 1,000,000 delivered events each, from an empty Redis"
  for workers in 1 2 3; do
    redis-cli -p "$redis_port" flushall >/dev/null
    drain > "$data/drain-workers.out"
    echo "$workers worker(s): $(drain_rate) events/s; $(grep -E '^(verified|NOT EXACT)' "$data/drain-workers.out"); $(grep '^per event' "$data/drain-workers.out")"
  done
fi
workers=1
redis-cli -p "$redis_port" flushall >/dev/null
stop_host

# Requests to a route answered within a bound, from the host's http.server.request.duration histogram: a server-side
# view of a latency the generator on the same two cores also queues for. Usage: within_bound metrics-file route le
within_bound() {
  awk -v route="$2" -v le="$3" -F'[{}]' '/^http_server_request_duration_seconds_bucket/ && index($2, "http_route=\"" route "\"") {
      n = $3 + 0; if (index($2, "le=\"" le "\"")) within += n; if (index($2, "le=\"+Inf\"")) all += n }
    END { printf "%d %d\n", within, all }' "$1"
}

# The host's garbage-collection pauses over 10 s of the stats run's measured phase, from the runtime's metrics: the
# samples are taken 10 and 20 s after the run starts, which assumes its set-up and 5 s warm-up take at most 10 s,
# and the share of the time is of those 10 s.
gc_sample() {
  curl -s --max-time 5 "http://127.0.0.1:$port/metrics" \
    | awk '/^dotnet_gc_collections_total/ { n += $NF } /^dotnet_gc_pause_time_seconds_total/ { p = $NF } END { printf "%d %.6f\n", n, p }'
}
gc_pauses() {
  local n0 p0 n1 p1
  sleep 10
  read -r n0 p0 < <(gc_sample)
  sleep 10
  read -r n1 p1 < <(gc_sample)
  awk -v n=$((n1 - n0)) -v p0="$p0" -v p1="$p1" 'BEGIN { p = (p1 - p0) * 1000
    printf "host GC over 10 s of the stats run: %d collections, paused %.0f ms (%.1f ms each), %.1f %% of the time\n", n, p, n ? p / n : 0, p / 100 }'
}

if want role-all; then
  echo "== role all: its ingest maximum with the 50 providers of the stats run (warm), then freshness, then stats queries with ingest at half that maximum"
  start_host all
  run ingest-50-providers role-all-max
  max=$(jq -r '.scenarios[] | select(.name == "generic-single") | .acceptedEventsPerSecond | floor' "$data/role-all-max.json")
  echo "ingest at half of role all's maximum: $((max / 2)) callbacks/s"
  run freshness
  curl -s "http://127.0.0.1:$port/metrics" > "$data/metrics-before"
  gc_pauses > "$data/stats.gc" &
  gc_pid=$!
  run stats-under-ingest stats-under-ingest --rate "ingest-at-half-max=$((max / 2))"
  wait "$gc_pid" || true
  cat "$data/stats.gc"
  curl -s "http://127.0.0.1:$port/metrics" > "$data/metrics-after"
  read -r within_before all_before < <(within_bound "$data/metrics-before" /v1/stats 0.005)
  read -r within_after all_after < <(within_bound "$data/metrics-after" /v1/stats 0.005)
  echo "server side: $((within_after - within_before)) of $((all_after - all_before)) stats requests answered within 5 ms"
  stop_host
fi

if want memory; then
  echo "== Redis memory per dedup record"
  dotnet "$harness" dedup-memory --redis "127.0.0.1:$redis_port" --records 1000000
  dotnet "$harness" dedup-memory --redis "127.0.0.1:$redis_port" --records 1000000 --mix insights
fi

if want providers; then
  echo "== many providers (load/many-providers.sh, its own Redis and PostgreSQL): the idle host with 50 and with 100,000"
  echo "   providers, then the freshness of 50 receiving among them"
  cleanup
  trap - EXIT
  load/many-providers.sh --app "$app"
fi

if [ ${#unverified[@]} -gt 0 ]; then
  echo "NOT VERIFIED: ${unverified[*]}; their figures do not count"
  exit 1
fi
