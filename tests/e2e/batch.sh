#!/bin/sh
# clasm batch: ~20 generated EULA deals plus one broken deal and two that
# share an id. The good ones are written, the bad ones are not, the summary
# counts them, exit 1; the bytes do not depend on --jobs or on the run;
# folders and files as arguments; the document taken from a template named
# eula.docx; usage errors; memory that does not grow with the batch.
. "$(dirname "$0")/lib.sh"
W=$(workdir batch)
cd "$W" || exit 1
TPL="$ROOT/templates/eula.docx"
GEN="$ROOT/bench/gen_deals.py"
count_docx() { find "$1" -maxdepth 1 -name '*.docx' | wc -l | tr -d ' '; }
# same_tree A B: the same file names with the same bytes
same_tree() { [ "$(ls "$1")" = "$(ls "$2")" ] && for f in "$1"/*; do cmp -s "$f" "$2/${f##*/}" || return 1; done; }

/usr/bin/python3 "$GEN" 20 deals --prefix E || { fail "batch deals generated" "gen_deals.py"; exit 0; }
sed 's/^deployment: .*/deployment: orbit/' deals/deal-000000.yaml >deals/zz-broken.yaml
sed -i 's/^id: .*/id: E-broken/' deals/zz-broken.yaml
BL=$(grep -n '^deployment:' deals/zz-broken.yaml | cut -d: -f1)
sed 's/^id: .*/id: E-twin/' deals/deal-000001.yaml >deals/zz-twin-a.yaml
sed 's/^id: .*/id: E-twin/' deals/deal-000002.yaml >deals/zz-twin-b.yaml

run_clasm batch deals -t "$TPL" -o out1 --jobs 1
check "a batch with a broken deal exits 1" [ "$RC" -eq 1 ]
check "the 20 good deals are written" [ "$(count_docx out1)" -eq 20 ]
check "the broken deal is not written" [ ! -e out1/E-broken-eula.docx ]
check "neither deal of a clashing id is written" [ ! -e out1/E-twin-eula.docx ]
check "nothing but drafts is left in the output folder" \
    [ "$(ls out1 | grep -vc '\.docx$')" -eq 0 ]
WARNED=$(printf '%s\n' "$OUT" | grep -c '^ok .*(with warnings)$')
check "the summary counts written, failed and warned" \
    has "$OUT" "written 20, failed 3, with warnings $WARNED, in "
check "one line per deal when not on a terminal" \
    [ "$(printf '%s\n' "$OUT" | grep -cE '^(ok|failed) ')" -eq 23 ]
check "each failed deal is named" sh -c '
    for d in zz-broken zz-twin-a zz-twin-b; do
        printf "%s\n" "$1" | grep -q "^failed  deals/$d.yaml$" || exit 1
    done' _ "$OUT"
check "the broken deal's error names file, line and column" \
    has "$ERR" "deals/zz-broken.yaml:$BL:13: error: deployment: 'orbit' is not allowed"
check "the clash names both deals and the file" \
    has "$ERR" "deals/zz-twin-a.yaml and deals/zz-twin-b.yaml would both write E-twin-eula.docx"
check "the clash is reported for the second deal too" \
    has "$ERR" "deals/zz-twin-b.yaml and deals/zz-twin-a.yaml would both write E-twin-eula.docx"
check "the clash has its stable id" has "$ERR" "[duplicate-output]"
check "the drafts are real packages" sh -c 'unzip -tq out1/E-000003-eula.docx >/dev/null'
check "a draft holds its deal's values" \
    sh -c 'unzip -p out1/E-000004-eula.docx word/document.xml | grep -q "(account 4)"'

run_clasm batch deals -t "$TPL" -o out4 --jobs 4
check "--jobs 4 gives the same exit code" [ "$RC" -eq 1 ]
check "--jobs 1 and --jobs 4 write the same bytes" same_tree out1 out4
run_clasm batch deals -t "$TPL" -o out4b --jobs 4
check "a second run writes the same bytes" same_tree out4 out4b
run_clasm batch deals -t "$TPL" -o out4 --jobs 4
check "a run over existing drafts replaces them with the same bytes" same_tree out1 out4

# Files as arguments; all good, exit 0.
run_clasm batch deals/deal-000005.yaml deals/deal-000006.yaml -t "$TPL" -o files
check "deal files as arguments exit 0 when all are written" [ "$RC" -eq 0 ]
check "deal files as arguments: both written, as in the folder run" \
    sh -c 'cmp -s files/E-000005-eula.docx out1/E-000005-eula.docx &&
           cmp -s files/E-000006-eula.docx out1/E-000006-eula.docx'
check "the summary of a clean run" has "$OUT" "written 2, failed 0,"
run_clasm batch deals/deal-000005.yaml missing.yaml -t "$TPL" -o missing
check "a missing deal file fails that deal only" \
    sh -c '[ "$1" -eq 1 ] && [ -e missing/E-000005-eula.docx ]' _ "$RC"
check "the missing deal file is named" has "$ERR" "missing.yaml"

# On a terminal: a progress bar with count, rate and time left, then the
# messages the bar hid, warnings and errors, and the summary.
if command -v script >/dev/null 2>&1; then
    TTY=$(script -qec "'$CLASM' batch deals/deal-000000.yaml deals/deal-000001.yaml deals/zz-broken.yaml -t '$TPL' -o tty" /dev/null | tr '\r' '\n')
    check "a terminal gets a progress bar with count, rate and time left" \
        sh -c 'printf "%s\n" "$1" | grep -qE "^\[#+\] 3/3  [0-9.]+ deals/s  [0-9]+:[0-9]{2} left"' _ "$TTY"
    check "no per-deal lines on a terminal" lacks "$TTY" "ok      deals/"
    check "a terminal's summary lists the written deals' warnings" \
        sh -c 'printf "%s\n" "$1" | sed -n "/^warnings:/,/^errors/p" | grep -q "deals/deal-000000.yaml: warning: ESCALATE"' _ "$TTY"
    check "a terminal's summary lists the failed deals' errors" \
        sh -c 'printf "%s\n" "$1" | grep -A2 "^errors (1 failed deal):" | grep -q "deals/zz-broken.yaml:$2:13: error:"' _ "$TTY" "$BL"
    check "a terminal's summary line" has "$TTY" "written 2, failed 1, with warnings 1, in "
else
    skip "batch progress on a terminal" "script(1) is not installed"
fi

# Three deals with one id: all fail, each message counts the others.
mkdir triple
for i in 7 8 9; do sed 's/^id: .*/id: E-triple/' deals/deal-00000$i.yaml >triple/t$i.yaml; done
cp deals/deal-000010.yaml triple/
run_clasm batch triple -t "$TPL" -o tripled
check "three deals of one id all fail, the fourth is written" sh -c \
    '[ "$1" -eq 1 ] && [ "$(ls tripled)" = E-000010-eula.docx ]' _ "$RC"
check "each of the three names another and counts the rest" \
    has "$ERR" "triple/t8.yaml, triple/t7.yaml and 1 more deals would all write E-triple-eula.docx"

# The document comes from the template's name; a pack needs it.
PACK="$ROOT/examples/deals/reseller-unknown-end-use.yaml"
run_clasm batch "$PACK" -t "$TPL" -o infer
check "a template named eula.docx draws the EULA of a pack" \
    sh -c '[ "$1" -eq 0 ] && [ -e infer/Q-2026-0142-eula.docx ]' _ "$RC"
cp "$TPL" house.docx
run_clasm batch "$PACK" -t house.docx -o noinfer
check "a template of no document's name cannot choose from a pack" \
    sh -c '[ "$1" -eq 1 ] && [ "$(ls noinfer | wc -l)" -eq 0 ]' _ "$RC"
check "which says to pass --document" has "$ERR" "pass --document"
check "with its id" has "$ERR" "[batch-document]"
run_clasm batch "$PACK" -t house.docx -o noinfer --document eula
check "--document chooses" sh -c '[ "$1" -eq 0 ] && cmp -s noinfer/Q-2026-0142-eula.docx infer/Q-2026-0142-eula.docx' _ "$RC"

# --strict: deals with warnings (escalation) fail and are not written.
run_clasm batch deals -t "$TPL" -o strict --strict
check "--strict fails the deals with warnings" \
    has "$OUT" "written $((20 - WARNED)), failed $((3 + WARNED)), with warnings 0"
check "--strict writes only the deals without warnings" \
    [ "$(count_docx strict)" -eq $((20 - WARNED)) ]

# Piped, the failed deals' errors also close the run, after the summary.
run_clasm batch deals/deal-000005.yaml deals/zz-broken.yaml -t "$TPL" -o piped
check "piped: the failed deals' errors are listed after the summary" sh -c '
    printf "%s\n" "$1" | sed -n "/^errors (1 failed deal):/,\$p" |
        grep -q "deals/zz-broken.yaml:$2:13: error: deployment"' _ "$ERR" "$BL"

# --strict and a template warning (no insertion point): the deal fails
# before anything is written, so an earlier draft of the same name stays.
mkdir plain
/usr/bin/python3 - "$ROOT/tests/fixtures/docx/split-placeholders.docx" plain/eula.docx <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zin, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "word/document.xml":
            data = data.replace(b"{{ clauses }}", b"No clauses here.")
        # The fixture's footer names {{ deal.id }} (split over runs), a value
        # no deal has: here the template's only fault must be the missing
        # insertion point.
        if item.filename == "word/footer1.xml":
            data = data.replace(b"{{ deal.</w:t>", b"{{ </w:t>")
        zout.writestr(item, data)
PY
# (A baseline deal: no warning of its own.)
sed 's/^documents: .*/documents: [eula]/' "$ROOT/examples/deals/private-baseline.yaml" >calm.yaml
run_clasm batch calm.yaml -t "$TPL" -o keep --strict
check "a calm deal passes --strict with the real template" [ "$RC" -eq 0 ]
cp keep/Q-2026-0170-eula.docx kept.docx
run_clasm batch calm.yaml -t plain/eula.docx -o keep --strict
check "--strict with a template warning fails the deal (exit 1)" [ "$RC" -eq 1 ]
check "which names the warning, now an error" \
    has "$ERR" "error: the template has no insertion point"
check "the earlier draft of that name is untouched" cmp -s keep/Q-2026-0170-eula.docx kept.docx
check "and nothing else is in the folder" [ "$(ls -A keep)" = Q-2026-0170-eula.docx ]

# A deal that does not ask for the template's document is not drafted.
cp "$ROOT/examples/deals/private-baseline.yaml" contract-only.yaml # documents: [contract]
run_clasm batch contract-only.yaml -t "$TPL" -o notasked
check "a deal naming only a contract gets no EULA (exit 1)" \
    sh -c '[ "$1" -eq 1 ] && [ "$(ls -A notasked | wc -l)" -eq 0 ]' _ "$RC"
check "which says the deal does not ask for it" \
    has "$ERR" "the deal's documents are [contract]; the batch's template is for eula (by its file name), which the deal does not ask for; pass --document eula to draft it anyway"
run_clasm batch contract-only.yaml -t "$TPL" -o asked --document eula
check "--document eula drafts it all the same" \
    sh -c '[ "$1" -eq 0 ] && [ -e asked/Q-2026-0170-eula.docx ]' _ "$RC"

# The same deal named twice is drafted once, with a note.
run_clasm batch deals deals/deal-000005.yaml ./deals/deal-000005.yaml -t "$TPL" -o twice
check "a deal named twice is drafted once" has "$OUT" "written 20, failed 3,"
check "with a note naming both mentions" \
    has "$ERR" "deals/deal-000005.yaml is the same deal file as deals/deal-000005.yaml; it is drafted once"
check "and no clash is reported for it" lacks "$ERR" "E-000005-eula.docx; give each deal"

# -o naming a file, and a folder without deals.
echo x >afile
run_clasm batch deals -t "$TPL" -o afile
check "-o naming a file is refused up front (exit 1)" [ "$RC" -eq 1 ]
check "which says it is a file, not a folder" has "$ERR" "the output folder afile is a file, not a folder"
check "the file is untouched" [ "$(cat afile)" = x ]
mkdir nodeals
run_clasm batch nodeals -t "$TPL" -o fromempty
check "a folder without deals is an input error (exit 1)" [ "$RC" -eq 1 ]
check "naming the folder" has "$ERR" "the folder nodeals holds no deal files (*.yaml, *.yml)"
check "and nothing is made" [ ! -e fromempty ]
run_clasm batch nodeals deals/deal-000005.yaml -t "$TPL" -o someempty
check "beside other deals an empty folder is a warning" \
    sh -c '[ "$1" -eq 0 ] && [ -e someempty/E-000005-eula.docx ]' _ "$RC"
check "the warning names it" has "$ERR" "warning: the folder nodeals holds no deal files"

# SIGTERM in the middle: the deals in progress finish, the rest are not
# started, no temporary file is left, the summary says so, and clasm ends
# by the signal. The signal is sent once the first draft is written.
/usr/bin/python3 "$GEN" 400 deals400 --prefix I
"$CLASM" batch deals400 -t "$TPL" -o stopped --jobs 2 >stop.out 2>stop.err &
PID=$!
n=0
while ! grep -q '^ok ' stop.out 2>/dev/null && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
kill -TERM $PID
wait $PID
STOP_RC=$?
check "SIGTERM ends the batch by the signal (status 143, was $STOP_RC)" [ "$STOP_RC" -eq 143 ]
check "the summary says how many were not started" \
    sh -c 'grep -qE "^clasm: interrupted \(signal 15\): [0-9]+ deals? not started" "$1"' _ stop.err
check "no temporary file is left in the output folder" [ "$(ls -A stopped | grep -vc '\.docx$')" -eq 0 ]
check "every draft written is a whole package" sh -c '
    for f in stopped/*.docx; do unzip -tq "$f" >/dev/null || exit 1; done'
WRITTEN=$(ls stopped | wc -l | tr -d ' ')
check "the summary counts the drafts written ($WRITTEN)" grep -q "^written $WRITTEN, failed 0," stop.out
check "fewer than all 400 were written" [ "$WRITTEN" -lt 400 ]

# Usage errors exit 2 and write nothing.
run_clasm batch deals -t "$TPL"
check "no -o is a usage error" sh -c '[ "$1" -eq 2 ] && case "$2" in *"-o DIR is required"*) ;; *) exit 1;; esac' _ "$RC" "$ERR"
for bad in 0 257 two -1 ""; do
    run_clasm batch deals -t "$TPL" -o usage --jobs "$bad"
    check "--jobs '$bad' is a usage error" sh -c '[ "$1" -eq 2 ] && case "$2" in *"--jobs is a number from 1 to 256"*) ;; *) exit 1;; esac' _ "$RC" "$ERR"
done
run_clasm batch -t "$TPL" -o usage
check "no deals is a usage error" [ "$RC" -eq 2 ]
run_clasm batch deals -o usage --jobs
check "--jobs without a value is a usage error" [ "$RC" -eq 2 ]
check "usage errors write nothing" [ ! -e usage ]

# Memory stays flat: peak RSS of 200 deals is within 1.5x of 20 deals.
# (Not under AddressSanitizer, whose quarantine holds freed memory.)
if grep -q __asan_init "$CLASM" 2>/dev/null; then
    skip "batch memory stays flat" "clasm is built with AddressSanitizer"
elif [ -n "${CLASM_UNDER_VALGRIND:-}" ]; then
    skip "batch memory stays flat" "clasm runs under valgrind, whose own memory would be measured"
elif [ -x /usr/bin/time ]; then
    /usr/bin/python3 "$GEN" 200 deals200 --prefix M
    rss() { awk -F: '/Maximum resident/ { print $2 + 0 }' "$1"; }
    /usr/bin/time -v -o rss20.txt "$CLASM" batch deals -t "$TPL" -o m20 --jobs 2 >/dev/null 2>&1
    /usr/bin/time -v -o rss200.txt "$CLASM" batch deals200 -t "$TPL" -o m200 --jobs 2 >/dev/null 2>&1
    check "200 deals are written" [ "$(count_docx m200)" -eq 200 ]
    R20=$(rss rss20.txt) R200=$(rss rss200.txt)
    check "peak RSS of 200 deals ($R200 KiB) is within 1.5x of 20 deals ($R20 KiB)" \
        [ $((R200 * 2)) -le $((R20 * 3)) ]
    check "peak RSS under 32 MiB ($R200 KiB)" [ "$R200" -lt 32768 ]
else
    skip "batch memory stays flat" "/usr/bin/time is not installed (apt-get install time)"
fi
