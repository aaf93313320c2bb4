#!/usr/bin/env bash
# Azurite's blob and table services, for the blob checkpoint tests, the Azure Storage cluster tests (membership and
# reminders in tables, grain state in blobs) and for trying cluster mode on a laptop.
#
#   scripts/azurite.sh [start]   install Azurite with npm if missing, start the blob service on 127.0.0.1:10000 and
#                                the table service on 127.0.0.1:10002, each in the background unless something
#                                already listens on its port, wait until both answer, and print the connection
#                                string on stdout (everything else goes to stderr), so:
#                                  export SLUICE_AZURITE="$(scripts/azurite.sh)"
#   scripts/azurite.sh stop      stop the Azurite services this script started
#
# Azurite goes into ${SLUICE_TOOLS_DIR:-~/.cache/sluice/tools} (npm --prefix: no sudo, no global install), its
# data and log into ${SLUICE_AZURITE_DIR:-$TMPDIR/sluice-azurite}. 3.35.0 is the newest Azurite that runs on
# Node 20 (3.36 wants Node >= 21); --skipApiVersionCheck lets newer Azure SDKs talk to it.
set -euo pipefail

AZURITE_VERSION=3.35.0
HOST=127.0.0.1
PORT=10000
TABLE_PORT=10002
TOOLS_DIR="${SLUICE_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sluice/tools}"
INSTALL_DIR="$TOOLS_DIR/azurite-$AZURITE_VERSION"
DATA_DIR="${SLUICE_AZURITE_DIR:-${TMPDIR:-/tmp}/sluice-azurite}"
PID_FILE="$DATA_DIR/azurite.pid"
TABLE_PID_FILE="$DATA_DIR/azurite-table.pid"
CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://$HOST:$PORT/devstoreaccount1;TableEndpoint=http://$HOST:$TABLE_PORT/devstoreaccount1;"

log() { echo "azurite.sh: $*" >&2; }

listening() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Any HTTP status line (an anonymous request gets 403) means the service is up and parsing requests.
# Plain bash, so a machine without curl can run this too. $1: port, $2: path.
answers() (
  exec 3<>"/dev/tcp/$HOST/$1" || exit 1
  printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$2" "$HOST" "$1" >&3
  IFS= read -r -t 2 line <&3 || true
  [[ "${line:-}" == HTTP/* ]]
) 2>/dev/null

install() {
  if [ -x "$INSTALL_DIR/node_modules/.bin/azurite-blob" ] && [ -x "$INSTALL_DIR/node_modules/.bin/azurite-table" ]; then
    return
  fi
  command -v npm >/dev/null 2>&1 || { log "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
  log "installing azurite@$AZURITE_VERSION into $INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2
}

# $1: service (blob or table), $2: port, $3: pid file.
start_service() {
  if listening "$2"; then
    log "something already listens on $HOST:$2; using it as the $1 service"
    return
  fi
  install
  mkdir -p "$DATA_DIR"
  log "starting azurite-$1 on $HOST:$2 (data and log in $DATA_DIR)"
  nohup "$INSTALL_DIR/node_modules/.bin/azurite-$1" --silent --skipApiVersionCheck --loose \
    --location "$DATA_DIR" "--${1}Host" "$HOST" "--${1}Port" "$2" >"$DATA_DIR/$1.log" 2>&1 &
  echo $! >"$3"
}

start() {
  start_service blob "$PORT" "$PID_FILE"
  start_service table "$TABLE_PORT" "$TABLE_PID_FILE"
  for _ in $(seq 1 150); do
    if answers "$PORT" "/devstoreaccount1?comp=list" && answers "$TABLE_PORT" "/devstoreaccount1/Tables"; then
      echo "$CONNECTION_STRING"
      return
    fi
    sleep 0.2
  done
  log "Azurite did not answer on http://$HOST:$PORT (blob) and http://$HOST:$TABLE_PORT (table) within 30 s; see $DATA_DIR/*.log"
  exit 1
}

stop() {
  local stopped=0
  for pid_file in "$PID_FILE" "$TABLE_PID_FILE"; do
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      kill "$(cat "$pid_file")"
      rm -f "$pid_file"
      stopped=1
    fi
  done
  if [ "$stopped" = 1 ]; then log "stopped"; else log "no Azurite started by this script is running"; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 [start|stop]"; exit 2 ;;
esac
