#!/usr/bin/env bash
# A three-silo Sluice cluster on this machine's loopback: one redis-server (membership, grain state, reminders) and
# three silo processes in cluster mode sharing one checkpoint folder.
#
#   deploy/local-cluster.sh [start]   build the silo if needed, start redis and the silos, print where to reach them
#   deploy/local-cluster.sh status    show which processes are running
#   deploy/local-cluster.sh stop      stop the silos (SIGTERM, then SIGKILL after 20 s) and redis
#   deploy/local-cluster.sh clean     stop, then delete the folder below (logs, redis data, checkpoints)
#
# Environment (all optional):
#   SLUICE_CLUSTER_DIR  pid files, logs, redis data and the shared checkpoints (default: $TMPDIR/sluice-local-cluster)
#   REDIS_PORT          default 6380
#   SILO_PORT           first silo-to-silo port, default 11111 (silo i uses SILO_PORT+i-1)
#   GATEWAY_PORT        first client gateway port, default 30000
#   HTTP_PORT           first HTTP port (API, UI, dashboard), default 8080
#   KAFKA_BOOTSTRAP     a real Kafka for every silo; unset, silo 1 hosts an embedded broker that silos 2 and 3 use
#   SLUICE_ARTIFACTS    build with --artifacts-path here instead of src/Silo/bin
#   SLUICE_API_KEY      the API key of the silos' HTTP API, UI and Dashboard; unset, one is generated on the first
#                       start and kept in $SLUICE_CLUSTER_DIR/api-key (mode 600) until `clean`
set -euo pipefail
cd "$(dirname "$0")/.."

SILOS=3
DIR="${SLUICE_CLUSTER_DIR:-${TMPDIR:-/tmp}/sluice-local-cluster}"
REDIS_PORT="${REDIS_PORT:-6380}"
SILO_PORT="${SILO_PORT:-11111}"
GATEWAY_PORT="${GATEWAY_PORT:-30000}"
HTTP_PORT="${HTTP_PORT:-8080}"
if [ -n "${SLUICE_ARTIFACTS:-}" ]; then
  DLL="$SLUICE_ARTIFACTS/bin/Silo/release/Sluice.Silo.dll"
  BUILD_ARGS=(--artifacts-path "$SLUICE_ARTIFACTS")
else
  DLL="src/Silo/bin/Release/net10.0/Sluice.Silo.dll"
  BUILD_ARGS=()
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Installing redis-server (Debian package)..."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
  fi
}

ensure_build() {
  # Rebuild when the silo is missing or any source or project file is newer than it.
  if [ ! -f "$DLL" ] || [ -n "$(find src Directory.Build.props Directory.Packages.props \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) -newer "$DLL" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)" ]; then
    echo "Building the silo (dotnet build -c Release)..."
    dotnet build src/Silo/Silo.csproj -c Release -warnaserror -nologo -v quiet "${BUILD_ARGS[@]}"
  fi
}

# The key reaches the silos through their environment and curl through a header file, never a command line (ps).
ensure_key() {
  local mask; mask=$(umask)
  umask 077
  if [ -n "${SLUICE_API_KEY:-}" ]; then
    printf '%s' "$SLUICE_API_KEY" >"$DIR/api-key"
  elif [ ! -s "$DIR/api-key" ]; then
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$DIR/api-key"
  fi
  printf 'X-Api-Key: %s\n' "$(cat "$DIR/api-key")" >"$DIR/api-key.header"
  umask "$mask"
}

wait_http() { # $1 url, $2 log file, $3 seconds
  local deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null --max-time 2 -H @"$DIR/api-key.header" "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "No answer from $1 within $3 s; the end of $2:" >&2
      tail -n 30 "$2" >&2
      return 1
    fi
    sleep 0.5
  done
}

start_silo() { # $1 index (1-based), remaining args: extra silo arguments
  local i=$1; shift
  local log="$DIR/silo$i.log"
  if running "$DIR/silo$i.pid"; then
    echo "silo $i is already running (pid $(cat "$DIR/silo$i.pid"))"
    return
  fi
  Http__ApiKeys__0="$(cat "$DIR/api-key")" setsid nohup dotnet "$DLL" \
    --Silo:Mode=cluster \
    --Redis:ConnectionString="127.0.0.1:$REDIS_PORT" \
    --Silo:SiloPort=$((SILO_PORT + i - 1)) \
    --Silo:GatewayPort=$((GATEWAY_PORT + i - 1)) \
    --Http:Port=$((HTTP_PORT + i - 1)) \
    --Sluice:CheckpointRoot="$DIR/checkpoints" \
    "$@" >"$log" 2>&1 < /dev/null &
  echo $! >"$DIR/silo$i.pid"
}

start() {
  ensure_redis
  ensure_build
  mkdir -p "$DIR/checkpoints" "$DIR/redis"
  ensure_key
  if ! running "$DIR/redis.pid"; then
    # Append-only file: the query registry and reminders outlive a restart of the local cluster.
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --appendonly yes --save "" \
      --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
  fi
  local deadline=$((SECONDS + 10))
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "redis-server did not answer on port $REDIS_PORT; see $DIR/redis.log" >&2; exit 1; }
    sleep 0.2
  done

  local kafka
  if [ -n "${KAFKA_BOOTSTRAP:-}" ]; then
    kafka="$KAFKA_BOOTSTRAP"
    start_silo 1 --Kafka:BootstrapServers="$kafka"
  else
    # One embedded broker for the whole cluster, in silo 1: the others read its address from silo 1's banner.
    start_silo 1 --Kafka:Embedded=true
    wait_http "http://localhost:$HTTP_PORT/api/queries" "$DIR/silo1.log" 90
    kafka=$(sed -n 's/^Sluice silo is up\. Kafka bootstrap servers: \([^ ]*\).*/\1/p' "$DIR/silo1.log" | tail -n 1)
    [ -n "$kafka" ] || { echo "Could not read silo 1's embedded Kafka address from $DIR/silo1.log" >&2; exit 1; }
  fi
  for i in $(seq 2 $SILOS); do
    start_silo "$i" --Kafka:BootstrapServers="$kafka"
  done
  for i in $(seq 1 $SILOS); do
    wait_http "http://localhost:$((HTTP_PORT + i - 1))/api/queries" "$DIR/silo$i.log" 90
  done

  echo "Sluice local cluster is up ($SILOS silos, cluster id 'sluice', Redis 127.0.0.1:$REDIS_PORT)."
  echo "  Kafka:        $kafka${KAFKA_BOOTSTRAP:+ (yours)}${KAFKA_BOOTSTRAP:- (embedded broker in silo 1: it goes away with silo 1)}"
  echo "  checkpoints:  $DIR/checkpoints (shared by every silo)"
  local key; key=$(cat "$DIR/api-key")
  for i in $(seq 1 $SILOS); do
    echo "  silo $i:       gateway 127.0.0.1:$((GATEWAY_PORT + i - 1))   UI http://localhost:$((HTTP_PORT + i - 1))/ui/?key=$key   dashboard http://localhost:$((HTTP_PORT + i - 1))/dashboard?key=$key   log $DIR/silo$i.log"
  done
  echo "  HTTP API:     curl -H @$DIR/api-key.header http://localhost:$HTTP_PORT/api/queries   (key in $DIR/api-key)"
  echo "  try:          sluice list --silo 127.0.0.1:$((GATEWAY_PORT + 1))"
  echo "  stop:         deploy/local-cluster.sh stop"
}

stop_pid() { # $1 pid file, $2 name
  if running "$1"; then
    local pid; pid=$(cat "$1")
    kill -TERM "$pid"
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$2 (pid $pid) did not stop within 20 s; killing it"
      kill -KILL "$pid"
    fi
    echo "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}

stop() {
  for i in $(seq $SILOS -1 1); do
    stop_pid "$DIR/silo$i.pid" "silo $i"
  done
  stop_pid "$DIR/redis.pid" "redis-server"
}

status() {
  for name in redis $(seq -f 'silo%g' 1 $SILOS); do
    if running "$DIR/$name.pid"; then echo "$name: running (pid $(cat "$DIR/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  clean) stop; rm -rf "$DIR"; echo "deleted $DIR" ;;
  status) status ;;
  *) echo "usage: $0 [start|stop|clean|status]" >&2; exit 2 ;;
esac
