#!/usr/bin/env bash
# npm start: sets up what is missing, then runs the OmniLisp service on its embedded defaults:
# the API on $PORT (default 8080) and one worker process, the local filesystem store, and Redis
# at $REDIS_URL — or, when REDIS_URL is unset and nothing answers on 127.0.0.1:6379, a local
# redis-server started here (and stopped with the service). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

log() { printf '[start] %s\n' "$*" >&2; }
reachable() { node -e 'const s=require("net").connect(+process.argv[2],process.argv[1]);s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$1" "$2"; }

pids=()
stop() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

if [ -z "${REDIS_URL:-}" ] && ! reachable 127.0.0.1 6379; then
  if ! command -v redis-server >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || { log "Redis is needed: install redis-server (apt-get install redis-server) or set REDIS_URL"; exit 1; }
    log "installing redis-server (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null 2>&1 || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null; }
  fi
  log "no Redis on 127.0.0.1:6379: starting a local redis-server (nothing kept on disk)"
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --loglevel warning &
  pids+=($!)
  for _ in $(seq 50); do reachable 127.0.0.1 6379 && break; sleep 0.1; done
fi

node worker/dist/main.js &
pids+=($!)
node api/dist/main.js &
pids+=($!)
log "OmniLisp service: http://127.0.0.1:${PORT:-8080} (API docs: /v1/openapi.json)"
wait -n "${pids[@]}"
