#!/bin/sh
# Values as counsel writes them (issue 13): the library's defaults in the
# plan (text, JSON, --report); the date and period formats of library.yaml;
# a deal's terms checked against the library and the templates (select finds
# the default templates); the ISO lists found or refused (exit 3); an empty
# list of capabilities, no reseller and no risks assembled in every template;
# and, as LibreOffice reads them, no draft of any example deal showing a raw
# enum value, ISO country code, ISO date or snake_case key (raw_values.py,
# which is shown to fail on a draft that does).
. "$(dirname "$0")/lib.sh"
W=$(workdir values)
cd "$W" || exit 1
EX="$ROOT/examples/deals"

# ---- defaults in the plan
run_clasm select "$EX/private-baseline.yaml"
check "select exits 0 on a deal that leaves standard terms to the library" [ "$RC" -eq 0 ]
check "select names each default the draft prints on a line of its own, by its label" has "$OUT" \
    "default: Cure period, curable safeguards breach = 30  [terms.cure_period_days] (library default; the deal does not set it)"
check "a term the deal sets is no default" lacks "$OUT" "[terms.fees]"
check "a default no text of the draft prints is counted, not listed" sh -c \
    'printf "%s" "$1" | grep -q "^defaults: [0-9][0-9]* more library defaults that no text of this draft prints" &&
     ! printf "%s" "$1" | grep -q "terms.local_hosting_migration_days"' _ "$OUT"
run_clasm select "$EX/reseller-unknown-end-use.yaml" --format json
printf '%s\n' "$OUT" >plans.json
check "select --format json: defaults are every library default the deal does not set, raw" \
    /usr/bin/python3 -c '
import json, sys, yaml
plans = json.load(open("plans.json"))
lib = yaml.safe_load(open(sys.argv[1] + "/clauses/library.yaml"))
deal = yaml.safe_load(open(sys.argv[1] + "/examples/deals/reseller-unknown-end-use.yaml"))
want = [{"key": k, "value": str(t["default"]), "label": t["label"]} for k, t in lib["terms"].items()
        if "default" in t and k not in deal["terms"]]
got = [[{k: d[k] for k in ("key", "value", "label")} for d in p["defaults"]] for p in plans]
assert len(plans) == 2 and all(g == want for g in got), (got[0], want)
# printed: what the draft prints (the reseller agreement its handover, no move of hosting)
for p in plans:
    printed = {d["key"] for d in p["defaults"] if d["printed"]}
    assert "local_hosting_migration_days" not in printed, p["document"]
    assert "cure_period_days" in printed, p["document"]
ra = next(p for p in plans if p["document"] == "reseller-agreement")
assert "reseller_handover_days" in {d["key"] for d in ra["defaults"] if d["printed"]}
keys = {(d["key"], d["value"]) for d in want}
assert ("payment_days", "30") not in keys  # the deal says 45
assert ("cure_period_days", "30") in keys
' "$ROOT"
run_clasm assemble "$EX/private-baseline.yaml" -o baseline.docx --report baseline.json
check "assemble --report lists the defaults" /usr/bin/python3 -c '
import json, sys
r = json.load(open("baseline.json"))
assert {"key": "grievance_email", "value": "speakup@example.com", "label": "Grievance mailbox",
        "printed": True} in r["defaults"], r["defaults"]
'
check "a default is printed in the draft as the kind says" sh -c \
    'unzip -p baseline.docx word/document.xml | sed "s/<[^>]*>//g" | grep -q "within thirty (30) days of its date"'

# ---- the library chooses the formats
cp -R "$ROOT/clauses" us
sed -i 's/^  date_format: D MMMM YYYY .*/  date_format: MMMM D, YYYY/; s/^  periods: words-and-digits .*/  periods: digits/' us/library.yaml
run_clasm assemble "$EX/private-baseline.yaml" --library us -o us.docx
check "another date and period format: assembled" [ "$RC" -eq 0 ]
check "the date as library.yaml says: November 27, 2026" sh -c \
    'docx_text() { unzip -p "$1" word/document.xml | sed "s/<[^>]*>//g"; }; t=$(docx_text us.docx); case $t in *"made on November 27, 2026 (the"*) ;; *) exit 1 ;; esac; case $t in *2026-11-27*) exit 1 ;; esac'
check "periods as digits: within 30 days" sh -c \
    'unzip -p us.docx word/document.xml | sed "s/<[^>]*>//g" | grep -q "within 30 days of its date"'

# ---- a deal's terms: the library's and the templates'
sed 's/^  fees: /  governing_lw: State of Delaware\n  fees: /' "$EX/private-baseline.yaml" >typo.yaml
line=$(grep -n 'governing_lw' typo.yaml | cut -d: -f1)
run_clasm select typo.yaml
check "select: a misspelt terms key exits 1" [ "$RC" -eq 1 ]
check "... at its line and column, with the key it was meant to be" has "$ERR" \
    "typo.yaml:$line:3: error: terms.governing_lw: neither the library ("
check "... naming the default template select looked at" has "$ERR" "nor the template "
check "... did you mean governing_law" has "$ERR" "did you mean 'governing_law'? [unknown-term]"
run_clasm assemble typo.yaml -o typo.docx
check "assemble: the same error, exit 1" sh -c '[ "$1" -eq 1 ] && echo "$2" | grep -q "\[unknown-term\]"' _ "$RC" "$ERR"
check "assemble: no draft" [ ! -e typo.docx ]
# A key only the template uses is known where the template is: a library
# without fees (the templates print {{ terms.fees }}) still takes the deal's
# fees with the default templates, and refuses them with none.
cp -R "$ROOT/clauses" nofees
/usr/bin/python3 - nofees/library.yaml <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r"\n  fees:\n(    .*\n)+", "\n", s)
assert s2 != s
open(p, "w").write(s2)
PY
run_clasm select "$EX/private-baseline.yaml" --library nofees
check "a template's own terms.KEY is known to select through the default templates" [ "$RC" -eq 0 ]
mkdir -p empty-templates
CLASM_TEMPLATES="$W/empty-templates" run_clasm select "$EX/private-baseline.yaml" --library nofees
check "without templates, the same key is unknown-term" sh -c \
    '[ "$1" -eq 1 ] && echo "$2" | grep -q "terms.fees: the library (.*) does not use this key"' _ "$RC" "$ERR"
run_clasm assemble "$EX/private-baseline.yaml" --library nofees -t "$ROOT/templates/contract.docx" -o nofees.docx
check "assemble with the template that uses it takes it" sh -c '[ "$1" -eq 0 ] && [ -s nofees.docx ]' _ "$RC"

# ---- the ISO lists: found robustly, or a clear error (exit 3), no output
CLASM_ISO_CODES="$W/no-such-folder" run_clasm assemble "$EX/private-baseline.yaml" -o iso.docx
check "a missing iso-codes folder is exit 3" [ "$RC" -eq 3 ]
check "... saying which folder and what to do" has "$ERR" \
    "$W/no-such-folder (from CLASM_ISO_CODES); CLASM_ISO_CODES must name the folder that holds it [iso-codes-missing]"
check "... and writing nothing" [ ! -e iso.docx ]
mkdir -p badiso
printf '{"3166-1": [' >badiso/iso_3166-1.json
cp /usr/share/iso-codes/json/iso_4217.json badiso/ 2>/dev/null || printf '{"4217": []}' >badiso/iso_4217.json
CLASM_ISO_CODES="$W/badiso" run_clasm lint "$ROOT/clauses"
check "a broken iso-codes file is exit 3, iso-codes-invalid at its place" sh -c \
    '[ "$1" -eq 3 ] && echo "$2" | grep -q "badiso/iso_3166-1.json:1:.*\[iso-codes-invalid\]"' _ "$RC" "$ERR"

# ---- no capabilities, no reseller, no risks: every template
cat >empty.yaml <<'YAML'
id: V-EMPTY
documents: [contract, eula]
date: 2026-03-01
seller:
  name: Northwind Sensing Systems, Inc.
  address: 400 Harbor Point Drive, Port Alder
  jurisdiction: Republic of Kestova
customer: {name: Hollow Lane Bakery Ltd., country: GB, kind: private}
product: {name: Northwind Doorbell Counter, capabilities: []}
deployment: on-premises
license: perpetual
end_use: known
terms:
  authorized_purpose: counting the customers who enter the Customer's own bakery
  authorized_sites: the Customer's bakery at 4 Hollow Lane
  fees: "2,500"
  initial_term_months: 12
YAML
sed -e 's/^id: V-EMPTY/id: V-EMPTY-RA/' -e 's/^documents: .*/documents: [reseller-agreement]/' \
    -e 's/^end_use: known/end_use: known\nreseller: {name: Lowlands Retail Systems B.V., country: NL}\ndismissed: [{risk: stakeholder.unverified-intermediary, reason: "The reseller is the bakery chain'"'"'s own procurement arm, which buys for its shops only.", by: Maris Ilves, date: 2026-12-01}]/' \
    empty.yaml >empty-ra.yaml
mkdir -p lo
for d in empty.yaml empty-ra.yaml; do
    (cd lo && run_clasm assemble "../$d"
     check "$d: no capabilities, no risks: assembled" [ "$RC" -eq 0 ]
     check "$d: no warning and no error" [ -z "$ERR" ])
done
check "the pack is there: contract, eula, reseller agreement" \
    sh -c '[ -s lo/V-EMPTY-contract.docx ] && [ -s lo/V-EMPTY-eula.docx ] && [ -s lo/V-EMPTY-RA-reseller-agreement.docx ]'

# ---- as LibreOffice reads them
if ! have_soffice; then
    skip "values: LibreOffice's text of the drafts" "soffice is not installed (make deps installs it)"
    exit 0
fi
(cd lo && for d in "$EX"/*.yaml; do "$CLASM" assemble "$d" >/dev/null 2>&1 || echo "assemble $d failed"; done) >lo/assemble.log
check "every example deal assembles" [ ! -s lo/assemble.log ]
HOME="$W/home" soffice --headless --norestore --convert-to "txt:Text (encoded):UTF8" --outdir txt lo/*.docx >/dev/null 2>&1
n=$(ls txt/*.txt 2>/dev/null | wc -l)
ndocx=$(ls lo/*.docx | wc -l)
check "LibreOffice reads every draft ($n of $ndocx)" [ "$n" -eq "$ndocx" ]
mkdir -p deals
cp "$EX"/*.yaml empty.yaml empty-ra.yaml deals/
CHECK="/usr/bin/python3 $ROOT/tests/e2e/raw_values.py deals $ROOT/clauses $ROOT/templates /usr/share/iso-codes/json"
$CHECK txt/*.txt >raw.log 2>&1
check "no draft shows a raw enum value, ISO country code, ISO date or snake_case key: $(head -c 600 raw.log)" \
    [ ! -s raw.log ]
t=txt/V-EMPTY-contract.txt
check "no capabilities: the contract's recital (A) without the list" \
    grep -qx "(A) The Supplier develops and supplies Northwind Doorbell Counter." "$t"
check "no capabilities: no sentence about them is left half-empty" sh -c '! grep -qi "capabilities: *\\(none\\|\\.\\)" "$1"' _ "$t"
check "the country by its name" grep -qx "United Kingdom" "$t"
check "the customer's kind in words" grep -q "^(B) The Customer is a private-sector organization. " "$t"
check "the fees with their currency" \
    grep -q "The Customer shall pay the Supplier USD 2,500 for the perpetual license" "$t"
check "the payment period in words" grep -q "shall pay each invoice within thirty (30) days of its date." "$t"
check "the date as counsel writes it" grep -q "is made on 1 March 2026 (the “Effective Date”)" "$t"
check "the eula without capabilities reads" \
    grep -qx "(A) The Supplier develops and supplies Northwind Doorbell Counter." txt/V-EMPTY-eula.txt
check "the eula: bought directly, the Customer pays the Supplier and no reseller is named" sh -c \
    'grep -q "The Customer shall pay the Supplier USD 2,500 for the perpetual license" "$1" && ! grep -q "Reseller" "$1"' \
    _ txt/V-EMPTY-eula.txt
check "the reseller agreement without capabilities reads" \
    grep -qx "(A) The Supplier develops and supplies Northwind Doorbell Counter." txt/V-EMPTY-RA-reseller-agreement.txt
check "the reseller's territory by its name, in the commercial details" sh -c \
    'grep -x -A1 "Territory" "$1" | grep -qx "Netherlands"' _ txt/V-EMPTY-RA-reseller-agreement.txt
check "the reseller agreement: the initial term in words" \
    grep -qx "twelve (12) months from the Effective Date" txt/V-EMPTY-RA-reseller-agreement.txt
# The checker can fail: a draft doctored to show raw values is caught, each.
mkdir -p doctored
sed -e 's/a security service/security-service/' -e 's/27 November 2026/2026-11-27/' \
    -e 's/^Republic of Valmora$/XA/' -e 's/on systems that the Customer operates/on-premises/' \
    -e 's/within thirty (30) days/within cure_period_days/' \
    txt/Q-2026-0117-contract.txt >doctored/Q-2026-0117-contract.txt
$CHECK doctored/Q-2026-0117-contract.txt >doctored.log 2>&1
for what in "raw value security-service" "ISO date 2026-11-27" "country code XA" "raw value on-premises" \
    "snake_case key cure_period_days" "{{ customer.kind }} printed raw (security-service)"; do
    check "the checker catches a doctored draft: $what" grep -qF "$what" doctored.log
done
