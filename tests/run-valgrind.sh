#!/bin/sh
# make valgrind: every unit suite, and the end-to-end scripts that drive the
# clasm binary on deals, templates and drafts, under valgrind memcheck. Any
# memory error or definite/indirect leak makes valgrind exit 99, which fails
# the suite or the e2e check that ran it, and any report in a log fails the
# run; the logs are kept in $BUILD/valgrind/. (The hostile-input corpus runs under ASan in make asan:
# under valgrind its largest cases take minutes each.)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD=${BUILD:-build-valgrind}
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
case $BUILD in /*) out=$BUILD ;; *) out=$root/$BUILD ;; esac
logs="$out/valgrind"
rm -rf "$logs"; mkdir -p "$logs"
upass=0; ufail=0
for t in "$@"; do
    name=$(basename "$t")
    if $VG --log-file="$logs/unit-$name.%p.log" "$t" >"$logs/unit-$name.out" 2>&1; then
        upass=$((upass + 1))
    else
        ufail=$((ufail + 1)); echo "FAILED under valgrind: $name (see $logs/unit-$name.*)"
    fi
done
echo "valgrind unit suites: $upass passed, $ufail failed"

# The binary, wrapped.
wrap="$logs/clasm"
cat > "$wrap" <<W
#!/bin/sh
exec $VG --log-file="$logs/clasm.%p.log" "$out/clasm" "\$@"
W
chmod +x "$wrap"
export CLASM="$wrap" ROOT="$root" E2E_OUT="$out/e2e-valgrind" CLASM_UNDER_VALGRIND=1
rm -rf "$E2E_OUT"; mkdir -p "$E2E_OUT"
export E2E_RESULTS="$E2E_OUT/results.txt"
: > "$E2E_RESULTS"
for s in cli select assemble inspect lint schemas batch negotiate negotiate-errors redline-cases suggest screen; do
    echo "== $s.sh under valgrind"
    sh "$here/e2e/$s.sh" >/dev/null 2>&1 || echo "FAIL $s.sh: script exited $?" >> "$E2E_RESULTS"
done
epass=$(grep -c '^PASS' "$E2E_RESULTS")
efail=$(grep -c '^FAIL' "$E2E_RESULTS")
grep '^FAIL' "$E2E_RESULTS"
# With -q a log holds only what valgrind found: any "==PID== " line that
# is not one of its benign warnings is an error or a leak (an invalid read
# shows no "ERROR SUMMARY" line under -q, so the logs are read whole).
bad_logs=$(for l in "$logs"/*.log; do
    [ -f "$l" ] || continue
    grep -E '^==[0-9]+== ' "$l" | grep -vqE '^==[0-9]+== (Warning: |$)' && echo "$l"
done | head -5)
if [ -n "$bad_logs" ]; then
    echo "valgrind found problems:"; for l in $bad_logs; do echo "--- $l"; head -30 "$l"; done
    efail=$((efail + 1))
fi
echo "valgrind e2e: $epass passed, $efail failed"
[ "$ufail" -eq 0 ] && [ "$efail" -eq 0 ]
