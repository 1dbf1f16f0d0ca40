#!/bin/sh
# Sales ops with clasm batch: whole packs without -t/--document, the results
# file (--report results.csv / .json), deals from a spreadsheet (--deals CSV
# --base DEAL) with good and bad rows, resuming after Ctrl-C with
# --skip-existing, failures and escalations shown as they happen; and
# assemble --document.
. "$(dirname "$0")/lib.sh"
W=$(workdir batch-ops)
cd "$W" || exit 1
EX="$ROOT/examples/deals"
GEN="$ROOT/bench/gen_deals.py"
PY=/usr/bin/python3
count_docx() { find "$1" -maxdepth 1 -name '*.docx' 2>/dev/null | wc -l | tr -d ' '; }

# ---- whole packs: each deal's documents, each with its bundled template ----
mkdir packs
cp "$EX/reseller-unknown-end-use.yaml" "$EX/private-baseline.yaml" \
    "$EX/direct-biometric-security-service.yaml" packs/
run_clasm batch packs -o packout --report packs.csv
check "batch without -t/--document drafts each deal's whole pack (exit 0)" [ "$RC" -eq 0 ]
check "every document of every deal is written" sh -c '[ "$(ls packout | tr "\n" " ")" = "Q-2026-0117-contract.docx Q-2026-0142-eula.docx Q-2026-0142-reseller-agreement.docx Q-2026-0170-contract.docx " ]'
check "the line of a pack names all its drafts" has "$OUT" \
    "ok      packs/reseller-unknown-end-use.yaml -> packout/Q-2026-0142-reseller-agreement.docx, packout/Q-2026-0142-eula.docx"
check "an escalated deal says so on its line" has "$OUT" \
    "ok      packs/direct-biometric-security-service.yaml -> packout/Q-2026-0117-contract.docx ESCALATE (tier severe) (with warnings)"
check "the summary counts the escalated deals" has "$OUT" "escalate 1 deal to counsel before signing"
mkdir single && cd single || exit 1
run_clasm assemble "$EX/reseller-unknown-end-use.yaml"
cd "$W" || exit 1
check "a pack's drafts are byte for byte those of assemble" sh -c '
    cmp -s packout/Q-2026-0142-eula.docx single/Q-2026-0142-eula.docx &&
    cmp -s packout/Q-2026-0142-reseller-agreement.docx single/Q-2026-0142-reseller-agreement.docx'

# The results file: one row per deal, RFC 4180, with outputs, tier, score,
# escalation, missing values and errors.
check "the CSV results file has a row per deal with the design's columns" $PY -c '
import csv, sys
rows = list(csv.DictReader(open("packs.csv", newline="")))
assert list(rows[0]) == ["deal", "id", "status", "outputs", "tier", "score", "escalate", "missing", "errors"], list(rows[0])
by = {r["id"]: r for r in rows}
assert len(rows) == 3, rows
assert by["Q-2026-0142"]["outputs"] == "packout/Q-2026-0142-reseller-agreement.docx;packout/Q-2026-0142-eula.docx", by
assert by["Q-2026-0142"]["tier"] == "elevated" and by["Q-2026-0142"]["score"] == "6", by
assert by["Q-2026-0117"]["escalate"] == "yes" and by["Q-2026-0117"]["tier"] == "severe", by
assert by["Q-2026-0170"]["escalate"] == "no" and by["Q-2026-0170"]["status"] == "written", by
assert all(r["errors"] == "" and r["missing"] == "" for r in rows), rows'

# A pack whose document has no template fails whole: nothing of it written.
mkdir tpl-contract-only
cp "$ROOT/templates/contract.docx" tpl-contract-only/
CLASM_TEMPLATES=$W/tpl-contract-only run_clasm batch packs -o notpl
check "a document without a template fails its deal (exit 1)" [ "$RC" -eq 1 ]
check "which says so, with its id" has "$ERR" \
    "packs/reseller-unknown-end-use.yaml: error: the deal asks for the reseller-agreement and the batch has no template for it; pass -t TEMPLATE with --document reseller-agreement [batch-template]"
check "no draft of that pack is written, the others are" \
    sh -c '[ "$(ls notpl | tr "\n" " ")" = "Q-2026-0117-contract.docx Q-2026-0170-contract.docx " ]'

# A deal missing only terms: refused, its missing values in the results.
mkdir unfinished
sed '/^terms:/,$d' "$EX/reseller-unknown-end-use.yaml" >unfinished/noterms.yaml
cp "$EX/private-baseline.yaml" unfinished/
run_clasm batch unfinished -o unfout --report unf.json
check "a deal with values still missing fails in a batch (exit 1)" [ "$RC" -eq 1 ]
check "each missing value is an error naming it" has "$ERR" \
    "unfinished/noterms.yaml: error: the template eula.docx, which draws the eula, fills in {{ terms.initial_term_months }}, which this deal does not give (under terms:); add it to the deal"
check "nothing of that deal is written" sh -c '[ "$(ls unfout)" = Q-2026-0170-contract.docx ]'
check "the JSON results list its missing values, errors, tier and no outputs" $PY -c '
import json
rows = json.load(open("unf.json"))
assert [r["deal"] for r in rows] == ["unfinished/noterms.yaml", "unfinished/private-baseline.yaml"], rows
bad, good = rows
assert bad["status"] == "failed" and bad["outputs"] == [] and bad["tier"] == "elevated" and bad["score"] == 6, bad
assert set(bad["missing"]) == {"terms.authorized_sites", "terms.authorized_purpose", "terms.fees", "terms.initial_term_months"}, bad
# 4 values for the reseller agreement, 3 for the EULA (the Reseller pays the fees).
assert len(bad["errors"]) == 7 and all("[missing-value]" in e for e in bad["errors"]), bad["errors"]
assert good["status"] == "written" and good["outputs"] == ["unfout/Q-2026-0170-contract.docx"] and good["errors"] == [], good
assert good["escalate"] is False and good["missing"] == [], good'

# Results-file errors: checked before any work, nothing written.
run_clasm batch packs -o rep1 --report results.txt
check "--report of another kind is a usage error (exit 2)" [ "$RC" -eq 2 ]
check "which names the kinds" has "$ERR" "--report names a .csv or a .json file, not results.txt"
check "and writes nothing" sh -c '[ ! -e rep1 ] && [ ! -e results.txt ]'
run_clasm batch packs -o rep2 --report no/such/folder/r.csv
check "--report in a missing folder exits 1" [ "$RC" -eq 1 ]
check "with the output rule's id" has "$ERR" "[output-folder-missing]"
check "and no draft is written" [ ! -e rep2 ]
mkdir rep3.json
run_clasm batch packs -o rep3 --report rep3.json
check "--report naming a folder exits 1, nothing written" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e rep3 ] && echo "$2" | grep -q "output-is-folder"' _ "$RC" "$ERR"

# ---- deals from a spreadsheet ----
grep -v '^id:' "$EX/private-baseline.yaml" >base.yaml
printf '%s\r\n' \
    'id,customer.name,customer.country,terms.fees,risks,documents' \
    'S-1,"Acme, Inc.",DE,"1,000",,contract' \
    'S-2,"Quote ""Q"" Ltd",FR,2000,end-user.poor-record; product.biometric-identification,contract;eula' \
    'S-3,Bad Co,ZZ,3000,,contract' \
    'S-4,Short,DE' \
    'S-5,"Two' 'Lines",DE,5,,contract' \
    'S-6,Ok Six,DE,6,,' >deals.csv
run_clasm batch --deals deals.csv --base base.yaml -o csvout --report csv.csv --jobs 2
check "a CSV batch with bad rows exits 1" [ "$RC" -eq 1 ]
check "the good rows are written, the bad ones are not" \
    sh -c '[ "$(ls csvout | tr "\n" " ")" = "S-1-contract.docx S-2-contract.docx S-2-eula.docx S-5-contract.docx S-6-contract.docx " ]'
check "a bad value names the file, row, line and column of the cell" has "$ERR" \
    "deals.csv row 4:4:12: error: customer.country: 'ZZ' is a user-assigned code"
check "a row of the wrong length names its row and the counts" has "$ERR" \
    "deals.csv row 5:5:1: error: row 5 has 3 cells and the header has 6 columns; a cell with a comma in it goes in quotes (\"...\") [csv-row-length]"
check "rows are numbered as the spreadsheet shows them, after a cell with a line break" has "$OUT" \
    "ok      deals.csv row 6 -> csvout/S-5-contract.docx"
check "quoted cells keep their commas and quotes in the draft" sh -c '
    docx_text() { unzip -p "$1" word/document.xml | sed -e "s#</w:p>#\n#g" -e "s/<[^>]*>//g"; }
    docx_text csvout/S-1-contract.docx | grep -q "Acme, Inc\." &&
    docx_text csvout/S-2-eula.docx | grep -q "Quote &quot;Q&quot; Ltd\|Quote \"Q\" Ltd"'
check "a ;-list of risks is the deal's risks" $PY -c '
import csv
rows = {r["id"]: r for r in csv.DictReader(open("csv.csv", newline=""))}
assert rows["S-2"]["tier"] == "high" and rows["S-2"]["score"] == "9", rows["S-2"]
assert rows["S-1"]["tier"] == "baseline", rows["S-1"]
assert rows["S-3"]["status"] == "failed" and "[unknown-country]" in rows["S-3"]["errors"], rows["S-3"]
assert rows[""]["status"] == "failed" and "[csv-row-length]" in rows[""]["errors"], rows
assert rows[""]["deal"] == "deals.csv row 5", rows[""]'
check "an empty cell keeps the base's value (documents)" [ -e csvout/S-6-contract.docx ]
# The same deals as YAML files give the same bytes.
mkdir yamlpair
sed -e 's/^customer:/id: S-6\ncustomer:/' -e 's/^  name: .*Baseline.*//' base.yaml >/dev/null
$PY - "$W/base.yaml" yamlpair/s6.yaml <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d = {"id": "S-6", **d}
d["customer"]["name"] = "Ok Six"; d["customer"]["country"] = "DE"
d.setdefault("terms", {})["fees"] = "6"
yaml.safe_dump(d, open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
PY
run_clasm batch yamlpair -o yamlout
check "a CSV row drafts the same bytes as the same deal written as YAML" \
    cmp -s csvout/S-6-contract.docx yamlout/S-6-contract.docx

# The results file may not be an input: the spreadsheet stays as it was.
cp deals.csv keep.csv
run_clasm batch --deals deals.csv --base base.yaml -o sameout --report ./deals.csv
check "--report naming the spreadsheet is refused (exit 1), nothing written" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e sameout ] && cmp -s deals.csv keep.csv' _ "$RC"
check "which says so, with its id" has "$ERR" \
    "clasm: error: the results file ./deals.csv is the input deals.csv; the inputs are only read, choose another file [output-is-input]"
cp packs/private-baseline.yaml packs-json.json
run_clasm batch packs-json.json -o samejson --report packs-json.json
check "--report naming a deal file is refused too" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e samejson ] && cmp -s packs-json.json packs/private-baseline.yaml' _ "$RC"

# A header naming no deal key: the whole run is refused, nothing written.
printf 'id,customer.contry,terms.fees,id\nS-9,DE,1,S-9\n' >badhead.csv
run_clasm batch --deals badhead.csv --base base.yaml -o headout --report head.csv
check "a header naming no deal key exits 1" [ "$RC" -eq 1 ]
check "it names the file, column and a suggestion" has "$ERR" \
    "badhead.csv:1:4: error: column 2 of the header, 'customer.contry', names no deal key; did you mean 'customer.country'?"
check "with its id" has "$ERR" "[csv-unknown-column]"
check "a column named twice is an error too" has "$ERR" \
    "badhead.csv:1:31: error: column 4 of the header, 'id', is column 1 too [csv-duplicate-column]"
check "nothing is written (no folder, no results)" sh -c '[ ! -e headout ] && [ ! -e head.csv ]'
printf 'id,customer.name\nS-7,"Open quote\n' >unclosed.csv
run_clasm batch --deals unclosed.csv --base base.yaml -o unclosedout
check "an unclosed quote is a syntax error at the cell (exit 1, nothing written)" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e unclosedout ]' _ "$RC"
check "which says how to fix it" has "$ERR" \
    "unclosed.csv:2:5: error: this quoted cell has no closing quote (\"); a quote inside a cell is written twice (\"\") [csv-syntax]"
printf 'id,customer.name\nS-8,Mid"quote\n' >midquote.csv
run_clasm batch --deals midquote.csv --base base.yaml -o midout
check "a quote inside an unquoted cell is a syntax error" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e midout ] && echo "$2" | grep -q "midquote.csv:2:8: error: a quote"' _ "$RC" "$ERR"
printf 'id,customer.name\n' >headonly.csv
run_clasm batch --deals headonly.csv --base base.yaml -o headonlyout
check "a header without rows exits 1" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e headonlyout ] && echo "$2" | grep -q "has a header and no rows"' _ "$RC" "$ERR"
printf 'id: [unclosed\n' >badbase.yaml
run_clasm batch --deals deals.csv --base badbase.yaml -o badbaseout
check "a base that is not YAML exits 1, nothing written" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e badbaseout ] && echo "$2" | grep -q "badbase.yaml:"' _ "$RC" "$ERR"
printf -- '- a list\n' >listbase.yaml
run_clasm batch --deals deals.csv --base listbase.yaml -o listbaseout
check "a base that is not a mapping exits 1, nothing written" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e listbaseout ] && echo "$2" | grep -q "listbase.yaml:1:1: error:"' _ "$RC" "$ERR"
run_clasm batch --deals nosuch.csv --base base.yaml -o nosuchout
check "a missing CSV exits 3, names it, writes nothing" \
    sh -c '[ "$1" -eq 3 ] && [ ! -e nosuchout ] && echo "$2" | grep -q "cannot read nosuch.csv"' _ "$RC" "$ERR"
run_clasm batch --deals deals.csv -o usage1
check "--deals without --base is a usage error" \
    sh -c '[ "$1" -eq 2 ] && [ ! -e usage1 ] && echo "$2" | grep -q "\-\-deals CSV and \-\-base DEAL go together"' _ "$RC" "$ERR"
run_clasm batch packs --deals deals.csv --base base.yaml -o usage2
check "--deals with deal files is a usage error" \
    sh -c '[ "$1" -eq 2 ] && [ ! -e usage2 ] && echo "$2" | grep -q "\-\-deals takes the place of deal files"' _ "$RC" "$ERR"

# ---- resume after Ctrl-C: only what was missing, the same bytes ----
# (Profiles that draw a contract, a EULA or a reseller agreement: their
# deals give every value a EULA needs.)
mkdir profiles
for f in "$EX"/*.yaml; do grep -q '^documents:.*addendum' "$f" || cp "$f" profiles/; done
$PY "$GEN" 240 many --prefix R --examples profiles >/dev/null
run_clasm batch many -o clean --jobs 2
check "the clean run writes all 240 drafts" [ "$(count_docx clean)" -eq 240 ]
# A background job of a script ignores SIGINT (POSIX); the wrapper gives
# clasm the default action back, as a terminal's Ctrl-C would find it.
$PY -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
    "$CLASM" batch many -o resumed --jobs 2 --report interrupted.json >int.out 2>int.err &
PID=$!
n=0
oks() { c=$(grep -c '^ok ' int.out 2>/dev/null); echo "${c:-0}"; }
while [ "$(oks)" -lt 10 ] && [ $n -lt 1500 ]; do sleep 0.02; n=$((n + 1)); done
kill -INT $PID
wait $PID
INT_RC=$?
check "SIGINT ends the batch by the signal (status 130, was $INT_RC)" [ "$INT_RC" -eq 130 ]
check "the interruption says how to resume" grep -q "run again with --skip-existing to draft the rest" int.err
FIRST=$(count_docx resumed)
check "the interrupted run wrote some but not all drafts ($FIRST)" sh -c '[ "$1" -gt 0 ] && [ "$1" -lt 240 ]' _ "$FIRST"
check "the interrupted run's results file lists exactly the deals that ended" $PY -c '
import json, os, sys
rows = json.load(open("interrupted.json"))
assert len(rows) == int(sys.argv[1]), (len(rows), sys.argv[1])
assert sorted(o for r in rows for o in r["outputs"]) == sorted("resumed/" + f for f in os.listdir("resumed")), rows
assert all(r["status"] == "written" for r in rows), rows' "$FIRST"
ls -i resumed | sort -k2 >inodes-before.txt
run_clasm batch many -o resumed --jobs 2 --skip-existing --report resume.csv
check "the resumed run exits 0" [ "$RC" -eq 0 ]
check "it skips the $FIRST finished drafts and writes the $((240 - FIRST)) missing" has "$OUT" \
    "written $((240 - FIRST)), failed 0,"
check "the skipped deals are counted" has "$OUT" "skipped $FIRST deals whose drafts exist (--skip-existing)"
check "the finished drafts were not rewritten (same inodes)" sh -c '
    ls -i resumed | sort -k2 | join -1 2 -2 2 - inodes-before.txt | awk "\$2 != \$3 { bad = 1 } END { exit bad }"'
check "the results file marks them skipped" $PY -c '
import csv, sys
rows = list(csv.DictReader(open("resume.csv", newline="")))
st = [r["status"] for r in rows]
assert len(rows) == 240 and st.count("skipped") == int(sys.argv[1]) and st.count("written") == 240 - int(sys.argv[1]), st
assert all(r["outputs"] for r in rows), rows' "$FIRST"
check "the resumed folder equals the clean run's, byte for byte (sha256)" sh -c '
    (cd clean && sha256sum *.docx) >clean.sha && (cd resumed && sha256sum *.docx) >resumed.sha &&
    [ "$(wc -l <clean.sha)" -eq 240 ] && cmp -s clean.sha resumed.sha'
check "nothing but drafts is left in the resumed folder" [ "$(ls -A resumed | grep -vc '\.docx$')" -eq 0 ]

# ---- on a terminal: failures and escalations as they happen ----
if command -v script >/dev/null 2>&1; then
    cp "$EX/direct-biometric-security-service.yaml" packs-tty.yaml
    printf 'id: T-broken\n' >broken.yaml
    TTY=$(script -qec "'$CLASM' batch packs-tty.yaml broken.yaml $EX/private-baseline.yaml -o ttyout --jobs 1" /dev/null | tr '\r' '\n')
    check "a terminal shows an escalation as it happens" has "$TTY" \
        "ESCALATE  packs-tty.yaml (tier severe): counsel must decide before signing"
    check "a terminal shows a failure as it happens" has "$TTY" "failed    broken.yaml (errors listed at the end)"
    check "the bar counts failures and escalations" \
        sh -c 'printf "%s\n" "$1" | grep -qE "^\[#+\] 3/3  .* left  failed 1  escalate 1"' _ "$TTY"
else
    skip "batch progress on a terminal" "script(1) is not installed"
fi

# ---- assemble --document: one document of a pack ----
mkdir one && cd one || exit 1
run_clasm assemble "$EX/reseller-unknown-end-use.yaml" --document eula -o only-eula.docx
check "assemble --document drafts one document of a pack (exit 0)" [ "$RC" -eq 0 ]
check "only that one, under -o" sh -c '[ "$(ls)" = only-eula.docx ]'
check "the same bytes as the pack's EULA" cmp -s only-eula.docx "$W/single/Q-2026-0142-eula.docx"
run_clasm assemble "$EX/reseller-unknown-end-use.yaml" -o two.docx
check "-o on a pack without --document is refused (exit 2), naming the way out" \
    sh -c '[ "$1" -eq 2 ] && [ ! -e two.docx ] && echo "$2" | grep -q "pick one with --document"' _ "$RC" "$ERR"
run_clasm assemble "$EX/reseller-unknown-end-use.yaml" --document memo
check "an unknown --document is a usage error, nothing written" \
    sh -c '[ "$1" -eq 2 ] && [ "$(ls)" = only-eula.docx ] && echo "$2" | grep -q "\-\-document is contract, eula, reseller-agreement or addendum, not memo"' _ "$RC" "$ERR"
cd "$W" || exit 1
