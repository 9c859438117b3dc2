# Shared by run.sh and test.sh: install Redis and PostgreSQL from Debian packages when missing, and start
# project-local instances on loopback ports with data under a git-ignored folder. Source it; don't run it.

cbp_log() { printf '[callbackpipeline] %s\n' "$*" >&2; }

cbp_apt_install() {
  cbp_log "installing $* from Debian packages"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

cbp_pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

# cbp_ensure_packages [--for-tests]: Redis and PostgreSQL; for the tests also Chromium (browser tests), promtool
# (Debian's prometheus package: the alert rules' checks) and npm (the OpenAPI lint).
cbp_ensure_packages() {
  command -v redis-server >/dev/null || cbp_apt_install redis-server
  [ -n "$(cbp_pg_bin)" ] || cbp_apt_install postgresql
  if [ "${1:-}" = "--for-tests" ]; then
    [ -x /usr/bin/chromium ] || cbp_apt_install chromium
    command -v promtool >/dev/null || cbp_apt_install prometheus
    command -v npm >/dev/null || cbp_apt_install nodejs npm
  fi
  # The packaged services are not ours: keep them from holding ports or memory.
  local service
  for service in redis-server prometheus; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
      systemctl stop "$service" 2>/dev/null || true
    fi
  done
}

# cbp_require COMMAND PACKAGE: installs the Debian package that provides COMMAND when it is missing, and fails with a
# message naming both when it still is not there.
cbp_require() {
  command -v "$1" >/dev/null && return 0
  cbp_apt_install "$2" || true
  command -v "$1" >/dev/null || { cbp_log "$1 is needed and could not be installed (apt-get install $2)"; return 1; }
}

# PostgreSQL refuses to run as root: as root, run it as the postgres user.
cbp_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# cbp_start_redis DIR PORT — AOF with appendfsync always: a 2xx survives a power cut (docs/architecture.md).
cbp_start_redis() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then
    cbp_log "Redis already running on 127.0.0.1:$port"
    return
  fi
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --appendonly yes --appendfsync always --save "" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && { cbp_log "Redis up on 127.0.0.1:$port (AOF, appendfsync always)"; return; }
    sleep 0.1
  done
  cbp_log "Redis did not start; see $dir/redis.log"
  return 1
}

# cbp_start_replica DIR PORT PRIMARY_PORT: a Redis as cbp_start_redis makes it, a replica of the one on PRIMARY_PORT;
# returns once its link to the primary is up (the first sync done).
cbp_start_replica() {
  local dir=$1 port=$2 primary=$3
  cbp_start_redis "$dir" "$port" >/dev/null || return 1
  redis-cli -p "$port" replicaof 127.0.0.1 "$primary" >/dev/null
  until [ "$(cbp_replication "$port" master_link_status)" = up ]; do sleep 0.2; done
}

# cbp_replication PORT FIELD: a field of the INFO replication of the Redis on PORT (role, master_repl_offset, …).
cbp_replication() { redis-cli -p "$1" info replication | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'; }

# cbp_start_redis_cluster DIR PORT... : a Redis Cluster of one primary per port (no replicas), its slots spread evenly.
cbp_start_redis_cluster() {
  local dir=$1 port nodes=()
  shift
  for port in "$@"; do
    mkdir -p "$dir/$port"
    redis-cli -p "$port" ping >/dev/null 2>&1 || redis-server --bind 127.0.0.1 --port "$port" --dir "$dir/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf --appendonly yes --appendfsync always --save "" \
      --daemonize yes --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
    nodes+=("127.0.0.1:$port")
  done
  for _ in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && break; sleep 0.1; done
  # Created once: nodes restarted on their old data (nodes.conf) form the same cluster again by themselves.
  if redis-cli -p "$1" cluster info 2>/dev/null | grep -q 'cluster_slots_assigned:0'; then
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
      || { cbp_log "Redis Cluster create failed; see $dir/create.log"; return 1; }
  fi
  # Ready when every node says so and knows every other: a client connecting earlier may see a half-formed cluster.
  local ready
  for _ in $(seq 1 200); do
    ready=1
    for port in "$@"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || ready=0
      [ "$(redis-cli -p "$port" cluster nodes 2>/dev/null | grep -c ' connected')" -eq $# ] || ready=0
    done
    [ "$ready" -eq 1 ] && { cbp_log "Redis Cluster up on ${nodes[*]}"; return; }
    sleep 0.1
  done
  cbp_log "Redis Cluster did not reach state ok; see $dir/*/redis.log"
  return 1
}

cbp_stop_redis() {
  local port=$1
  redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
}

# cbp_start_postgres DIR PORT
cbp_start_postgres() {
  local dir=$1 port=$2 bin
  bin=$(cbp_pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && { id postgres >/dev/null 2>&1 || cbp_as_pg true; chown postgres "$dir"; }
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    cbp_as_pg "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  if cbp_as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    cbp_log "PostgreSQL already running on 127.0.0.1:$port"
    return
  fi
  cbp_as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
  cbp_log "PostgreSQL up on 127.0.0.1:$port"
}

cbp_stop_postgres() {
  local dir=$1 bin
  bin=$(cbp_pg_bin)
  [ -f "$dir/postmaster.pid" ] && cbp_as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# cbp_create_database PORT NAME
cbp_create_database() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$name\"" >/dev/null
  fi
}
