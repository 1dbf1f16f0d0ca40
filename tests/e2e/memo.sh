#!/bin/sh
# The rationale memo (assemble/select --memo, batch --memo, POST /api/memo):
# the memo of every example deal, read through LibreOffice, names every risk
# title, every clause title of the deal's documents and the escalation where
# there is one, in words (no engine ids); it is valid OOXML; a memo that
# cannot be written is refused with its message and nothing is written; a
# batch writes one memo per deal next to its drafts, lists it in the results
# and resumes; the server's memo is the CLI's. PDFs of the memos are kept in
# $E2E_OUT/memo/pdf for review.
. "$(dirname "$0")/lib.sh"
W=$(workdir memo)
cd "$W" || exit 1
DEALS="$ROOT/examples/deals"
VALIDATOR="$ROOT/../shared/ooxml/validate_docx.py"

# ---- every example deal: its memo, read by LibreOffice
mkdir -p ex txt
for d in "$DEALS"/*.yaml; do
    n=$(basename "$d" .yaml)
    mkdir -p "ex/$n"
    (cd "ex/$n" && "$CLASM" assemble "$d" --memo memo.docx >out.txt 2>err.txt; echo $? >rc)
    check "memo: $n assembles with --memo" [ "$(cat "ex/$n/rc")" -eq 0 ]
    check "memo: $n: the memo is written" [ -s "ex/$n/memo.docx" ]
    check "memo: $n: assemble says it wrote the memo" grep -q "wrote memo.docx (rationale memo)" "ex/$n/out.txt"
    check "memo: $n: no {{ left in the memo" sh -c "! unzip -p 'ex/$n/memo.docx' 'word/*.xml' | grep -q '{{'"
    "$CLASM" select "$d" --format json >"ex/$n/plan.json" 2>/dev/null
    if [ -f "$VALIDATOR" ]; then
        check "memo: $n: the memo is valid against the ECMA-376 schemas" \
            sh -c '/usr/bin/python3 "$1" "$2" >/dev/null 2>&1' _ "$VALIDATOR" "ex/$n/memo.docx"
    fi
done
[ -f "$VALIDATOR" ] || skip "memo: ECMA-376 schema validation" "../shared/ooxml is absent"

# The check of one memo's text, by LibreOffice: deal, plan JSON, text.
cat >check_memo.py <<'PY'
import json, sys, yaml
deal, plan, txt, risks = sys.argv[1:5]
deal = yaml.safe_load(open(deal))
plans = json.load(open(plan))
plans = plans if isinstance(plans, list) else [plans]
text = " ".join(open(txt, encoding="utf-8").read().split())
cat = yaml.safe_load(open(risks))
by_id = {r["id"]: r for r in cat["risks"]}
problems = []
for r in deal.get("risks") or []:
    if by_id[r]["title"] not in text:
        problems.append("risk title missing: " + by_id[r]["title"])
    if r in text:
        problems.append("risk id printed: " + r)
for p in plans:
    for c in p["clauses"]:
        if c["title"] not in text:
            problems.append("clause title missing: " + c["title"])
        if c["id"] in text:
            problems.append("clause id printed: " + c["id"])
tier = next(t for t in cat["tiers"] if t["id"] == plans[0]["tier"])
if " ".join(tier["description"].split()) not in text:
    problems.append("the tier's description is missing")
if "score of %d" % plans[0]["score"] not in text:
    problems.append("the score is missing")
if plans[0]["escalate"]:
    if "ESCALATION TO COUNSEL BEFORE THE DRAFTS GO OUT" not in text or "counsel must decide" not in text:
        problems.append("the escalation is missing")
elif "No escalation" not in text or "ESCALATION TO COUNSEL" in text:
    problems.append("a deal that does not escalate should say so")
for word in ("when:", "required by", "{{", "the condition '"):
    if word in text:
        problems.append("engine wording in the memo: " + word)
if problems:
    sys.exit("; ".join(problems))
PY
if have_soffice; then
    for d in "$DEALS"/*.yaml; do
        n=$(basename "$d" .yaml)
        cp "ex/$n/memo.docx" "txt/$n.docx"
    done
    HOME="$W/home" soffice --headless --norestore --convert-to "txt:Text (encoded):UTF8" --outdir txt txt/*.docx >/dev/null 2>&1
    HOME="$W/home" soffice --headless --norestore --convert-to pdf --outdir pdf txt/*.docx >/dev/null 2>&1
    for d in "$DEALS"/*.yaml; do
        n=$(basename "$d" .yaml)
        check "memo: $n: LibreOffice's text names every risk title, every clause title, the tier and the escalation, and no id" \
            /usr/bin/python3 check_memo.py "$d" "ex/$n/plan.json" "txt/$n.txt" "$ROOT/clauses/risks.yaml"
    done
    check "memo: the memos are rendered to PDF for review" sh -c 'ls pdf/*.pdf >/dev/null 2>&1'
    # One to two pages for the approval file; a deal with every risk of the catalogue at once
    # (all-risks) may run to three.
    if command -v pdfinfo >/dev/null 2>&1; then
        for d in "$DEALS"/*.yaml; do
            n=$(basename "$d" .yaml)
            most=2
            [ "$n" = all-risks ] && most=3
            pages=$(pdfinfo "pdf/$n.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
            check "memo: $n: the memo is at most $most pages in LibreOffice (has ${pages:-?})" \
                sh -c '[ -n "$1" ] && [ "$1" -ge 1 ] && [ "$1" -le "$2" ]' _ "$pages" "$most"
        done
    else
        skip "memo: the memos' page counts" "pdfinfo is not installed (make deps installs poppler-utils)"
    fi
    # The check can fail: a text without a clause title, or without the escalation, is caught.
    n=direct-biometric-security-service
    sed 's/Remote Disablement//g' "txt/$n.txt" >txt/broken1.txt
    sed 's/ESCALATION TO COUNSEL//g' "txt/$n.txt" >txt/broken2.txt
    for b in broken1 broken2; do
        check "memo: the LibreOffice check catches a memo that lacks what it must say ($b)" sh -c '! /usr/bin/python3 check_memo.py "$@" 2>/dev/null' _ \
            "$DEALS/$n.yaml" "ex/$n/plan.json" "txt/$b.txt" "$ROOT/clauses/risks.yaml"
    done
else
    skip "memo: LibreOffice reads the memos" "soffice is not installed (make deps installs it)"
fi

# ---- outputs that cannot be written: a message, exit 1, and no file at all
DEAL="$DEALS/private-baseline.yaml"
mkdir -p err && cd err || exit 1
nothing() { [ -z "$(ls -A . 2>/dev/null | grep -v '^dir$\|^ro$\|^ok$\|^link.docx$\|^notes.txt$')" ]; }
run_clasm assemble "$DEAL" --memo missing/memo.docx
check "memo: a memo in a missing folder is refused (exit 1)" [ "$RC" -eq 1 ]
check "memo: ... with output-folder-missing naming the folder" sh -c 'printf "%s" "$1" | grep -q "missing.*\[output-folder-missing\]"' _ "$ERR"
check "memo: ... and neither the draft nor the memo is written" nothing
mkdir -p dir
run_clasm assemble "$DEAL" --memo dir
check "memo: --memo must name a .docx file (usage, exit 2)" [ "$RC" -eq 2 ]
check "memo: ... and says so" has "$ERR" "--memo names a .docx file"
run_clasm assemble "$DEAL" --memo dir.docx -o dir.docx
check "memo: the memo on the draft's own path is refused (output-clash)" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "output-clash"' _ "$RC" "$ERR"
check "memo: ... and nothing is written" nothing
run_clasm assemble "$DEAL" --memo r.docx --report r.docx
check "memo: the memo on the report's path is refused (output-clash)" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "also the report.*output-clash"' _ "$RC" "$ERR"
check "memo: ... and nothing is written" nothing
cp "$DEAL" deal.docx
run_clasm assemble deal.docx --memo deal.docx
check "memo: the memo on the deal file is refused (output-is-input), the deal untouched" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "output-is-input" && cmp -s deal.docx "$3"' _ "$RC" "$ERR" "$DEAL"
rm -f deal.docx
echo x >notes.txt
ln -s notes.txt link.docx
run_clasm assemble "$DEAL" --memo link.docx
check "memo: a memo path that is a symbolic link is refused (output-is-symlink)" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "output-is-symlink"' _ "$RC" "$ERR"
check "memo: ... the link's target is untouched and nothing is written" sh -c '[ "$(cat notes.txt)" = x ] && [ -L link.docx ]'
check "memo: ... no draft either" nothing
# A folder clasm may not write to: 555, and, when the tests run as root (who
# may write anywhere), clasm run as nobody.
mkdir -p ro ok && chmod 555 ro && chmod 777 ok
as_user=""
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
    _o=$(mktemp); _e=$(mktemp); chmod 644 "$_o" "$_e"
    $as_user "$CLASM" assemble "$DEAL" -o ok/c.docx --memo ro/memo.docx >"$_o" 2>"$_e"; RC=$?
    ERR=$(cat "$_e"); rm -f "$_o" "$_e"
    check "memo: a memo in a folder clasm may not write is refused (output-not-writable, exit 1)" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "ro/memo.docx.*output-not-writable"' _ "$RC" "$ERR"
    check "memo: ... and nothing is written: no memo, no draft" sh -c '[ -z "$(ls -A ro)" ] && [ -z "$(ls -A ok)" ]'
    _o=$(mktemp); _e=$(mktemp); chmod 644 "$_o" "$_e"
    $as_user "$CLASM" select "$DEAL" --memo ro/memo.docx >"$_o" 2>"$_e"; RC=$?
    ERR=$(cat "$_e"); rm -f "$_o" "$_e"
    check "memo: select --memo into an unwritable folder: exit 1, output-not-writable, no file" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "output-not-writable" && [ -z "$(ls -A ro)" ]' _ "$RC" "$ERR"
else
    skip "memo: an unwritable folder" "running as root without setpriv to run as another user"
fi
run_clasm assemble "$DEAL" --memo /proc/clasm-memo.docx
check "memo: a memo in /proc is refused (exit 1, named) and nothing is written" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "/proc/clasm-memo.docx" && [ ! -e Q-2026-0170-contract.docx ]' _ "$RC" "$ERR"
chmod 755 ro
# No memo template (a templates folder without memo.docx): the run fails before anything is written.
mkdir -p ../tpl-nomemo && cp "$ROOT"/templates/contract.docx ../tpl-nomemo/
CLASM_TEMPLATES="$W/tpl-nomemo" run_clasm assemble "$DEAL" --memo m.docx
check "memo: without templates/memo.docx, assemble --memo fails and names the file" sh -c '[ "$1" -ne 0 ] && printf "%s" "$2" | grep -q "tpl-nomemo/memo.docx"' _ "$RC" "$ERR"
check "memo: ... and nothing is written" nothing
CLASM_TEMPLATES="$W/no-such-folder" run_clasm assemble "$DEAL" -t "$ROOT/templates/contract.docx" --memo m.docx
check "memo: a CLASM_TEMPLATES that names no folder: exit 3, the variable named, nothing written" sh -c '[ "$1" -eq 3 ] && printf "%s" "$2" | grep -q "CLASM_TEMPLATES is set to .*no-such-folder, which is not a folder" ' _ "$RC" "$ERR"
check "memo: ... and nothing is written" nothing
cd "$W" || exit 1

# ---- a value still missing: select lists it in the memo, assemble refuses
grep -v '^  fees:' "$DEALS/private-baseline.yaml" >nofees.yaml
run_clasm select nofees.yaml
plain=$OUT
run_clasm select nofees.yaml --memo nofees-memo.docx
check "memo: select --memo writes the memo of a deal missing a value (exit 0, a warning)" sh -c '[ "$1" -eq 0 ] && [ -s nofees-memo.docx ] && printf "%s" "$2" | grep -q "missing-value"' _ "$RC" "$ERR"
check "memo: ... the plan on stdout is the same as without --memo" [ "$OUT" = "$plain" ]
check "memo: ... which lists terms.fees, what it is and who uses it" sh -c 'docx_text() { unzip -p "$1" word/document.xml | sed -e "s#</w:p>#\n#g" -e "s/<[^>]*>//g"; }; t=$(docx_text nofees-memo.docx); printf "%s" "$t" | grep -q "^terms.fees$" && printf "%s" "$t" | grep -q "The fees for the product" && printf "%s" "$t" | grep -q "the template of the Master License and Supply Agreement"'
run_clasm select nofees.yaml --memo strict-memo.docx --strict
check "memo: select --memo --strict refuses a missing value and writes no memo" sh -c '[ "$1" -eq 1 ] && [ ! -e strict-memo.docx ]' _ "$RC"
run_clasm assemble nofees.yaml --memo nofees-assemble.docx
check "memo: assemble --memo refuses a missing value (missing-value) and writes neither" sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "missing-value" && [ ! -e nofees-assemble.docx ] && [ ! -e Q-2026-0170-contract.docx ]' _ "$RC" "$ERR"

# ---- batch --memo: one memo per deal beside its drafts, in the results, resumable
mkdir -p deals && cp "$DEALS"/*.yaml deals/ && cp nofees.yaml deals/zz-nofees.yaml
sed -i 's/^id: .*/id: Q-2026-9999/' deals/zz-nofees.yaml
run_clasm batch deals -o out --memo --report results.csv
check "memo: batch --memo: the deal missing a value fails, the others are written (exit 1)" [ "$RC" -eq 1 ]
for d in "$DEALS"/*.yaml; do
    id=$(sed -n 's/^id: *//p' "$d")
    check "memo: batch --memo writes out/$id-memo.docx" [ -s "out/$id-memo.docx" ]
    check "memo: ... the same bytes as assemble --memo" cmp -s "out/$id-memo.docx" "ex/$(basename "$d" .yaml)/memo.docx"
done
check "memo: batch --memo writes no memo for the failed deal" [ ! -e out/Q-2026-9999-memo.docx ]
check "memo: the results file lists each memo among the deal's outputs" /usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(open("results.csv", newline="")))
ok = [r for r in rows if r["status"] == "written"]
assert len(ok) == 7, rows
assert all(r["outputs"].split(";")[-1] == "out/%s-memo.docx" % r["id"] for r in ok), [r["outputs"] for r in ok]
bad = [r for r in rows if r["status"] == "failed"]
assert len(bad) == 1 and bad[0]["outputs"] == "" and "missing-value" in bad[0]["errors"], bad'
ls -i out/Q-2026-0117-contract.docx >inode-before
rm out/Q-2026-0117-memo.docx
run_clasm batch deals -o out --memo --skip-existing --report results2.json
check "memo: batch --memo --skip-existing writes the missing memo again" [ -s out/Q-2026-0117-memo.docx ]
check "memo: ... the same bytes as before" cmp -s out/Q-2026-0117-memo.docx ex/direct-biometric-security-service/memo.docx
check "memo: ... and leaves the deal's existing draft as it was" sh -c 'ls -i out/Q-2026-0117-contract.docx | cmp -s - inode-before'
check "memo: ... the results say which deals were skipped and which written" /usr/bin/python3 -c '
import json
rows = {r["id"]: r for r in json.load(open("results2.json"))}
assert rows["Q-2026-0117"]["status"] == "written", rows["Q-2026-0117"]
assert rows["Q-2026-0117"]["outputs"] == ["out/Q-2026-0117-contract.docx", "out/Q-2026-0117-memo.docx"], rows["Q-2026-0117"]
assert all(r["status"] == "skipped" for i, r in rows.items() if i not in ("Q-2026-0117", "Q-2026-9999")), rows'
run_clasm batch deals -o out-nomemo
check "memo: batch without --memo writes no memo" sh -c '[ -z "$(ls out-nomemo | grep memo)" ]'
mkdir -p tpl-nomemo-b && cp "$ROOT"/templates/*.docx tpl-nomemo-b/ && rm tpl-nomemo-b/memo.docx
CLASM_TEMPLATES="$W/tpl-nomemo-b" run_clasm batch deals -o out-nomemo-b --memo
check "memo: batch --memo without memo.docx fails before any deal is drafted" sh -c '[ "$1" -ne 0 ] && printf "%s" "$2" | grep -q "memo.docx" && [ -z "$(ls -A out-nomemo-b 2>/dev/null)" ]' _ "$RC" "$ERR"

# ---- POST /api/memo
mkdir -p tmp
TMPDIR="$W/tmp" "$CLASM" serve --port 0 >serve.out 2>serve.err &
PID=$!
URL=""
for _ in $(seq 1 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*/' serve.out 2>/dev/null | head -n 1)
    [ -n "$URL" ] && break
    sleep 0.1
done
if [ -z "$URL" ]; then
    fail "memo: serve starts" "$(cat serve.err)"
else
    URL="$URL" ROOT="$ROOT" W="$W" /usr/bin/python3 - >>"$E2E_RESULTS" <<'PY'
import io, json, os, urllib.error, urllib.request, zipfile
import yaml

URL, ROOT, W = os.environ["URL"].rstrip("/"), os.environ["ROOT"], os.environ["W"]

def check(name, cond, detail=""):
    line = ("PASS " if cond else "FAIL ") + "memo: " + name + ("" if cond else ": " + str(detail))
    print(line)

def post(path, body, method="POST"):
    r = urllib.request.Request(URL + path, data=body, method=method)
    try:
        with urllib.request.urlopen(r, timeout=60) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

def deal_json(name, drop=None):
    d = yaml.safe_load(open(f"{ROOT}/examples/deals/{name}.yaml"))
    d = json.loads(json.dumps(d, default=str))
    if drop:
        del d["terms"][drop]
    return json.dumps(d).encode()

def text(docx):
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    import re
    return re.sub(r"<[^>]*>", "", xml.replace("</w:p>", "\n"))

for name in ("direct-biometric-security-service", "reseller-unknown-end-use"):
    st, h, b = post("/api/memo", deal_json(name))
    check(f"POST /api/memo {name}: 200 DOCX", st == 200 and h.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (st, b[:300]))
    did = yaml.safe_load(open(f"{ROOT}/examples/deals/{name}.yaml"))["id"]
    check(f"POST /api/memo {name}: a download named <id>-memo.docx",
          h.get("Content-Disposition") == f'attachment; filename="{did}-memo.docx"', h.get("Content-Disposition"))
    cli = open(f"{W}/ex/{name}/memo.docx", "rb").read()
    check(f"POST /api/memo {name}: the same bytes as assemble --memo", b == cli, len(b))

st, h, b = post("/api/memo?document=eula", deal_json("reseller-unknown-end-use"))
t = text(b) if st == 200 else ""
check("POST /api/memo?document=eula: the memo of that document alone",
      st == 200 and "\nEnd User License Agreement\n" in t and "Only in" not in t, (st, t[:200]))
st, h, b = post("/api/memo", deal_json("private-baseline", drop="fees"))
t = text(b) if st == 200 else ""
check("POST /api/memo with a value still missing: 200, the memo lists it",
      st == 200 and "\nterms.fees\n" in t, (st, b[:300]))
for path, body, code, eid in (("/api/memo", b"", 400, "empty-body"),
                              ("/api/memo", b"{\"id\": 1}", 400, "missing-key"),
                              ("/api/memo", b"{nonsense", 400, None),
                              ("/api/memo?document=bogus", deal_json("private-baseline"), 400, "unknown-document")):
    st, h, b = post(path, body)
    try:
        errs = json.loads(b)["errors"]
    except Exception:
        errs = []
    check(f"POST {path} {body[:12]!r}: {code} with JSON errors" + (f" ({eid})" if eid else ""),
          st == code and errs and all({"id", "message", "line", "column", "severity"} <= set(e) for e in errs)
          and (eid is None or any(e["id"] == eid for e in errs)), (st, b[:300]))
st, h, b = post("/api/memo", None, method="GET")
check("GET /api/memo: 405 with Allow: POST", st == 405 and h.get("Allow") == "POST", (st, h))
PY
fi
kill "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
