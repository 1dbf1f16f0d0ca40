#!/bin/sh
# Every input that once crashed a fuzz harness (fuzz/regressions/<target>/)
# replayed through that harness, built with this build's compiler and
# sanitizers (fuzz/replay.c): a known crash can never come back unnoticed,
# whatever random fuzzing happens to find.
. "$(dirname "$0")/lib.sh"
REPLAY="$(dirname "$CLASM")/replay"
for dir in "$ROOT"/fuzz/regressions/*/; do
    t=$(basename "$dir")
    bin="$REPLAY/fuzz_$t"
    if [ ! -x "$bin" ]; then
        fail "fuzz regressions $t" "$bin is not built (make test builds it)"
        continue
    fi
    n=$(ls "$dir" | wc -l)
    out=$(cd "$ROOT" && "$bin" "$dir"* 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        pass "fuzz regressions $t: $n inputs replay cleanly"
    else
        fail "fuzz regressions $t" "exit $rc: $(printf '%s' "$out" | head -c 800)"
    fi
done
