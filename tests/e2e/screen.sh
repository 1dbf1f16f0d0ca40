#!/bin/sh
# Restricted-party screening on the command line, against a synthetic list
# in the Consolidated Screening List's CSV layout (tests/screen/gen_list.py:
# invented names, labelled queries): clasm screen finds a party written
# another way (legal form, reordered, accents) and says so with the entry,
# list, score and tokens, and finds nothing for a near miss; assemble refuses
# a deal with an undecided hit and writes nothing, unless
# --allow-unscreened; the deal's decisions (cleared, confirmed) are honoured
# and recorded in the draft's manifest with the list's name, date and hash;
# a confirmed hit suggests the restricted-party risk, which escalates; batch
# screens every deal; a library can name the default list; broken lists are
# refused with clear errors.
. "$(dirname "$0")/lib.sh"
W=$(workdir screen)
cd "$W" || exit 1
REFUSED_PREFIX=screen
BASE="$ROOT/examples/deals/private-baseline.yaml"

if ! python3 "$ROOT/tests/screen/gen_list.py" --entries 3000 --queries 200 lists >/dev/null 2>&1; then
    fail "screen: the synthetic list" "tests/screen/gen_list.py failed"
    exit 0
fi
cp lists/list.csv csl.csv
# One query of each kind: a hit written with another legal form, a reordered
# one, one with accents, and a near miss (another surname).
python3 - <<'PY' >picked.txt
import csv
rows = list(csv.DictReader(open("lists/queries.tsv"), delimiter="\t"))
def first(kind, cat):
    return next(r for r in rows if r["kind"] == kind and r["category"] == cat)
for kind, cat in (("hit", "legal-form"), ("hit", "reorder"), ("hit", "accents"),
                  ("miss", "other-surname")):
    r = first(kind, cat)
    print("\t".join([cat, r["name"], r["expected"]]))
PY
name_of() { awk -F '\t' -v c="$1" '$1 == c { print $2 }' picked.txt; }
id_of() { awk -F '\t' -v c="$1" '$1 == c { print $3 }' picked.txt; }
# deal NAME FILE [EXTRA]: the baseline example with the customer renamed.
deal() {
    n=$(printf '%s' "$1" | sed 's/[\\&/]/\\&/g')
    sed "s/^  name: Larkspur Home Goods Co\./  name: \"$n\"/" "$BASE" >"$2"
    [ -n "${3:-}" ] && printf '%s\n' "$3" >>"$2"
    return 0
}
deal "$(name_of legal-form)" hit.yaml
deal "$(name_of reorder)" reorder.yaml
deal "$(name_of accents)" accents.yaml
deal "$(name_of other-surname)" miss.yaml
HIT_ID=$(id_of legal-form)

# ---- clasm screen
run_clasm screen hit.yaml --list csl.csv
check "screen: a hit exits 1 (a hit to decide)" [ "$RC" -eq 1 ]
check "screen: the hit shows the party, the entry, the list, the score and the tokens" \
    sh -c 'printf "%s\n" "$1" | grep -q "^  customer .*: UNDECIDED$" &&
           printf "%s\n" "$1" | grep -q "^      matches .* on csl.csv: " &&
           printf "%s\n" "$1" | grep -Eq "^      score (0\.9[0-9]|1\.00) \(names [0-9.]+\), tokens: .* = "' \
    _ "$OUT"
check "screen: stderr says what to do" has "$ERR" "decide on it under screening (decision cleared or confirmed, with a reason, who and when) before a draft goes out [unscreened-hit]"
for q in reorder accents; do
    run_clasm screen "$q.yaml" --list csl.csv --format json
    printf '%s\n' "$OUT" >"$q.json"
    check "screen: a name written another way ($q) is found, the right entry" python3 - "$q.json" "$(id_of $q)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert any(h["id"] == sys.argv[2] for h in r["hits"]), r["hits"]
assert r["undecided"] >= 1 and r["lists"][0]["name"] == "csl.csv" and len(r["lists"][0]["sha256"]) == 64
PY
done
run_clasm screen miss.yaml --list csl.csv
check "screen: a near miss (another surname) is no hit (exit 0)" [ "$RC" -eq 0 ]
check "screen: ... and says so" has "$OUT" "hits: none"
REFUSED_PREFIX=screen
refused "screen without a list" 2 "screen needs a list" -- screen hit.yaml

# ---- assemble: refused while the hit is undecided, nothing written
refused "assemble with an undecided hit" 1 "[unscreened-hit]" "on csl.csv (" -- \
    assemble hit.yaml --list csl.csv -o hit.docx
run_clasm assemble hit.yaml --list csl.csv --allow-unscreened -o allowed.docx
check "screen: --allow-unscreened drafts (exit 0), with a warning" \
    sh -c '[ "$1" -eq 0 ] && [ -f allowed.docx ] && printf "%s" "$2" | grep -q "warning: the customer, .*\[unscreened-hit\]"' \
    _ "$RC" "$ERR"
part allowed.docx customXml/item1.xml >allowed.xml
SHA=$(sha256sum csl.csv | cut -d' ' -f1)
check "screen: the manifest records the list (name, date, hash) and the undecided hit" python3 - "$SHA" "$HIT_ID" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"c": "urn:clasm:manifest:1"}
root = ET.parse("allowed.xml").getroot()
l = root.find("c:screening/c:list", ns)
assert l.get("name") == "csl.csv" and l.get("sha256") == sys.argv[1] and len(l.get("date")) == 10, l.attrib
h = root.find("c:screening/c:hit", ns)
assert h.get("party") == "customer" and h.get("id") == sys.argv[2] and h.get("decision") == "undecided", h.attrib
s = [x for x in root.findall("c:review/c:suggestion", ns) if x.get("risk") == "stakeholder.restricted-party"]
assert s and s[0].get("decision") == "undecided", "the restricted-party suggestion is on record"
PY

# ---- the deal's decisions
deal "$(name_of legal-form)" cleared.yaml "screening:
  - party: customer
    entry: \"$HIT_ID\"
    decision: cleared
    reason: A different company, registered in 2019, with no owner or officer in common with the listed one.
    by: Maris Ilves, compliance office
    date: 2026-12-01"
run_clasm assemble cleared.yaml --list csl.csv --strict -o cleared.docx
check "screen: a cleared hit lets the deal draft, also under --strict" \
    sh -c '[ "$1" -eq 0 ] && [ -f cleared.docx ]' _ "$RC"
check "screen: ... and suggests no restricted-party risk" lacks "$ERR" "restricted-party"
check "screen: the manifest records the decision, its reason, who and when" \
    has "$(part cleared.docx customXml/item1.xml)" \
    "decision=\"cleared\" by=\"Maris Ilves, compliance office\" date=\"2026-12-01\"><clasm:reason>A different company"
sed -e 's/decision: cleared/decision: confirmed/' -e 's/^    reason: .*/    reason: The same company; its director confirmed the listing./' cleared.yaml >confirmed.yaml
refused "a confirmed hit whose risk the deal does not list" 1 \
    "screening confirms that a party of the deal is on a restricted-party list: list 'stakeholder.restricted-party' under risks" \
    "[restricted-party-not-listed]" -- assemble confirmed.yaml --list csl.csv -o confirmed.docx
printf 'dismissed:\n  - risk: stakeholder.restricted-party\n    reason: no matter\n    by: Someone\n    date: 2026-12-02\n' \
    >>confirmed.yaml
refused "a confirmed hit's risk dismissed" 1 \
    "dismissed: 'stakeholder.restricted-party' cannot be dismissed while screening has a hit that is not cleared" \
    "[restricted-party-dismissed]" -- assemble confirmed.yaml --list csl.csv -o confirmed.docx
run_clasm select hit.yaml --list csl.csv
check "screen: an undecided hit suggests the restricted-party risk, with the hit as its reason" has "$ERR" \
    "the deal's facts suggest the risk 'stakeholder.restricted-party' (A party matches an entry of a U.S. government restricted-party list): screening found the customer,"
grep -v '^dismissed:\|^  - risk: stakeholder.restricted-party\|^    reason: no matter\|^    by: Someone\|^    date: 2026-12-02' \
    confirmed.yaml >confirmed-only.yaml
sed 's/^risks: \[\]/risks: [stakeholder.restricted-party]/' confirmed-only.yaml >listed.yaml
grep -q '^risks: \[stakeholder.restricted-party\]' listed.yaml ||
    printf 'risks: [stakeholder.restricted-party]\n' >>listed.yaml
run_clasm select listed.yaml --list csl.csv
check "screen: the restricted-party risk escalates to counsel whatever the tier" has "$ERR" \
    "carries the risk 'stakeholder.restricted-party' (A party matches an entry of a U.S. government restricted-party list), which escalates to counsel whatever the deal's tier"
deal "$(name_of legal-form)" stranger.yaml "screening:
  - party: Someone Else Ltd
    entry: \"$HIT_ID\"
    decision: cleared
    reason: r
    by: b
    date: 2026-12-01"
refused "a decision about a party the deal does not have" 1 \
    "screening[0].party: 'Someone Else Ltd' is not a party of this deal" "[unknown-party]" -- \
    assemble stranger.yaml --list csl.csv --allow-unscreened -o stranger.docx
deal "$(name_of other-surname)" unused.yaml "screening:
  - party: customer
    entry: \"$HIT_ID\"
    decision: cleared
    reason: r
    by: b
    date: 2026-12-01"
run_clasm select unused.yaml --list csl.csv
check "screen: a decision no hit takes is warned about" has "$ERR" "[screening-decision-unused]"

# Two listed parties of one name: a decision names an entry by its _id, so
# clearing one never clears the other; two different decisions on one hit
# are a conflict; end users are named once, and not "customer".
python3 - <<'PY'
rows = open("csl.csv", encoding="utf-8").read().splitlines()
head = rows[0].split(",")
def row(i, name):
    cells = ['""'] * len(head)
    cells[head.index('"_id"')] = '"%s"' % i
    cells[head.index('"source"')] = '"Entity List (EL) - Bureau of Industry and Security"'
    cells[head.index('"type"')] = '"Entity"'
    cells[head.index('"name"')] = '"%s"' % name
    return ",".join(cells)
open("twins.csv", "w", encoding="utf-8").write(
    "\n".join([rows[0], row("T-1", "Quarvell Optics Ltd"), row("T-2", "Quarvell Optics Ltd")]) + "\n")
PY
deal "Quarvell Optics Ltd" twins.yaml "screening:
  - party: customer
    entry: Quarvell Optics Ltd
    decision: cleared
    reason: r
    by: b
    date: 2026-12-01
  - party: customer
    entry: T-1
    decision: cleared
    reason: r
    by: b
    date: 2026-12-01"
run_clasm screen twins.yaml --list twins.csv --format json
printf '%s\n' "$OUT" >twins.json
check "screen: a decision by name does not clear entries that have an id" python3 - <<'PY'
import json
h = {x["id"]: x["decision"] for x in json.load(open("twins.json"))["hits"]}
assert h == {"T-1": "cleared", "T-2": "undecided"}, h
PY
check "screen: ... and is said to match no hit" has "$ERR" "screening[0]: no hit of customer matches the entry 'Quarvell Optics Ltd'"
deal "Quarvell Optics Ltd" conflict.yaml "screening:
  - party: customer
    entry: T-1
    decision: cleared
    reason: r
    by: b
    date: 2026-12-01
  - party: customer
    entry: T-1
    decision: confirmed
    reason: r
    by: c
    date: 2026-12-02"
refused "two decisions on one hit that disagree" 1 \
    "screening[1]: confirms the hit of customer on 'Quarvell Optics Ltd', which an earlier decision clears" \
    "[screening-decision-conflict]" -- screen conflict.yaml --list twins.csv
deal "$(name_of other-surname)" eu.yaml "end_users:
  - name: customer
  - name: Harbor Logistics
  - name: Harbor Logistics"
refused "end users named customer, or twice" 1 "end_users[0].name: 'customer' names the deal's customer" \
    "end_users[2]: 'Harbor Logistics' is named twice" "[duplicate-end-user]" -- \
    screen eu.yaml --list csl.csv

# ---- batch: every deal screened; the undecided one fails, the others are written
mkdir -p out
sed 's/^id: Q-2026-0170/id: S-1/' hit.yaml >b1.yaml
sed 's/^id: Q-2026-0170/id: S-2/' cleared.yaml >b2.yaml
sed 's/^id: Q-2026-0170/id: S-3/' miss.yaml >b3.yaml
run_clasm batch b1.yaml b2.yaml b3.yaml --list csl.csv -o out
check "screen: batch fails the deal with an undecided hit only" \
    sh -c '[ "$1" -eq 1 ] && [ ! -e out/S-1-contract.docx ] && [ -f out/S-2-contract.docx ] &&
           [ -f out/S-3-contract.docx ] && printf "%s" "$2" | grep -q "b1.yaml: error: .*\[unscreened-hit\]"' \
    _ "$RC" "$ERR"
check "screen: batch's drafts record the screening" has "$(part out/S-2-contract.docx customXml/item1.xml)" \
    'decision="cleared"'
run_clasm batch b1.yaml --list csl.csv --allow-unscreened -o out
check "screen: batch --allow-unscreened drafts it, with a warning" \
    sh -c '[ "$1" -eq 0 ] && [ -f out/S-1-contract.docx ]' _ "$RC"

# ---- the library's default list
cp -R "$ROOT/clauses" lib
printf '\nscreening:\n  threshold: 0.9\n  list: ../csl.csv\n' >>lib/library.yaml
run_clasm screen hit.yaml --library lib
check "screen: the library's default list is used without --list (exit 1, the hit)" \
    sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -q "on csl.csv"' _ "$RC" "$OUT"

# ---- broken lists: refused, each with what is wrong and where, nothing written
head -1 csl.csv | sed 's/"alt_names",//' >nocol.csv
tail -n +2 csl.csv | head -5 >>nocol.csv
refused "a list without the alt_names column" 1 "nocol.csv" "[list-missing-column]" "alt_names" -- \
    assemble miss.yaml --list nocol.csv -o nocol.docx
python3 -c 'import sys; d = open("csl.csv","rb").read(); i = d.index(b"\n", 2000); open("latin1.csv","wb").write(d[:i+1] + b"\"9\",\"x\",\"9\",\"Entity\",\"\",\"Caf\xe9 Ltd\"" + d[i+1:])'
refused "a list that is not UTF-8" 1 "latin1.csv" "[list-bad-encoding]" -- \
    assemble miss.yaml --list latin1.csv -o latin1.docx
: >empty.csv
refused "an empty list" 1 "empty.csv" "[list-empty]" -- screen miss.yaml --list empty.csv
refused "a list that does not exist" 3 "missing.csv" -- screen miss.yaml --list missing.csv

# The library's screening settings are checked like the rest of it.
cp -R "$ROOT/clauses" badlib
printf '\nscreening:\n  threshold: 1.5\n  legal_forms: Ltd\n' >>badlib/library.yaml
refused "a threshold out of range and legal forms that are no list" 1 \
    "screening.threshold: '1.5' must be a number from 0.5 to 1" "[out-of-range]" \
    "screening.legal_forms" -- screen miss.yaml --library badlib --list csl.csv
refused "--list without a file" 2 "option --list needs a value" -- assemble miss.yaml --list
