#!/usr/bin/env bash
# Sets up what is missing, then runs every test: unit, property and conformance tests.
# Ends with the plain summary line `tests: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
results=$(mktemp)
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" || status=1
rm -f "$results"
exit $status
