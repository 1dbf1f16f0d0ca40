#!/bin/sh
# Suggested risks on the command line: the deal's facts suggest risks
# (clauses/risks.yaml suggest_when); select and assemble warn about each one
# the deal neither lists nor dismisses, --strict refuses it (select,
# assemble, batch) and writes nothing; a dismissal with its reason and who
# decided silences it; the plan and the draft's manifest record every
# suggestion and decision, and `clasm approve` keeps that record.
. "$(dirname "$0")/lib.sh"
W=$(workdir suggest)
cd "$W" || exit 1
REFUSED_PREFIX=suggest

# The reseller example with its dismissals taken out: two suggestions
# (identity analytics, diversion) are then undecided.
sed '/^dismissed:/,/^# Only what differs/{/^# Only what differs/!d}' \
    "$ROOT/examples/deals/reseller-unknown-end-use.yaml" >undecided.yaml
check "suggest: the test deal has no dismissals" sh -c '! grep -q "^dismissed:" undecided.yaml'

run_clasm select undecided.yaml
check "suggest: select warns and still plans (exit 0)" [ "$RC" -eq 0 ]
check "suggest: the warning names the risk, its title and the reason" has "$ERR" \
    "undecided.yaml: warning: the deal's facts suggest the risk 'stakeholder.diversion' (Risk of diversion to an unauthorized end-user): the product goes through a reseller with its end use not yet stated, so it could reach someone other than an authorized end user; list it under risks, or dismiss it under dismissed with a reason and who decided [risk-suggested]"
n=$(printf '%s\n' "$ERR" | grep -c "\[risk-suggested\]")
check "suggest: each suggestion warned once for the two documents ($n)" [ "$n" -eq 2 ]
check "suggest: the plan shows it undecided" has "$OUT" \
    "Risk of diversion to an unauthorized end-user  [stakeholder.diversion]: UNDECIDED: list it under risks or dismiss it"
check "suggest: a listed suggestion shows as accepted" has "$OUT" \
    "[stakeholder.unknown-end-use]: accepted (listed under risks)"

run_clasm select undecided.yaml --format json
printf '%s\n' "$OUT" >plan.json
check "suggest: JSON suggestions with decisions" python3 - <<'PY'
import json
plans = json.load(open("plan.json"))
s = {x["risk"]: x for x in plans[0]["suggestions"]}
assert s["stakeholder.diversion"]["decision"] == "undecided", s
assert s["stakeholder.diversion"]["suggested"] is True
assert s["stakeholder.unverified-intermediary"]["decision"] == "accepted"
assert "dismissal" not in s["stakeholder.diversion"]
PY

refused "select --strict refuses an undecided suggestion" 1 \
    "undecided.yaml: error: the deal's facts suggest the risk 'product.identity-analytics'" \
    "[risk-suggested]" -- select --strict undecided.yaml
refused "assemble --strict writes no draft" 1 "[risk-suggested]" -- \
    assemble --strict undecided.yaml --document eula -o strict.docx
mkdir -p drafts
refused "batch --strict fails the deal and writes no draft" 1 "[risk-suggested]" -- \
    batch --strict undecided.yaml -o drafts

# Without --strict the draft is made, and its manifest says what was left
# undecided.
run_clasm assemble undecided.yaml --document eula -o undecided.docx
check "suggest: assemble without --strict drafts (exit 0)" [ "$RC" -eq 0 ]
part undecided.docx customXml/item1.xml >undecided-manifest.xml
check "suggest: the manifest records an undecided suggestion" has "$(cat undecided-manifest.xml)" \
    '<clasm:suggestion risk="stakeholder.diversion" decision="undecided" suggested="yes"><clasm:reason>the product goes through a reseller'

# The example as shipped: both suggestions dismissed, with reasons.
run_clasm assemble --strict "$ROOT/examples/deals/reseller-unknown-end-use.yaml" --document eula \
    -o dismissed.docx
check "suggest: with its dismissals the deal passes --strict" [ "$RC" -eq 0 ]
check "suggest: no suggestion warned" lacks "$ERR" "risk-suggested"
part dismissed.docx customXml/item1.xml >dismissed-manifest.xml
check "suggest: the manifest records each decision, reason and who decided" python3 - <<'PY'
import xml.etree.ElementTree as ET
ns = {"c": "urn:clasm:manifest:1"}
root = ET.parse("dismissed-manifest.xml").getroot()
got = {s.get("risk"): s for s in root.findall("c:review/c:suggestion", ns)}
d = got["stakeholder.diversion"]
assert d.get("decision") == "dismissed" and d.get("by") == "Maris Ilves, compliance office", d.attrib
assert d.get("date") == "2026-11-27" and d.get("confirmed-by") == "Dana Whitfield, counsel", d.attrib
assert d.find("c:dismissal", ns).text.startswith("The suite runs only with licence keys bound")
assert d.find("c:reason", ns).text.startswith("the product goes through a reseller")
a = got["stakeholder.unknown-end-use"]
assert a.get("decision") == "accepted" and a.find("c:dismissal", ns) is None
assert set(got) == {"product.identity-analytics", "stakeholder.diversion",
                    "stakeholder.unverified-intermediary", "stakeholder.unknown-end-use"}, set(got)
PY

# An approval rewrites the manifest: the review stays on record.
python3 - <<'PY'
import re, zipfile
z = zipfile.ZipFile("dismissed.docx")
out = zipfile.ZipFile("edited.docx", "w", zipfile.ZIP_DEFLATED)
for info in z.infolist():
    data = z.read(info.filename)
    if info.filename == "word/document.xml":
        data = data.replace(b"within thirty (30) days", b"within forty-five (45) days", 1)
    out.writestr(info, data)
out.close()
PY
run_clasm inspect edited.docx --format json
CLAUSE=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
ids = [c["id"] for c in r["clauses"] if c.get("status") == "modified"]
print(ids[0] if ids else "")')
if [ -n "$CLAUSE" ]; then
    run_clasm approve edited.docx --clause "$CLAUSE" --as counsel --by "R. Osei" -o approved.docx
    check "suggest: approve succeeds on the edited draft" [ "$RC" -eq 0 ]
    check "suggest: the review is kept after approve" has "$(part approved.docx customXml/item1.xml)" \
        '<clasm:suggestion risk="stakeholder.diversion" decision="dismissed" suggested="yes" by="Maris Ilves, compliance office" date="2026-11-27" confirmed-by="Dana Whitfield, counsel">'
else
    fail "suggest: the review is kept after approve" "no modified clause to approve in edited.docx"
fi

# Dismissals that keep a deal from escalating need counsel's confirmation:
# without it, a warning that says what the deal would score (an error under
# --strict, and nothing written).
grep -v '^    confirmed_by:' "$ROOT/examples/deals/reseller-unknown-end-use.yaml" >unconfirmed.yaml
run_clasm select unconfirmed.yaml
check "suggest: unconfirmed dismissals that avoid an escalation are warned about" has "$ERR" \
    "unconfirmed.yaml:34:11: warning: with the risks it dismisses the deal would score 14, tier 'severe', which escalates to counsel; the dismissals keep it at 'elevated': counsel must confirm each one (confirmed_by), and 2 of 2 are not confirmed [dismissal-avoids-escalation]"
check "suggest: the plan says what the dismissals take away" has "$OUT" \
    "with the dismissed risks: score 14, tier severe"
refused "unconfirmed dismissals under --strict" 1 "[dismissal-avoids-escalation]" -- \
    assemble --strict unconfirmed.yaml --document eula -o unconfirmed.docx

# Mistakes in dismissals: refused with their place, nothing written.
sed 's/^  - risk: stakeholder.diversion/  - risk: stakeholder.diversoin/' \
    "$ROOT/examples/deals/reseller-unknown-end-use.yaml" >typo.yaml
refused "a misspelled dismissed risk" 1 \
    "typo.yaml:" "dismissed[1]: 'stakeholder.diversoin' is not a risk in the catalogue" \
    "did you mean 'stakeholder.diversion'?" "[unknown-risk]" -- \
    assemble typo.yaml --document eula -o typo.docx
sed 's/^  - risk: stakeholder.diversion/  - risk: stakeholder.unknown-end-use/' \
    "$ROOT/examples/deals/reseller-unknown-end-use.yaml" >both.yaml
refused "a risk both listed and dismissed" 1 \
    "dismissed[1]: 'stakeholder.unknown-end-use' is also listed under risks" \
    "a risk is either carried or dismissed, not both" "[dismissed-and-listed]" -- \
    assemble both.yaml --document eula -o both.docx
sed '/^  - risk: stakeholder.diversion/,/^    by:/{/^    by:/d}' \
    "$ROOT/examples/deals/reseller-unknown-end-use.yaml" >noby.yaml
refused "a dismissal without who decided" 1 "missing required key 'dismissed[1].by'" \
    "[missing-key]" -- assemble noby.yaml --document eula -o noby.docx
sed 's/^    date: 2026-11-27/    date: 27.11.2026/' \
    "$ROOT/examples/deals/reseller-unknown-end-use.yaml" >baddate.yaml
refused "a dismissal's date that is no date" 1 \
    "dismissed[0].date: '27.11.2026' is not a date; write the day of the decision as YYYY-MM-DD" \
    "[invalid-date]" -- assemble baddate.yaml --document eula -o baddate.docx

# A clause can print the date of the customer's country profile
# ({{ customer.country.as_of }}: the oldest as_of of its facts); a deal into a
# country without a profile has no such value, and the draft is refused.
cp -R "$ROOT/clauses" asof-lib
python3 - <<'PY'
p = "asof-lib/reassessment/periodic-review.yaml"
s = open(p).read()
s = s.replace("  The **Customer** shall give the **Supplier** the information it reasonably requests",
              "  The country facts behind the last assessment were current as of "
              "{{ customer.country.as_of }}.\n\n  The **Customer** shall give the **Supplier** the "
              "information it reasonably requests", 1)
open(p, "w").write(s.replace("version: 4", "version: 5", 1))
PY
run_clasm lint asof-lib --update-lock
check "suggest: a clause may print the country profile's date (lint accepts it)" [ "$RC" -eq 0 ]
run_clasm assemble "$ROOT/examples/deals/cloud-analytics-state-telecom.yaml" --library asof-lib \
    -o asof.docx
check "suggest: the draft prints the profile's date in the library's format" \
    has "$(docx_text asof.docx)" "were current as of 2 November 2026."
sed 's/^  country: XM/  country: DE/' "$ROOT/examples/deals/cloud-analytics-state-telecom.yaml" \
    >unprofiled.yaml
refused "a clause printing the profile date, for a country without a profile" 1 \
    "uses the placeholder {{ customer.country.as_of }}, which has no value for this deal" \
    "[unknown-value]" -- assemble unprofiled.yaml --library asof-lib -o unprofiled.docx

# Dismissing a risk that escalates by itself (a restricted party) keeps the
# deal from counsel whatever its tier: it needs counsel's confirmation.
cat "$ROOT/examples/deals/private-baseline.yaml" >escalating.yaml
printf 'dismissed:\n  - risk: stakeholder.restricted-party\n    reason: "The name matched no list entry when screened."\n    by: Maris Ilves\n    date: 2026-12-02\n' >>escalating.yaml
run_clasm select escalating.yaml
check "suggest: dismissing a risk that escalates by itself needs counsel's confirmation" has "$ERR" \
    "the deal dismisses 'stakeholder.restricted-party', which escalates to counsel whatever the tier: counsel must confirm each dismissal (confirmed_by), and 1 of 1 are not confirmed [dismissal-avoids-escalation]"
