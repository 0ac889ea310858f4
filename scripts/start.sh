#!/usr/bin/env bash
# Sets up what is missing, then runs an OmniLisp program natively (JIT through tcc, cached),
# default examples/hello.omni. (The compile-and-cache service replaces this in issue 5.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
program="${1:-examples/hello.omni}"
shift || true
exec node cli/dist/main.js run "$program" "$@"
