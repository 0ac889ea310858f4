#!/usr/bin/env bash
# Sets up everything OmniLisp needs on a fresh machine and builds it. Idempotent: each step
# runs only when its result is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# Node.js 20 to 24 (package.json "engines"; the docker images use 24, the current LTS).
if ! command -v node >/dev/null 2>&1; then
  log "Node.js 20 to 24 is required (https://nodejs.org; 24 is the current LTS); install it and run again"
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  log "Node.js $(node --version) is too old: OmniLisp needs Node.js 20 to 24 (24 is the current LTS)"
  exit 1
elif [ "$node_major" -gt 24 ]; then
  log "warning: Node.js $(node --version) is newer than the versions OmniLisp is tested on (20 to 24)"
fi

# npm packages: install when node_modules is missing or older than the lock file, or when the
# `omnilisp` command npm links (node_modules/.bin/omnilisp -> cli/bin/omnilisp.js) is missing.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -e node_modules/.bin/omnilisp ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

log "building the TypeScript packages"
npm run --silent build

# Debian packages: the C compilers the native back end drives (gcc and clang for AOT builds,
# tcc and libtcc for the JIT), Redis (the service's job queue) and gdb (a test of debug builds).
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v tcc >/dev/null 2>&1 || missing+=(tcc)
command -v make >/dev/null 2>&1 || missing+=(make)
[ -f /usr/include/libtcc.h ] || missing+=(libtcc-dev)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) # the service's queue; tests start private ones
command -v gdb >/dev/null 2>&1 || missing+=(gdb) # the tests debug a `build -g` executable
if [ "$(uname -m)" = x86_64 ]; then # the service's cross targets: aarch64 (run under qemu) and musl
  command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
  command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
  command -v musl-gcc >/dev/null 2>&1 || missing+=(musl-tools)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) and run again"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi
# docker-compose (v1, Python) only validates docker/docker-compose.yml in the tests: without its
# recommended Docker engine packages, which would only slow the install down.
if ! command -v docker-compose >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  log "installing docker-compose (Debian, for validating docker/docker-compose.yml)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose >/dev/null
fi

# The C runtime: regenerate the parts derived from the primitive table, then build libomni.a
# (release and sanitized) and the JIT host for the host triple. make rebuilds only what changed.
node compiler/dist/backend/gen-runtime.js
log "building the C runtime (runtime/build/$(gcc -dumpmachine))"
make -s -C runtime -j"$(nproc)" release asan tsan jit sandbox
if [ "$(uname -m)" = x86_64 ]; then make -s -C runtime -j"$(nproc)" cross; fi
