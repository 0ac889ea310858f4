#!/usr/bin/env bash
# Sets up what is missing, then runs every test: unit, property and conformance tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx vitest run "$@"
