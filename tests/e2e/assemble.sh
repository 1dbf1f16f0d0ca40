#!/bin/sh
# Assembling the example deals: outputs, values, clauses, reports, reproducibility.
. "$(dirname "$0")/lib.sh"
W=$(workdir assemble)
cd "$W" || exit 1
DEALS="$ROOT/examples/deals"

run_clasm assemble "$DEALS/direct-biometric-security-service.yaml" --report report.json
check "demo deal assembles" [ "$RC" -eq 0 ]
OUTF=$(ls *-contract.docx 2>/dev/null | head -n 1)
check "default output is <id>-contract.docx in the working folder" [ -n "$OUTF" ]
check "escalation warned on stderr" has "$ERR" "escalat"
if [ -n "$OUTF" ]; then
    DOC=$(part "$OUTF" word/document.xml)
    check "no {{ left in the body" lacks "$DOC" "{{"
    check "clauses wrapped in content controls" has "$DOC" 'w:val="clasm:'
    check "customer name filled" has "$DOC" "$(grep -A3 '^customer:' "$DEALS/direct-biometric-security-service.yaml" | sed -n 's/.*name: *//p' | head -n 1)"
    HDR=$(unzip -Z1 "$OUTF" | grep -E '^word/(header|footer)' | while read -r p; do part "$OUTF" "$p"; done)
    check "no {{ left in headers and footers" lacks "$HDR" "{{"
    check "manifest part present" sh -c "unzip -Z1 '$OUTF' | grep -q '^customXml/item'"
    cp "$OUTF" first.docx
    run_clasm assemble "$DEALS/direct-biometric-security-service.yaml"
    check "same inputs give the same bytes" cmp -s first.docx "$OUTF"
fi
check "report written" [ -s report.json ]
check "report is the plan plus output" /usr/bin/python3 -c '
import json,sys
r=json.load(open("report.json"))
need=["deal","document","tier","score","escalate","clauses","uncovered","output"]
missing=[k for k in need if k not in r]
assert not missing, missing
assert r["escalate"] is True and r["tier"]=="severe", (r["tier"], r["escalate"])
assert all({"id","version","category","title","reasons"}<=set(c) for c in r["clauses"])
'

# A deal pack: one draft per document, both written.
run_clasm assemble "$DEALS/reseller-unknown-end-use.yaml"
check "deal pack assembles" [ "$RC" -eq 0 ]
check "deal pack writes the reseller agreement" sh -c "ls *-reseller-agreement.docx >/dev/null 2>&1"
check "deal pack writes the EULA" sh -c "ls *-eula.docx >/dev/null 2>&1"

# Every example deal assembles with every template it names.
for d in "$DEALS"/*.yaml; do
    n=$(basename "$d" .yaml)
    mkdir -p "ex-$n"
    (cd "ex-$n" && "$CLASM" assemble "$d" >out.txt 2>err.txt; echo $? >rc)
    check "example $n assembles" [ "$(cat "ex-$n/rc")" -eq 0 ]
    for f in "ex-$n"/*.docx; do
        [ -f "$f" ] || continue
        check "example $n: no {{ in $(basename "$f")" sh -c "! unzip -p '$f' 'word/*.xml' | grep -q '{{'"
        if have_shared; then
            check "example $n: $(basename "$f") is valid against the ECMA-376 schemas" \
                sh -c '/usr/bin/python3 "$1" "$2" >/dev/null 2>&1' _ "$ROOT/../shared/ooxml/validate_docx.py" "$f"
        fi
    done
done

have_shared || skip "ECMA-376 schema validation" "../shared/ooxml is absent"

# The all-risks deal leaves nothing uncovered for any document.
run_clasm select "$DEALS/all-risks.yaml" --format json
check "all-risks select runs" [ "$RC" -eq 0 ]
check "all-risks deal leaves nothing uncovered" /usr/bin/python3 -c '
import json,sys
plans=json.loads(sys.argv[1]); plans=plans if isinstance(plans,list) else [plans]
assert len(plans)==3, len(plans)
bad={p["document"]:p["uncovered"] for p in plans if p["uncovered"]}
assert not bad, bad
' "$OUT"
