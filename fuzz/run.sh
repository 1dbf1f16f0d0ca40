#!/bin/sh
# Runs each fuzz harness for FUZZ_SECONDS (default 60) on seeds built from the
# project's fixtures (fuzz/seeds.py), one process at a time. A crash leaves
# its input in $FUZZ_BUILD/artifacts/<target>/ and fails the run.
# Usage: FUZZ_BUILD=build-fuzz FUZZ_SECONDS=60 sh fuzz/run.sh BIN...
set -u
here=$(cd "$(dirname "$0")" && pwd)
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
seeds="$FUZZ_BUILD/fuzz/seeds"
rm -rf "$seeds"
python3 "$here/seeds.py" "$seeds" || exit 3
failed=0
start=$(date +%s)
for bin in "$@"; do
    t=$(basename "$bin"); t=${t#fuzz_}
    corpus="$FUZZ_BUILD/fuzz/corpus/$t"; art="$FUZZ_BUILD/fuzz/artifacts/$t"
    mkdir -p "$corpus" "$art" "$seeds/$t"
    # inspect's seeds are parts of a draft, which the harness makes itself.
    [ "$t" = inspect ] && FUZZ_WRITE_SEEDS="$seeds/$t" "$bin" -runs=1 >/dev/null 2>&1
    echo "== fuzz $t for ${FUZZ_SECONDS}s"
    # -rss_limit_mb: bounded memory is part of the contract; -timeout: no
    # input may take more than 10 s. The dictionary, when present, helps the
    # mutator build YAML keys and WordprocessingML tags.
    dict=""; [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
    if ! "$bin" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=10 \
        -max_len=1048576 -print_final_stats=1 $dict -artifact_prefix="$art/" \
        "$corpus" "$seeds/$t" >"$FUZZ_BUILD/fuzz/$t.log" 2>&1; then
        echo "FAIL fuzz $t: see $FUZZ_BUILD/fuzz/$t.log and $art/"
        grep -E "ERROR|SUMMARY|Test unit written" "$FUZZ_BUILD/fuzz/$t.log" | head -5
        failed=$((failed + 1))
    else
        grep -E "stat::number_of_executed_units|cov:" "$FUZZ_BUILD/fuzz/$t.log" | tail -2
        echo "PASS fuzz $t"
    fi
done
echo "fuzz: $# harnesses, $failed failed, $(( $(date +%s) - start )) s"
[ "$failed" -eq 0 ]
