#!/usr/bin/env bash
# Fault runs: each fault is injected under load into real processes (a receiver and a worker started from the Release
# build, their own Redis with AOF and appendfsync always, their own PostgreSQL), and then every count is compared with
# what was accepted. The load harness generates the load, keeps the ledger of accepted events and verifies.
#
# Usage: load/faults.sh [--seconds N] [--pg-outage S] [--kills N] [--summary FILE] [fault...]
#   faults: worker-kill, redis-restart, postgres-stop, queue-full, sigterm, failover (default: all six; failover
#   leaves Redis on the replica's port, so it runs last); and fsync, which measures ingest with appendfsync always
#   against everysec (not a fault, not in the default set).
# deploy/local/test.sh runs all six briefly; run longer by hand for a soak, e.g.
#   load/faults.sh --seconds 300 --pg-outage 60 --kills 40
# The load is load/scenarios/faults.json, its duration and retries set by the harness's flags; each run's phase (its
# --status file) and result (its --result JSON) are read with jq. Needs jq (installed when missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. deploy/local/services.sh

seconds=10
pg_outage=10
kills=6
summary=""
faults=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --pg-outage) pg_outage=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --summary) summary=$2; shift 2 ;;
    *) faults+=("$1"); shift ;;
  esac
done
[ ${#faults[@]} -gt 0 ] || faults=(worker-kill redis-restart postgres-stop queue-full sigterm failover)

data="$root/.local/faults"
# Ports below the kernel's ephemeral range (32768+), where no client socket can hold them when a service restarts.
redis_port=${CBP_FAULTS_REDIS_PORT:-23379}
replica_port=$((redis_port + 1))
pg_port=${CBP_FAULTS_PG_PORT:-23432}
receiver_port=${CBP_FAULTS_RECEIVER_PORT:-23080}
worker_port=$((receiver_port + 1))
key="faults-operator-key-0123456789abcdef"
app="$root/src/CallbackPipeline.Api/bin/Release/net10.0"
harness="$root/load/CallbackPipeline.Load/bin/Release/net10.0/CallbackPipeline.Load.dll"
receiver_pid=""
worker_pid=""
results="$data/results.md"

log() { printf '[faults] %s\n' "$*"; }
stop_pid() { local pid=$1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; return 0; }
cleanup() {
  stop_pid "$receiver_pid"; stop_pid "$worker_pid"
  cbp_stop_redis "$redis_port"; cbp_stop_redis "$replica_port"; cbp_stop_postgres "$data/postgres"
}
trap cleanup EXIT

# launch ROLE PORT [ENV=VALUE...]: starts the app in a role, waits for /healthz, leaves its pid in $launched.
launch() {
  local role=$1 on=$2; shift 2
  env Auth__OperatorKey="$key" ConnectionStrings__redis="127.0.0.1:$redis_port,abortConnect=false" \
    ConnectionStrings__postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=faults" \
    ASPNETCORE_URLS="http://127.0.0.1:$on" Logging__LogLevel__Default=Warning \
    Flush__Interval=00:00:00.200 Flush__Lease=00:00:02 Queue__ClaimIdle=00:00:02 "$@" \
    dotnet "$app/CallbackPipeline.Api.dll" --contentRoot "$app" --role "$role" >> "$data/$role.log" 2>&1 &
  launched=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$on/healthz" >/dev/null 2>&1 && return; sleep 0.2; done
  log "$role did not start; see $data/$role.log"; exit 1
}
start_receiver() { launch receiver "$receiver_port" "$@"; receiver_pid=$launched; }
start_worker() { launch worker "$worker_port" "$@"; worker_pid=$launched; }
kill9_worker() { kill -KILL "$worker_pid" 2>/dev/null; wait "$worker_pid" 2>/dev/null || true; worker_pid=""; }

hms() { printf '%02d:%02d:%02d' $(($1 / 3600)) $(($1 % 3600 / 60)) $(($1 % 60)); }

# start_load NAME [FAIL_PERCENT]: the harness in the background on load/scenarios/faults.json for --seconds: single-event
# callbacks with 20 % resent, and batches of sent events. Without FAIL_PERCENT a request without a 2xx is retried, as
# providers do (up to 10 times); with it nothing is retried, and the run fails when more requests than that get no 2xx.
# Leaves $load_pid; its output, phase and result are $data/NAME.out, .status and .json. Returns once the load is going.
start_load() {
  local limits=()
  [ -z "${2:-}" ] || limits=(--retries 0 --fail-percent "$2")
  rm -f "$data/$1.status" "$data/$1.json"
  dotnet "$harness" run load/scenarios/faults.json --during "$seconds" "${limits[@]}" --target "http://127.0.0.1:$receiver_port" \
    --operator-key "$key" --host-pid "$receiver_pid" --verify-timeout 120 --reports "$data/reports" \
    --status "$data/$1.status" --result "$data/$1.json" > "$data/$1.out" 2>&1 &
  load_pid=$!
  wait_phase load "$1"
}

# phase NAME: the run's phase from its status file (setup, load, verifying, done), or none before it is written.
phase() { jq -r .phase "$data/$1.status" 2>/dev/null || echo none; }
# past PHASE NAME: whether the run has reached PHASE or a later one.
rank() { case $1 in setup) echo 1 ;; load) echo 2 ;; verifying) echo 3 ;; done) echo 4 ;; *) echo 0 ;; esac; }
past() { [ "$(rank "$(phase "$2")")" -ge "$(rank "$1")" ]; }
# wait_phase PHASE NAME: until the run reaches PHASE; fails the run if the harness dies or 10 minutes pass first.
wait_phase() {
  local deadline=$((SECONDS + 600))
  until past "$1" "$2"; do
    if ! kill -0 "$load_pid" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
      past "$1" "$2" && return
      log "$2: the harness stopped before the $1 phase"; tail -n 20 "$data/$2.out"; exit 1
    fi
    sleep 0.2
  done
}

# wait_load: waits for the harness and its verification; $load_status is its exit code.
wait_load() { load_status=0; wait "$load_pid" || load_status=$?; }

# totals NAME...: the runs' verification totals summed, and how far their insights were off, from their result files.
totals() {
  local files=() name
  for name in "$@"; do files+=("$data/$name.json"); done
  jq -rs 'if all(.[]; .verification) then (map(.verification.totals) | "accepted \(map(.accepted) | add), no answer \(map(.noAnswer) | add), counted \(map(.counted) | add), lost \(map(.lost) | add), doubled \(map(.doubled) | add)") + "; insights off by \(map(.verification.insights[].off) | add // 0); \(map(.verification.resent) | add) sent again after the load" else "no verification" end' "${files[@]}" 2>/dev/null || echo "no verification"
}
# codes NAME: each scenario's status codes, from the run's result file.
codes() { jq -r '[.scenarios[] | "\(.name): " + (.statusCodes | to_entries | map("\(.key): \(.value)") | join(", "))] | join("; ")' "$data/$1.json" 2>/dev/null || true; }
# code_count NAME SCENARIO REGEX: how many requests of a scenario got a status code matching REGEX.
code_count() { jq -r --arg s "$2" --arg re "$3" '[.scenarios[] | select(.name == $s) | .statusCodes | to_entries[] | select(.key | test($re)) | .value] | add // 0' "$data/$1.json" 2>/dev/null || echo 0; }

# row NAME VERDICT TOTALS NOTES CODES: one line of the results table. A verdict other than passed or "not injected"
# fails the fault runs.
failed=0
row() {
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" >> "$results"
  log "$1: $2 — $3; $4"
  case $2 in passed | "not injected") ;; *) failed=1 ;; esac
}

# finish_load NAME NOTES: adds the fault's row to the results (after wait_load, or waits itself). A fault's own
# check that did not hold is left in $problem.
problem=""
finish_load() {
  local name=$1 notes=$2
  [ -z "${load_pid:-}" ] || wait_load
  load_pid=""
  local status=$load_status verdict=passed
  if [ -n "$problem" ]; then notes="$notes; FAILED CHECK: $problem"; status=1; fi
  problem=""
  [ "$status" -eq 0 ] || verdict=FAILED
  row "$name" "$verdict" "$(totals "$name")" "$notes" "$(codes "$name")"
  [ "$status" -eq 0 ] || tail -n 40 "$data/$name.out"
}

pending() { redis-cli -p "$redis_port" xpending "$stream" "$group" 2>/dev/null | head -n1; }
# Entries delivered to the running worker and not acknowledged (its consumer name starts with host-pid).
worker_pending() {
  redis-cli -p "$redis_port" xpending "$stream" "$group" 2>/dev/null | grep -A1 "^$(hostname -s)-$worker_pid-" | sed -n 2p
}
count_keys() { redis-cli -p "$redis_port" --scan --pattern "$1" 2>/dev/null | wc -l; }
cut_batches() { count_keys "$batches"; }
# readyz PORT: the status code and the status of one /readyz answer.
readyz() { curl -s -w ' %{http_code}' "http://127.0.0.1:$1/readyz" | sed -E 's/.*("status":"[a-z]+").* ([0-9]+)$/\2 \1/'; }

# kill_round NAME: up to --kills kills of the worker while the run NAME's load goes on, each mid-flush or mid-batch by
# turns; adds to $mid_batch, $mid_flush and $kill_count.
kill_round() {
  local i lock_pid=""
  for i in $(seq 1 "$kills"); do
    past verifying "$1" && break
    kill_count=$((kill_count + 1))
    sleep "0.$((RANDOM % 9 + 1))"
    if [ $((i % 3)) -eq 1 ]; then
      # Mid-flush, for certain: hold daily_stats locked so the flush stops between its Redis cut and its commit.
      # First let the new worker recover any batch an earlier kill left cut, so only this kill's batch is seen.
      [ -z "$lock_pid" ] || wait "$lock_pid" || true
      for _ in $(seq 1 100); do [ "$(cut_batches)" -eq 0 ] && break; sleep 0.05; done
      # The flusher cuts only when there are deltas: on a slow box a worker just (re)started may not have counted
      # anything yet, and a lock taken then would expire before any flush had cut a batch. A provider's dirty-days
      # set exists only while it has deltas the flusher has not cut yet.
      for _ in $(seq 1 200); do [ "$(count_keys "$dirty_days")" -gt 0 ] && break; sleep 0.05; done
      cbp_as_pg "$(cbp_pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d faults -q \
        -c "begin; lock table daily_stats in exclusive mode; select pg_sleep(4); commit;" >/dev/null &
      lock_pid=$!
      for _ in $(seq 1 150); do [ "$(cut_batches)" -gt 0 ] && break; sleep 0.02; done
      kill9_worker
      # A batch still cut once the worker is dead was cut and never committed or dropped: it died mid-flush.
      [ "$(cut_batches)" -gt 0 ] && mid_flush=$((mid_flush + 1))
      # The next worker starts while the lock still holds: once the dead worker's claim runs out (Flush:Lease, 2 s
      # here) it recovers the cut batch, and its commit waits for the lock.
    else
      # Mid-batch, for certain: pause Redis writes (the worker can neither count nor acknowledge), and if the worker
      # then holds delivered, unacknowledged entries, kill it frozen there; otherwise let it go on and try again.
      local try
      for try in $(seq 1 100); do
        redis-cli -p "$redis_port" client pause 2000 write >/dev/null
        if [ "$(worker_pending)" -gt 0 ] 2>/dev/null; then
          kill9_worker
          mid_batch=$((mid_batch + 1))
          redis-cli -p "$redis_port" client unpause >/dev/null
          break
        fi
        redis-cli -p "$redis_port" client unpause >/dev/null
        sleep 0.02
      done
      [ -z "$worker_pid" ] || kill9_worker
    fi
    start_worker
  done
  [ -z "$lock_pid" ] || wait "$lock_pid" || true
}

# Kills land mid-batch and mid-flush only when the worker is caught there; a round whose kills all fell between
# batches and flushes is followed by another, up to 3 rounds, each with its own load and verification. Were one kind
# still missing, the row says the fault was not injected rather than claiming it.
fault_worker_kill() {
  local round names=() status=0 verdict notes
  mid_batch=0 mid_flush=0 kill_count=0
  start_worker
  for round in 1 2 3; do
    names+=("worker-kill-$round")
    start_load "worker-kill-$round"
    kill_round "worker-kill-$round"
    wait_load; load_pid=""
    [ "$load_status" -eq 0 ] || { status=1; tail -n 40 "$data/worker-kill-$round.out"; break; }
    [ "$mid_batch" -gt 0 ] && [ "$mid_flush" -gt 0 ] && break
  done
  notes="$kill_count × kill -9 of the worker in ${#names[@]} round(s): $mid_batch holding unacknowledged entries (mid-batch), $mid_flush with a flush batch cut but not committed (mid-flush)"
  if [ "$status" -ne 0 ]; then verdict=FAILED
  elif [ "$mid_batch" -eq 0 ] || [ "$mid_flush" -eq 0 ]; then
    verdict="not injected"
    notes="$notes; NOT INJECTED: no kill landed $([ "$mid_batch" -eq 0 ] && echo mid-batch || echo mid-flush) in 3 rounds, so that case was not tested (the counts were still verified)"
  else verdict=passed
  fi
  row worker-kill "$verdict" "$(totals "${names[@]}")" "$notes" "$(codes "${names[-1]}")"
  stop_pid "$worker_pid"; worker_pid=""
}

fault_redis_restart() {
  start_worker
  start_load redis-restart
  sleep $((seconds / 3))
  # A crash, not a clean shutdown: SIGKILL, then a start that replays the AOF.
  kill -KILL "$(cat "$data/redis/redis.pid")"
  sleep 2
  cbp_start_redis "$data/redis" "$redis_port" >/dev/null
  finish_load redis-restart "Redis killed (SIGKILL) and restarted from its AOF after 2 s, under load"
  stop_pid "$worker_pid"; worker_pid=""
}

fault_postgres_stop() {
  if [ $((pg_outage + 4)) -gt "$seconds" ]; then log "postgres-stop: --pg-outage must end 2 s before the load: use --seconds $((pg_outage + 4)) or more"; exit 2; fi
  start_worker
  start_load postgres-stop 0
  sleep 2
  cbp_as_pg "$(cbp_pg_bin)/pg_ctl" -D "$data/postgres" -m fast stop >/dev/null
  sleep 3
  local receiver_ready worker_ready
  receiver_ready=$(readyz "$receiver_port"); worker_ready=$(readyz "$worker_port")
  sleep $((pg_outage - 3))
  cbp_start_postgres "$data/postgres" "$pg_port" >/dev/null
  finish_load postgres-stop "PostgreSQL stopped ${pg_outage} s under load; /readyz during it: receiver $receiver_ready, worker $worker_ready"
  stop_pid "$worker_pid"; worker_pid=""
}

fault_queue_full() {
  # A receiver with a small queue and no worker: the queue fills, the receiver must answer 503 and queue nothing.
  stop_pid "$receiver_pid"
  start_receiver Queue__MaxDepth=400 Queue__DepthRefresh=00:00:00.050
  start_load queue-full 100
  sleep $((seconds / 2))
  local ready depth
  ready=$(readyz "$receiver_port")
  depth=$(redis-cli -p "$redis_port" xlen "$stream")
  wait_phase verifying queue-full
  start_worker
  wait_load; load_pid=""
  local rss; rss=$(jq -r 'if .hostMaxRssBytes then "Host RSS max: \(.hostMaxRssBytes / 1048576 | floor) MiB" else empty end' "$data/queue-full.json" 2>/dev/null || true)
  # It must have refused (a limit that no longer applied would pass verification with every request 2xx'ed), and
  # held the stream near the limit: what arrives within one depth refresh may pass.
  if [ "$(code_count queue-full callbacks '^503')" -eq 0 ]; then problem="no request was refused"; fi
  if [ "${depth:-0}" -gt 500 ]; then problem="the stream grew to $depth entries, past the limit of 400"; fi
  finish_load queue-full "Queue:MaxDepth 400 and no worker until the load ended: depth held at $depth messages, receiver /readyz $ready; receiver ${rss:-RSS not sampled}"
  stop_pid "$worker_pid"; worker_pid=""
  stop_pid "$receiver_pid"; start_receiver
}

fault_sigterm() {
  start_worker
  start_load sigterm
  sleep $((seconds / 3))
  local t0 receiver_exit worker_exit receiver_ms worker_ms left
  t0=$(date +%s%N); kill -TERM "$receiver_pid"; wait "$receiver_pid" && receiver_exit=0 || receiver_exit=$?
  receiver_ms=$((($(date +%s%N) - t0) / 1000000))
  start_receiver
  sleep 1
  t0=$(date +%s%N); kill -TERM "$worker_pid"; wait "$worker_pid" && worker_exit=0 || worker_exit=$?
  worker_ms=$((($(date +%s%N) - t0) / 1000000))
  left=$(pending)
  start_worker
  wait_load; load_pid=""
  # Expected while the receiver restarts: refused connections, and "ended" ones, keep-alive connections the server
  # closed as a request went out on them (the provider retries both; in Kubernetes the preStop pause avoids them).
  # A request that broke half-way or hung would be a failed drain.
  if [ $(($(code_count sigterm callbacks '^(error|timeout)') + $(code_count sigterm messages '^(error|timeout)') + $(code_count sigterm sent-events '^(error|timeout)'))) -gt 0 ]; then
    problem="requests broke off or hung during the receiver's shutdown"
  fi
  if [ "$receiver_exit" -ne 0 ] || [ "$worker_exit" -ne 0 ]; then problem="a process did not exit 0 on SIGTERM"; fi
  if [ "$receiver_ms" -gt 15000 ] || [ "$worker_ms" -gt 15000 ]; then problem="a process took over 15 s to stop"; fi
  if [ "${left:-0}" -ne 0 ]; then problem="the worker left $left entries unacknowledged"; fi
  finish_load sigterm "SIGTERM to the receiver (exit $receiver_exit after $receiver_ms ms) and to the worker (exit $worker_exit after $worker_ms ms, ${left:-0} entries left unacknowledged)"
  stop_pid "$worker_pid"; worker_pid=""
}

# An unplanned failover: under load the replica is cut off (frozen, its link closed), so the primary's last writes
# never reach it; then the primary is killed and the replica promoted, and a new replica takes the old primary's
# port. The hosts require one replica for every write (Redis:WaitForReplicas=1) and list both ports, as a client of
# a managed Redis does. Whatever was answered 2xx must be counted once, however much the promoted replica lacks.
fault_failover() {
  cbp_start_replica "$data/replica" "$replica_port" "$redis_port"
  local both="ConnectionStrings__redis=127.0.0.1:$redis_port,127.0.0.1:$replica_port,abortConnect=false" lacks
  stop_pid "$receiver_pid"; start_receiver "$both" Redis__WaitForReplicas=1 Redis__ReplicaTimeout=00:00:00.200
  start_worker "$both" Redis__WaitForReplicas=1 Redis__ReplicaTimeout=00:00:00.200
  start_load failover
  sleep $((seconds / 3))
  kill -STOP "$(cat "$data/replica/redis.pid")"
  redis-cli -p "$redis_port" client kill type replica >/dev/null
  sleep 1
  # What the replica will lack: the primary's writes since the link was closed.
  lacks=$(cbp_replication "$redis_port" master_repl_offset)
  kill -KILL "$(cat "$data/redis/redis.pid")"
  kill -CONT "$(cat "$data/replica/redis.pid")"
  sleep 0.5
  lacks=$((lacks - $(cbp_replication "$replica_port" master_repl_offset)))
  [ "$lacks" -gt 0 ] || problem="the replica lacked nothing: no write was made while it was cut off"
  redis-cli -p "$replica_port" replicaof no one >/dev/null
  rm -rf "$data/redis"
  cbp_start_replica "$data/redis" "$redis_port" "$replica_port"
  finish_load failover "replica cut off for 1 s under load, the primary killed (SIGKILL) with $lacks bytes of writes the replica lacked, the replica promoted and a new one started"
  stop_pid "$worker_pid"; worker_pid=""
}

# Not a fault: what appendfsync everysec would gain over always, receiver alone, same load, same run.
fault_fsync() {
  stop_pid "$receiver_pid"; start_receiver
  local mode line
  # The first run warms the host up (JIT, connection pools) and is not reported; then the modes alternate.
  for mode in warm-up always everysec always everysec; do
    redis-cli -p "$redis_port" config set appendfsync "${mode/warm-up/always}" >/dev/null
    dotnet "$harness" run load/scenarios/fsync.json --during "$seconds" --target "http://127.0.0.1:$receiver_port" --operator-key "$key" \
      --reports "$data/reports" --result "$data/fsync-$mode.json" > "$data/fsync-$mode.out" 2>&1 || true
    [ "$mode" = warm-up ] && continue
    line=$(jq -r '.scenarios[0] | "\(.okRps | floor) req/s ok, p50 \(.p50Ms) ms, p99 \(.p99Ms) ms"' "$data/fsync-$mode.json")
    printf '| fsync %s | measured | — | %s | |\n' "$mode" "$line" >> "$results"
    log "appendfsync $mode: $line"
  done
  redis-cli -p "$redis_port" config set appendfsync always >/dev/null
}

cbp_ensure_packages
cbp_require jq jq
cleanup
rm -rf "$data"; mkdir -p "$data"
cbp_start_redis "$data/redis" "$redis_port"
cbp_start_postgres "$data/postgres" "$pg_port"
cbp_create_database "$pg_port" faults
[ -f "$app/CallbackPipeline.Api.dll" ] || dotnet build src/CallbackPipeline.Api -c Release -v quiet -nologo >/dev/null
[ -f "$harness" ] || dotnet build load/CallbackPipeline.Load -c Release -v quiet -nologo >/dev/null
# The key names, from the code that defines them, for the host's own key prefix.
names=$(dotnet "$harness" keys --prefix "$(jq -r .Redis.KeyPrefix "$app/appsettings.json")")
stream=$(jq -r .stream <<<"$names"); group=$(jq -r .group <<<"$names")
batches=$(jq -r .batches <<<"$names"); dirty_days=$(jq -r .dirtyDays <<<"$names")
start_receiver

{
  echo "| fault | verdict | events | what happened | status codes |"
  echo "|---|---|---|---|---|"
} > "$results"
for fault in "${faults[@]}"; do
  log "== $fault (load ${seconds} s)"
  "fault_${fault//-/_}"
done
cat "$results"
[ -z "$summary" ] || cp "$results" "$summary"
exit "$failed"
