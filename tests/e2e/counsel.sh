#!/bin/sh
# What counsel checks in a pack before sending it (issue 14), on LibreOffice's
# text of every example deal's drafts (counsel_checks.py): the Customer is no
# party to a reseller agreement, a fee appears in one document of a pack, one
# retention rule and one trigger for another body's access per draft, state
# buyers get arbitration and an immunity waiver (others get courts), and the
# baseline deal's safeguards stay near a page. The checker is shown to fail on
# drafts doctored to break each rule.
. "$(dirname "$0")/lib.sh"
W=$(workdir counsel)
cd "$W" || exit 1
EX="$ROOT/examples/deals"

run_clasm lint "$ROOT/clauses"
check "the library lints clean (no error, no warning)" sh -c \
    '[ "$1" -eq 0 ] && echo "$2" | grep -q "^0 errors, 0 warnings$"' _ "$RC" "$OUT"

mkdir -p lo txt json deals
cp "$EX"/*.yaml deals/
for d in deals/*.yaml; do
    (cd lo && run_clasm assemble "../$d"
     check "$(basename "$d") assembles (exit 0, no error)" sh -c \
         '[ "$1" -eq 0 ] && ! echo "$2" | grep -q " error: "' _ "$RC" "$ERR")
    id=$(sed -n 's/^id: *//p' "$d")
    "$CLASM" select "$d" --format json >"json/$id.plan.json" 2>/dev/null
done
for f in lo/*.docx; do
    "$CLASM" inspect "$f" --format json >"json/$(basename "${f%.docx}").json" 2>/dev/null
done
check "the addendum examples draft an addendum" \
    sh -c '[ -s lo/Q-2026-0188-addendum.docx ] && [ -s lo/Q-2026-0191-addendum.docx ]'

if ! have_soffice; then
    skip "counsel: LibreOffice's text of the drafts" "soffice is not installed (make deps installs it)"
    exit 0
fi
HOME="$W/home" soffice --headless --norestore --convert-to "txt:Text (encoded):UTF8" --outdir txt lo/*.docx >/dev/null 2>&1
n=$(ls txt/*.txt 2>/dev/null | wc -l)
ndocx=$(ls lo/*.docx | wc -l)
check "LibreOffice reads every draft ($n of $ndocx)" [ "$n" -eq "$ndocx" ]
CHECK="/usr/bin/python3 $ROOT/tests/e2e/counsel_checks.py"
$CHECK deals txt json "$ROOT/clauses/library.yaml" >counsel.log 2>words.log
check "every example's drafts pass counsel's checks: $(head -c 1500 counsel.log)" [ ! -s counsel.log ]
sed 's/^/  /' words.log

# ---- round 2 (counsel's notes R1-R3) on the remedy and data clauses, in the real drafts
T=txt
check "hosted exit: the 36-month records survive deletion or go to the Customer (R3 D3)" \
    grep -q "the records that item (b) of that clause requires to be kept, which the Supplier shall either hand to the Customer" $T/Q-2026-0163-contract.txt
check "hosted exit: data obtained through substantiated Misuse is not returned (R3 D9)" \
    grep -q "not return to the Customer any Customer Data that the Supplier concludes" $T/Q-2026-0163-contract.txt
check "hosted data: investigating Misuse reaches usage logs and configuration only (R3 D22)" \
    grep -q "it may examine the usage logs and configuration of the hosted service" $T/Q-2026-0191-addendum.txt
check "a migration deadline and a no-fault exit for in-country hosting (R3 D11)" sh -c \
    'grep -q "Moving the Hosted Service into the Country of Use" "$1" && grep -q "Neither party is in breach of this agreement, or liable to the other, for the move" "$1"' _ $T/Q-2026-0191-addendum.txt
check "no second service-level rule and no service credit in a clause (R2 B5, R3 D4)" sh -c \
    '! grep -l "no service credit is due" "$@"' _ $T/*.txt
check "the cure rung covers anti-corruption and export provisions, not only the safeguards (R1 D2, R2 A6)" sh -c \
    'for f in "$@"; do grep -q "Before terminating this agreement for a material breach of the Human Rights Safeguards that" "$f" && exit 1; done; grep -q "Before terminating this agreement for a material breach of any of those provisions" $0' \
    $T/Q-2026-0117-contract.txt $T/*.txt
check "a failure to agree a remediation plan is no longer the Customer's breach (R1 D8)" sh -c \
    '! grep -q "A failure to agree or carry out the plan" "$1" && grep -q "propose to the Supplier a written remediation plan" "$1"' _ $T/Q-2026-0117-contract.txt
check "reseller agreements put no exit or monitoring duty on the Customer (R2 A11)" sh -c \
    '! grep -l -e "in consultation with the Customer, a written exit plan" -e "the measures the Customer proposes" "$@"' _ $T/*reseller-agreement.txt
check "public reporting never goes to an authority involved in the Misuse (R2 B9)" \
    grep -q "no authority is competent for this purpose if it is the Customer" $T/Q-2026-0999-contract.txt
check "the compliance contact is never pasted raw into a sentence (R1 D19, R3 D20)" sh -c \
    '! grep -l "or to Trade Compliance Office, compliance@" "$@"' _ $T/*.txt
check "one trigger for change notices, shared with the end-user statement (R2 B4)" \
    grep -q "One written notice serves both this clause and any other provision" $T/Q-2026-0999-eula.txt

# ---- the checker fails on drafts that break each rule
mkdir -p bad/deals bad/txt bad/json
cp deals/reseller-unknown-end-use.yaml deals/cloud-analytics-state-telecom.yaml \
    deals/private-baseline.yaml bad/deals/
cp json/* bad/json/
cp txt/Q-2026-0142-*.txt txt/Q-2026-0163-*.txt txt/Q-2026-0170-*.txt bad/txt/
customer=$(sed -n 's/^  name: //p' deals/reseller-unknown-end-use.yaml | sed -n 2p)
fees=$(sed -n 's/^  fees: "\(.*\)"/\1/p' deals/reseller-unknown-end-use.yaml)
# The Customer signs the reseller agreement; the fee shows in the EULA too.
printf 'Signed for and on behalf of the Customer\n%s\n' "$customer" >>bad/txt/Q-2026-0142-reseller-agreement.txt
printf 'The Customer shall pay EUR %s.\n' "$fees" >>bad/txt/Q-2026-0142-eula.txt
# A second retention rule and a second trigger for another agency's access.
printf 'The Customer shall keep access logs for ninety (90) days.\n' >>bad/txt/Q-2026-0163-contract.txt
printf 'The Customer shall not give any other agency access to Collected Data without the prior written consent of the Supplier.\n' >>bad/txt/Q-2026-0163-contract.txt
printf 'The Customer shall notify the Supplier within five (5) days after any other agency gains access to Collected Data.\n' >>bad/txt/Q-2026-0163-contract.txt
# The state buyer's arbitration and waiver gone; arbitration for a private buyer.
sed -i -e 's/[Aa]rbitrat/settl/g' -e 's/immunit/privileg/g' bad/txt/Q-2026-0163-contract.txt
printf 'Disputes shall be resolved by arbitration.\n' >>bad/txt/Q-2026-0170-contract.txt
$CHECK bad/deals bad/txt bad/json "$ROOT/clauses/library.yaml" >bad.log 2>/dev/null
check "the checker fails on doctored drafts (exit 1)" [ $? -eq 1 ]
for what in "the Customer's name alone, as a party or signatory" "the Customer signs or is a party" \
    "appears in 2 documents of the pack" "Q-2026-0163 contract: 2 retention rules" \
    "triggers for another body's access to data" "a state buyer's draft without arbitration" \
    "a state buyer's draft without a waiver of immunity" "arbitration in a draft for a private customer"; do
    check "the checker catches a doctored draft: $what" grep -qF "$what" bad.log
done
# Padding the baseline's safeguards past a page is caught too.
awk '{print} /^[0-9]+\.[0-9]+ Export Control and Sanctions Compliance/ {for (i = 0; i < 120; i++) print "The Customer shall comply with every safeguard in this clause at all times."}' \
    txt/Q-2026-0170-contract.txt >bad/txt/Q-2026-0170-contract.txt
cp txt/Q-2026-0163-contract.txt bad/txt/
rm -f bad/txt/Q-2026-0142-*.txt bad/deals/reseller-unknown-end-use.yaml
$CHECK bad/deals bad/txt bad/json "$ROOT/clauses/library.yaml" >bad2.log 2>/dev/null
check "the checker catches a baseline draft padded past a page" grep -q "the baseline draft's safeguards run to" bad2.log

# ---- the frame fits the deal (issue 14 round 2): each rule caught on a doctored draft
rm -rf bad3 && mkdir -p bad3/deals bad3/txt bad3/json
cp deals/private-baseline.yaml deals/cloud-analytics-state-telecom.yaml \
    deals/addendum-cloud-analytics-telecom.yaml bad3/deals/
cp json/* bad3/json/
cp txt/Q-2026-0170-*.txt txt/Q-2026-0163-*.txt txt/Q-2026-0191-*.txt bad3/txt/
b=bad3/txt/Q-2026-0170-contract.txt
printf '3.9 Periodically Renewed License Keys\n14.10Notices\n' >>"$b"
sed -i -e '/^[0-9.]* Termination for Breach or Insolvency$/d' -e '/^[0-9.]* Effect of Termination$/d' "$b"
c=bad3/txt/Q-2026-0163-contract.txt
printf 'The license is perpetual.\nPaid to the Supplier or to an authorized reseller.\n' >>"$c"
sed -i 's/, subject to any provisions of this agreement on government demands for data//' "$c"
sed -i -e 's/so far as it concerns the Product/as a whole/g' -e 's/changes no fee or price/changes no fee, price or license/' \
    bad3/txt/Q-2026-0191-addendum.txt
$CHECK bad3/deals bad3/txt bad3/json "$ROOT/clauses/library.yaml" >bad3.log 2>/dev/null
check "the frame checks fail on doctored drafts (exit 1)" [ $? -eq 1 ]
for what in "Q-2026-0170 contract: two rules on license keys" \
    "Q-2026-0170 contract: no termination for breach or insolvency" \
    "Q-2026-0170 contract: no clause on the effect of termination" \
    "Q-2026-0170 contract: the clause number 14.10 runs into its heading" \
    "Q-2026-0163 contract: a hosted deal's draft has a perpetual license" \
    "Q-2026-0163 contract: a direct deal's draft mentions a reseller" \
    "Q-2026-0163 contract: confidentiality lets a party disclose to authorities" \
    "Q-2026-0191 addendum: the addendum does not limit" \
    "Q-2026-0191 addendum: the addendum does not say it changes no fee or price"; do
    check "the checker catches a doctored draft: $what" grep -qF "$what" bad3.log
done
# and the undoctored drafts of the same deals pass those checks
check "the frame checks pass on the real drafts of those deals" sh -c '! grep -q "two rules on license keys\|no termination for breach\|runs into its heading\|hosted deal.s draft has\|direct deal.s draft mentions\|does not limit\|changes no fee or price" counsel.log'
