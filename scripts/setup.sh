#!/usr/bin/env bash
# Sets up everything OmniLisp needs on a fresh machine and builds it. Idempotent: each step
# runs only when its result is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1; then
  log "Node.js 20 or newer is required (https://nodejs.org); install it and run again"
  exit 1
fi

# npm packages: install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

log "building the TypeScript packages"
npm run --silent build
