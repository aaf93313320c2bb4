#!/usr/bin/env bash
# Azurite's blob service for the blob checkpoint tests and for trying cluster mode on a laptop.
#
#   scripts/azurite.sh [start]   install Azurite with npm if missing, start the blob service on 127.0.0.1:10000
#                                in the background unless something already listens there, wait until it answers,
#                                and print the connection string on stdout (everything else goes to stderr), so:
#                                  export SLUICE_AZURITE="$(scripts/azurite.sh)"
#   scripts/azurite.sh stop      stop the Azurite this script started
#
# Azurite goes into ${SLUICE_TOOLS_DIR:-~/.cache/sluice/tools} (npm --prefix: no sudo, no global install), its
# data and log into ${SLUICE_AZURITE_DIR:-$TMPDIR/sluice-azurite}. 3.35.0 is the newest Azurite that runs on
# Node 20 (3.36 wants Node >= 21); --skipApiVersionCheck lets newer Azure SDKs talk to it.
set -euo pipefail

AZURITE_VERSION=3.35.0
HOST=127.0.0.1
PORT=10000
TOOLS_DIR="${SLUICE_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sluice/tools}"
INSTALL_DIR="$TOOLS_DIR/azurite-$AZURITE_VERSION"
DATA_DIR="${SLUICE_AZURITE_DIR:-${TMPDIR:-/tmp}/sluice-azurite}"
PID_FILE="$DATA_DIR/azurite.pid"
CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://$HOST:$PORT/devstoreaccount1;"

log() { echo "azurite.sh: $*" >&2; }

listening() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

# Any HTTP status line (an anonymous request gets 403) means the blob service is up and parsing requests.
# Plain bash, so a machine without curl can run this too.
answers() (
  exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
  printf 'GET /devstoreaccount1?comp=list HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$HOST" "$PORT" >&3
  IFS= read -r -t 2 line <&3 || true
  [[ "${line:-}" == HTTP/* ]]
) 2>/dev/null

install() {
  if [ -x "$INSTALL_DIR/node_modules/.bin/azurite-blob" ]; then
    return
  fi
  command -v npm >/dev/null 2>&1 || { log "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
  log "installing azurite@$AZURITE_VERSION into $INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2
}

start() {
  if listening; then
    log "something already listens on $HOST:$PORT; using it"
  else
    install
    mkdir -p "$DATA_DIR"
    log "starting azurite-blob on $HOST:$PORT (data and log in $DATA_DIR)"
    nohup "$INSTALL_DIR/node_modules/.bin/azurite-blob" --silent --skipApiVersionCheck --loose \
      --location "$DATA_DIR" --blobHost "$HOST" --blobPort "$PORT" >"$DATA_DIR/stdout.log" 2>&1 &
    echo $! >"$PID_FILE"
  fi
  for _ in $(seq 1 150); do
    if answers; then
      echo "$CONNECTION_STRING"
      return
    fi
    sleep 0.2
  done
  log "Azurite did not answer on http://$HOST:$PORT within 30 s; see $DATA_DIR/stdout.log"
  exit 1
}

stop() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    rm -f "$PID_FILE"
    log "stopped"
  else
    log "no Azurite started by this script is running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 [start|stop]"; exit 2 ;;
esac
