#!/bin/sh
# clasm select on the example deals: the JSON plan against reviewed golden files
# (UPDATE_GOLDEN=1 rewrites them; review the diff before committing), the text
# form, --document, and located errors.
. "$(dirname "$0")/lib.sh"
W=$(workdir select)
G="$ROOT/tests/e2e/golden"
cd "$W" || exit 1

for deal in "$ROOT"/examples/deals/*.yaml; do
    name=$(basename "$deal" .yaml)
    run_clasm select "$deal" --format json
    check "select $name exits 0" [ "$RC" -eq 0 ]
    printf '%s\n' "$OUT" > "$name.json"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$name.json" "$G/select-$name.json"
    fi
    check "select $name matches its golden plan" diff -u "$G/select-$name.json" "$name.json"
done

# The JSON has exactly the fields the design lists, for one plan and for a pack.
SHAPE='import json, sys
d = json.load(open(sys.argv[1]))
plans = d if isinstance(d, list) else [d]
want = {"deal", "document", "tier", "score", "escalate", "clauses", "uncovered"}
for p in plans:
    assert want <= set(p), sorted(p)
    assert isinstance(p["escalate"], bool)
    for c in p["clauses"]:
        assert set(c) == {"id", "version", "category", "title", "reasons"}, sorted(c)
        assert c["reasons"], c["id"]
print(len(plans))'
check "a one-document plan has the design's fields" \
    sh -c '[ "$(/usr/bin/python3 -c "$1" direct-biometric-security-service.json)" = 1 ]' _ "$SHAPE"
check "a pack gives one plan per document" \
    sh -c '[ "$(/usr/bin/python3 -c "$1" reseller-unknown-end-use.json)" = 2 ]' _ "$SHAPE"
check "the all-risks deal leaves nothing uncovered" /usr/bin/python3 -c '
import json; d = json.load(open("all-risks.json"))
assert all(p["uncovered"] == [] for p in d), [(p["document"], p["uncovered"]) for p in d]'
check "the severe deal escalates" /usr/bin/python3 -c '
import json; d = json.load(open("direct-biometric-security-service.json"))
assert d["tier"] == "severe" and d["escalate"] is True'
check "the baseline deal does not" /usr/bin/python3 -c '
import json; d = json.load(open("private-baseline.json"))
assert d["tier"] == "baseline" and d["escalate"] is False and d["score"] == 0'

run_clasm select "$ROOT/examples/deals/reseller-unknown-end-use.yaml" --document eula --format json
check "--document picks one plan of a pack" /usr/bin/python3 -c '
import json, sys; d = json.loads(sys.argv[1]); assert d["document"] == "eula"' "$OUT"

# Text form for people: tier, score, reasons, escalation on stderr as a warning.
run_clasm select "$ROOT/examples/deals/direct-biometric-security-service.yaml"
check "text select exits 0" [ "$RC" -eq 0 ]
check "text select shows the tier and score" has "$OUT" "tier: severe (score"
check "text select says to escalate" has "$OUT" "ESCALATE TO COUNSEL"
check "text select gives reasons" has "$OUT" "because product.biometric-identification"
check "escalation is warned about on stderr" has "$ERR" "warning:"

run_clasm select "$ROOT/examples/deals/direct-biometric-security-service.yaml" --strict
check "--strict turns the escalation warning into exit 1" [ "$RC" -eq 1 ]

# A deal whose risk id is misspelled: located error with a suggestion, no plan printed.
sed -e 's/product.biometric-identification/product.biometric-identifcation/' \
    "$ROOT/examples/deals/direct-biometric-security-service.yaml" > typo.yaml
line=$(grep -n 'identifcation' typo.yaml | head -1 | cut -d: -f1)
run_clasm select typo.yaml --format json
check "an unknown risk exits 1" [ "$RC" -eq 1 ]
check "an unknown risk is located" has "$ERR" "typo.yaml:$line:"
check "an unknown risk gets a suggestion" has "$ERR" "product.biometric-identification"
check "no plan is printed for a wrong deal" [ -z "$OUT" ]

run_clasm select "$ROOT/examples/deals/private-baseline.yaml" --document reseller-agreement
check "a document the deal does not name still plans" [ "$RC" -eq 0 ]

run_clasm select "$ROOT/examples/deals/private-baseline.yaml" --document brochure
check "an unknown --document is a usage error" [ "$RC" -eq 2 ]
check "an unknown --document is named" has "$ERR" "not brochure"

run_clasm select "$ROOT/examples/deals/private-baseline.yaml" --library "$W/nowhere"
check "a missing library is reported" sh -c '[ "$1" -ne 0 ] && echo "$2" | grep -q nowhere' _ "$RC" "$ERR"

# A value the chosen clauses fill in that the deal lacks: the plan says so
# now, not only when assemble fails.
grep -v 'authorized_sites' "$ROOT/examples/deals/direct-biometric-security-service.yaml" >nosites.yaml
run_clasm select nosites.yaml
check "a deal lacking a value a chosen clause needs exits 1" [ "$RC" -eq 1 ]
check "which names the clause, the value and where to add it" has "$ERR" \
    "fills in {{ terms.authorized_sites }}, which this deal does not give (under terms:); add it to the deal"
check "each missing value is reported once" \
    [ "$(printf '%s\n' "$ERR" | grep -c 'terms.authorized_sites')" -eq 1 ]

# The Authorized Purpose is the deal's own words (terms.authorized_purpose),
# never a reference to an order no draft has: a deal without it is told so.
grep -v 'authorized_purpose' "$ROOT/examples/deals/private-baseline.yaml" >nopurpose.yaml
run_clasm select nopurpose.yaml
check "a deal without terms.authorized_purpose exits 1" [ "$RC" -eq 1 ]
check "which names the definition that needs it" sh -c \
    'echo "$1" | grep "definitions.core-terms" | grep -q "terms.authorized_purpose"' _ "$ERR"

# Flow-down across a pack: a clause the reseller must pass on, chosen for
# the reseller agreement but (here, by a when that says so) not for the
# EULA, is an error naming the deal, the clause and both documents.
cp -R "$ROOT/clauses" gaplib
sed -i "s/^when: .*/when: document == \"reseller-agreement\"/" gaplib/grievance/misuse-reporting.yaml
run_clasm select "$ROOT/examples/deals/reseller-unknown-end-use.yaml" --library gaplib
check "a flow-down gap in a pack exits 1" [ "$RC" -eq 1 ]
check "it names the deal, the clause and both documents" has "$ERR" \
    "deal Q-2026-0142: the reseller-agreement has grievance.misuse-reporting@"
check "and says the EULA lacks it" has "$ERR" "which the reseller must flow down to its customers, but the eula of the same pack lacks it [flow-down-gap]"
check "it points at the clause file" has "$ERR" "gaplib/grievance/misuse-reporting.yaml:"
run_clasm assemble "$ROOT/examples/deals/reseller-unknown-end-use.yaml" --library gaplib
check "assemble refuses the pack too, writing nothing" \
    sh -c '[ "$1" -eq 1 ] && ! ls Q-2026-0142-*.docx >/dev/null 2>&1' _ "$RC"
