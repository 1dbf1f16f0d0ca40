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
                sh -c '/usr/bin/python3 "$1" "$2" >/dev/null 2>&1' _ "$SHARED/ooxml/validate_docx.py" "$f"
        fi
    done
done

have_shared || skip "ECMA-376 schema validation" "$SHARED/ooxml is absent (set CLASM_SHARED)"

# The all-risks deal leaves nothing uncovered for any document.
run_clasm select "$DEALS/all-risks.yaml" --format json
check "all-risks select runs" [ "$RC" -eq 0 ]
printf '%s' "$OUT" > all-risks-plan.json # a file: the plan is longer than one argument may be
check "all-risks deal leaves nothing uncovered" /usr/bin/python3 -c '
import json,sys
plans=json.load(open(sys.argv[1])); plans=plans if isinstance(plans,list) else [plans]
assert len(plans)==3, len(plans)
bad={p["document"]:p["uncovered"] for p in plans if p["uncovered"]}
assert not bad, bad
' all-risks-plan.json

# Templates from elsewhere, through the CLI: one LibreOffice saved (its own
# style ids; a category insertion point, a catch-all split over a bold run,
# conditionals around articles and in table cells), and the same with its
# insertion points as block content controls tagged clauses / clauses:audit.
LOT="$ROOT/tests/fixtures/insert/libreoffice-template.docx"
# (the reseller deal as a contract alone: -t takes a deal naming one document)
sed 's/^documents: .*/documents: [contract]/' "$DEALS/reseller-unknown-end-use.yaml" >reseller-contract.yaml
for deal in private-baseline reseller-contract; do
    src="$DEALS/$deal.yaml"; [ -f "$src" ] || src="$deal.yaml"
    run_clasm assemble "$src" -t "$LOT" -o "lo-$deal.docx" --report "lo-$deal.json"
    check "a LibreOffice template assembles $deal" [ "$RC" -eq 0 ]
    check "$deal through the LibreOffice template: every chosen clause, tagged, no {{ left" \
        /usr/bin/python3 - "lo-$deal.docx" "lo-$deal.json" "$src" <<'PY'
import json, re, sys, yaml, zipfile
doc = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
plan = json.load(open(sys.argv[2]))
deal = yaml.safe_load(open(sys.argv[3]))
tags = re.findall(r'<w:tag w:val="clasm:([^@"]+)@', doc)
want = [c["id"] for c in plan["clauses"]]
assert sorted(tags) == sorted(want), (tags, want)
# audit clauses sit under the Audit article, before the catch-all's General
text = re.sub(r"<[^>]+>", "", doc.replace("</w:p>", "\n"))
assert "{{" not in text, text[text.index("{{") - 80:][:200]
audit = [i for i in want if i.startswith("audit.")]
if audit:
    first_audit = doc.index('clasm:' + audit[0] + '@')
    assert doc.index(">Audit<") < first_audit < doc.index(">General<"), "audit clause out of place"
resold = bool(deal.get("reseller"))
assert ("Direct sale" in text) == (not resold), "the {{#if not reseller}} article"
assert ("Reseller Channel" in text) == resold, "the {{#if reseller}} article"
if resold:
    assert deal["reseller"]["name"] in text
PY
done
/usr/bin/python3 - "$LOT" sdt-template.docx <<'PY'
import re, sys, zipfile
def sdt(tag, n):
    return ('<w:sdt><w:sdtPr><w:alias w:val="%s"/><w:tag w:val="%s"/><w:id w:val="%d"/></w:sdtPr>'
            '<w:sdtContent><w:p><w:r><w:t>Clauses go here.</w:t></w:r></w:p></w:sdtContent></w:sdt>'
            % (tag, tag, n))
with zipfile.ZipFile(sys.argv[1]) as zin, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "word/document.xml":
            doc = data.decode()
            # each marker paragraph (its text may be split over runs) becomes a control
            paras = re.findall(r"<w:p[ >].*?</w:p>", doc)
            n = 900
            for p in paras:
                t = re.sub(r"<[^>]+>", "", p).strip()
                if t in ("{{ clauses: audit }}", "{{ clauses }}"):
                    n += 1
                    tag = "clauses:audit" if "audit" in t else "clauses"
                    doc = doc.replace(p, sdt(tag, n), 1)
            assert n == 902, n
            data = doc.encode()
        zout.writestr(item, data)
PY
run_clasm assemble "$DEALS/private-baseline.yaml" -t sdt-template.docx -o sdt.docx --report sdt.json
check "a template with content-control insertion points assembles" [ "$RC" -eq 0 ]
check "the controls' placeholder text is replaced by the clauses, each tagged" \
    /usr/bin/python3 - sdt.docx sdt.json <<'PY'
import json, re, sys, zipfile
doc = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
plan = json.load(open(sys.argv[2]))
tags = re.findall(r'<w:tag w:val="clasm:([^@"]+)@', doc)
assert sorted(tags) == sorted(c["id"] for c in plan["clauses"]), tags
assert "Clauses go here." not in doc
assert "{{" not in re.sub(r"<[^>]+>", "", doc)
PY

# An output named with byte 0xFF: the report's "output" could not be put in
# JSON, and assemble exited 3 without a word and wrote nothing. Now the name
# is in the report, the byte as the text \xFF.
ff=$(printf 'out\377.docx')
run_clasm assemble "$DEALS/private-baseline.yaml" -o "$ff" --report ff.json
check "an output named with byte 0xFF assembles (exit 0)" [ "$RC" -eq 0 ]
check "the draft is written under that name" [ -s "$ff" ]
check "the report names the output, the byte as \\xFF" /usr/bin/python3 -c '
import json
r = json.load(open("ff.json", encoding="utf-8"))
assert r["output"] == "out\\xFF.docx", r.get("output")
assert r["deal"] == "Q-2026-0170", r'
