#!/usr/bin/env bash
# Sets up what is missing, then runs an OmniLisp program (default: examples/hello.omni).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
program="${1:-examples/hello.omni}"
shift || true
exec node cli/dist/main.js run --interp "$program" "$@"
