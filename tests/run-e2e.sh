#!/bin/sh
# Runs every tests/e2e/*.sh against $BUILD/clasm; each check appends PASS/FAIL
# to a shared results file. Prints "e2e: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD=${BUILD:-build}
# BUILD may be relative to the source tree (the default) or absolute.
case $BUILD in /*) out=$BUILD ;; *) out=$root/$BUILD ;; esac
export CLASM="$out/clasm"
export ROOT="$root"
export E2E_OUT="$out/e2e-out"
rm -rf "$E2E_OUT"; mkdir -p "$E2E_OUT"
export E2E_RESULTS="$E2E_OUT/results.txt"
: > "$E2E_RESULTS"
for s in "$here"/e2e/*.sh; do
    [ "$(basename "$s")" = lib.sh ] && continue
    echo "== $(basename "$s")"
    sh "$s" || echo "FAIL $(basename "$s"): script exited $?" | tee -a "$E2E_RESULTS"
done
pass=$(grep -c '^PASS' "$E2E_RESULTS")
fail=$(grep -c '^FAIL' "$E2E_RESULTS")
skip=$(grep -c '^SKIP' "$E2E_RESULTS")
grep '^FAIL' "$E2E_RESULTS"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
