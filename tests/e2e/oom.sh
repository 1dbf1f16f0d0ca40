#!/bin/sh
# Out of memory is no bad input: inspect and assemble run under address-space
# limits (ulimit -v) from too small to enough for a legal but large part
# (450 000 comments, 900 000 XML nodes: about 150 MB of DOM). Each run either
# succeeds in full or exits 3 with one out-of-memory message: never exit 1,
# never a report (an inspection of a tree cut short once said every clause
# was removed), never an output file, never libxml2's own messages (once 12
# MB a request).
. "$(dirname "$0")/lib.sh"
W=$(workdir oom)
cd "$W" || exit 1
DEAL="$ROOT/examples/deals/private-baseline.yaml"

# Sanitizer builds reserve terabytes of address space: no ulimit -v for them.
if ! sh -c "ulimit -v 1048576 && exec \"\$0\" --help" "$CLASM" >/dev/null 2>&1; then
    skip "out of memory under ulimit -v" "$CLASM does not start under ulimit -v (a sanitizer build)"
    exit 0
fi

run_clasm assemble "$DEAL" -o draft.docx
check "the draft assembles" [ "$RC" -eq 0 ]
python3 - "$ROOT/templates/contract.docx" <<'PY'
import random, sys, zipfile
rnd = random.Random(5)
# Random white space keeps the deflate ratio far under 100.
blob = "".join("<!--c-->" + rnd.choice(" \n\t\r") for _ in range(450000))
def bloat(src, dst):
    z = zipfile.ZipFile(src)
    out = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == "word/document.xml":
            s = d.decode()
            k = s.rindex("<w:sectPr")
            d = (s[:k] + blob + s[k:]).encode()
        out.writestr(i, d)
    out.close()
bloat("draft.docx", "big-draft.docx")
bloat(sys.argv[1], "big-template.docx")
PY

# run_limited MB ARGS...: clasm under ulimit -v MB; sets RC, OUT, ERR and
# ERRLEN (stderr's size in bytes).
run_limited() {
    _mb=$1
    shift
    sh -c "ulimit -v $((_mb * 1024)); exec \"\$0\" \"\$@\"" "$CLASM" "$@" >out.txt 2>err.txt
    RC=$?
    OUT=$(cat out.txt)
    ERR=$(cat err.txt)
    ERRLEN=$(wc -c <err.txt)
}

for cmd in inspect assemble; do
    ok=0
    oom=0
    bad=""
    for mb in 100 125 150 175 200 225 250 300 400; do
        rm -f out.docx
        if [ "$cmd" = inspect ]; then
            run_limited "$mb" inspect big-draft.docx
        else
            run_limited "$mb" assemble "$DEAL" -t big-template.docx -o out.docx
        fi
        case $RC in
        0)
            ok=$((ok + 1))
            if [ "$cmd" = inspect ] && ! has "$OUT" "0 modified, 0 removed, 0 outdated"; then
                bad="$bad; $mb MB: a report with changes: $OUT"
            fi
            if [ "$cmd" = assemble ] && [ ! -f out.docx ]; then
                bad="$bad; $mb MB: exit 0 and no draft"
            fi
            ;;
        3)
            oom=$((oom + 1))
            has "$ERR" "out of memory while parsing word/document.xml [out-of-memory]" ||
                bad="$bad; $mb MB: exit 3 without the out-of-memory message: $ERR"
            [ "$ERRLEN" -lt 1024 ] || bad="$bad; $mb MB: $ERRLEN bytes on stderr"
            [ -z "$OUT" ] || bad="$bad; $mb MB: a report after running out of memory: $OUT"
            [ ! -e out.docx ] || bad="$bad; $mb MB: an output file after running out of memory"
            ;;
        *)
            bad="$bad; $mb MB: exit $RC: $(printf '%s' "$ERR" | head -c 300)"
            ;;
        esac
    done
    check "$cmd under ulimit -v: exit 0 in full or exit 3 with one out-of-memory message$bad" \
        [ -z "$bad" ]
    check "$cmd under ulimit -v: some limits too small ($oom), some enough ($ok)" \
        [ "$oom" -gt 0 -a "$ok" -gt 0 ]
    # No staging file of a failed write either.
    check "$cmd under ulimit -v leaves no temporary file" \
        [ -z "$(find . -name '.clasm-*' -o -name '.out.docx.*')" ]
done

# The node limit bounds memory before the tree is built: 3.5 million empty
# comments (1.3 MB zipped; once 800 MB and 13 s) are refused in well under
# the 1 GiB the bad corpus allows, and peak RSS says so.
python3 "$ROOT/tests/bad/gen.py" cases xml-many-comments >/dev/null
if [ -x /usr/bin/time ] && [ -d cases/xml-many-comments ]; then
    (cd cases/xml-many-comments &&
        sh -c 'ulimit -v 1048576; exec /usr/bin/time -f "%M" -o ../../rss.txt "$0" "$@"' \
            "$CLASM" assemble deal.yaml -t template.docx -o out.docx >../../nodes.out 2>../../nodes.err)
    rc=$?
    kib=$(tail -n 1 rss.txt)
    check "3.5 million comments: refused with xml-too-large (exit 1)" \
        sh -c '[ "$0" -eq 1 ] && grep -q "\[xml-too-large\]" nodes.err' "$rc"
    check "3.5 million comments: peak RSS ${kib} KiB, under 256 MiB" [ "${kib:-999999999}" -lt 262144 ]
    check "3.5 million comments: no draft" [ ! -e cases/xml-many-comments/out.docx ]
else
    skip "node limit peak memory" "/usr/bin/time is not installed (apt-get install time)"
fi
