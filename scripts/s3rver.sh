#!/usr/bin/env bash
# s3rver, an S3 emulator, for the S3 tests (checkpoints, the files source and file stores on s3://).
#
#   scripts/s3rver.sh [start]   install s3rver with npm if missing, start it on 127.0.0.1:4569 in the background
#                               unless something already listens there, wait until it answers, and print its URL on
#                               stdout (everything else goes to stderr), so:
#                                 export SLUICE_S3RVER="$(scripts/s3rver.sh)"
#   scripts/s3rver.sh stop      stop the s3rver this script started
#
# s3rver accepts any credentials (the tests use S3RVER/S3RVER) and serves path-style requests. It ignores
# If-None-Match on PUT, so the tests cannot show S3's create-if-absent race being refused: see docs/connectors.md.
# Installed into ${SLUICE_TOOLS_DIR:-~/.cache/sluice/tools} (npm --prefix: no sudo), data in ${SLUICE_S3RVER_DIR:-$TMPDIR/sluice-s3rver}.
set -euo pipefail

S3RVER_VERSION=3.7.1
HOST=127.0.0.1
PORT="${SLUICE_S3RVER_PORT:-4569}"
TOOLS_DIR="${SLUICE_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sluice/tools}"
INSTALL_DIR="$TOOLS_DIR/s3rver-$S3RVER_VERSION"
DATA_DIR="${SLUICE_S3RVER_DIR:-${TMPDIR:-/tmp}/sluice-s3rver}"
PID_FILE="$DATA_DIR/s3rver.pid"

log() { echo "s3rver.sh: $*" >&2; }

listening() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

answers() (
  exec 3<>"/dev/tcp/$HOST/$PORT" || exit 1
  printf 'GET / HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$HOST" "$PORT" >&3
  IFS= read -r -t 2 line <&3 || true
  [[ "${line:-}" == HTTP/* ]]
) 2>/dev/null

install() {
  if [ -x "$INSTALL_DIR/node_modules/.bin/s3rver" ]; then
    return
  fi
  command -v npm >/dev/null 2>&1 || { log "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
  log "installing s3rver@$S3RVER_VERSION into $INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  npm install --prefix "$INSTALL_DIR" --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >&2
}

start() {
  if listening; then
    log "something already listens on $HOST:$PORT; using it"
  else
    install
    mkdir -p "$DATA_DIR"
    log "starting s3rver on $HOST:$PORT (data and log in $DATA_DIR)"
    nohup "$INSTALL_DIR/node_modules/.bin/s3rver" --silent --address "$HOST" --port "$PORT" --directory "$DATA_DIR" \
      >"$DATA_DIR/stdout.log" 2>&1 &
    echo $! >"$PID_FILE"
  fi
  for _ in $(seq 1 150); do
    if answers; then
      echo "http://$HOST:$PORT"
      return
    fi
    sleep 0.2
  done
  log "s3rver did not answer on http://$HOST:$PORT within 30 s; see $DATA_DIR/stdout.log"
  exit 1
}

stop() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    rm -f "$PID_FILE"
    log "stopped"
  else
    log "no s3rver started by this script is running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 [start|stop]"; exit 2 ;;
esac
