#!/bin/sh
# The clasm binary on the command line: usage, errors, exit codes, no partial output.
. "$(dirname "$0")/lib.sh"
W=$(workdir cli)
DEAL="$ROOT/examples/deals/direct-biometric-security-service.yaml"
cd "$W" || exit 1

run_clasm
check "no command is a usage error" [ "$RC" -eq 2 ]
check "no command says a command is required" has "$ERR" "a command is required"

run_clasm frobnicate
check "unknown command exits 2" [ "$RC" -eq 2 ]
check "unknown command is named" has "$ERR" "unknown command frobnicate"

run_clasm --help
check "--help exits 0 and shows assemble" sh -c "[ $RC -eq 0 ] && echo \"\$1\" | grep -q 'assemble DEAL'" _ "$OUT"

run_clasm assemble
check "assemble without a deal exits 2" [ "$RC" -eq 2 ]
check "assemble without a deal says so" has "$ERR" "a deal file is required"

run_clasm select "$DEAL" --format xml
check "bad --format exits 2" [ "$RC" -eq 2 ]
check "bad --format is named" has "$ERR" "--format is text or json, not xml"

run_clasm assemble "$DEAL" --bogus
check "unknown option exits 2" [ "$RC" -eq 2 ]
check "unknown option is named" has "$ERR" "unknown option --bogus"

run_clasm assemble "$W/no-such-deal.yaml"
check "missing deal file exits 3" [ "$RC" -eq 3 ]
check "missing deal file is named" has "$ERR" "no-such-deal.yaml"
check "missing deal writes nothing" [ -z "$(ls -A "$W")" ]

# A deal with several mistakes: every one reported with file:line:col, nothing written.
cat > bad.yaml <<'YAML'
id: Q-BAD-1
documents: [contract, leaflet]
date: 2026-02-30
seller: { name: Northwind Analytics Inc. }
customer: { name: Ministry, country: XA, kindd: government-agency }
product: { name: Lens, capabilities: [biometric-identification] }
deployment: moon
license: perpetual
end_use: known
risks: [product.sensitive-data-colection]
YAML
run_clasm assemble bad.yaml
check "bad deal exits 1" [ "$RC" -eq 1 ]
check "bad document names line and column" has "$ERR" "bad.yaml:2:"
check "bad enum lists the allowed values" has "$ERR" "cloud"
check "unknown key suggests the right one" has "$ERR" "kind"
check "bad date is reported" has "$ERR" "bad.yaml:3:"
check "bad deal writes nothing" [ "$(ls -A "$W")" = "bad.yaml" ]

# An unknown risk id is an error at its line with a suggestion.
sed -e 's/leaflet/eula/' -e 's/2026-02-30/2026-02-28/' -e 's/kindd/kind/' -e 's/moon/cloud/' \
    bad.yaml > risky.yaml
run_clasm assemble risky.yaml
check "unknown risk exits 1" [ "$RC" -eq 1 ]
check "unknown risk is located" has "$ERR" "risky.yaml:10:"
check "unknown risk suggests the catalogue id" has "$ERR" "product.sensitive-data-collection"
check "unknown risk writes nothing" [ "$(ls "$W" | grep -c docx)" -eq 0 ]

# -o into a folder that does not exist: I/O error, nothing written.
run_clasm assemble "$DEAL" -o "$W/missing/dir/out.docx"
check "output in a missing folder exits 1 (a wrong path)" [ "$RC" -eq 1 ]
check "no staging file is left behind" [ "$(ls -A "$W" | grep -c clasm)" -eq 0 ]

# The template is never overwritten.
cp "$ROOT/templates/contract.docx" tpl.docx
before=$(md5sum tpl.docx)
run_clasm assemble "$DEAL" -t tpl.docx -o tpl.docx
check "output = template exits 1" [ "$RC" -eq 1 ]
check "output = template says why" has "$ERR" "is the template itself"
check "template is untouched" [ "$(md5sum tpl.docx)" = "$before" ]
rm -f tpl.docx

# An empty value for a path option is a usage error, not an I/O failure.
for opt in -o --report -t --library; do
    run_clasm assemble "$DEAL" $opt ""
    check "$opt '' is a usage error (exit 2)" [ "$RC" -eq 2 ]
    check "$opt '' says the value is empty" has "$ERR" "option $opt needs a value, not an empty string"
done
check "empty option values write nothing" [ "$(ls "$W" | grep -c docx)" -eq 0 ]

# --strict turns the escalation warning into an error: nothing written.
run_clasm assemble "$DEAL" --strict
check "--strict on an escalating deal exits 1" [ "$RC" -eq 1 ]
check "--strict writes nothing" [ "$(ls "$W" | grep -c docx)" -eq 0 ]

# -t/-o with a deal pack is a usage error.
run_clasm assemble "$ROOT/examples/deals/reseller-unknown-end-use.yaml" -o x.docx
check "-o with a deal pack exits 2" [ "$RC" -eq 2 ]
check "-o with a deal pack says why" has "$ERR" "-t and -o need one document; $ROOT/examples/deals/reseller-unknown-end-use.yaml names 2: pick one with --document"

# A report that cannot be written: exit 3, and no draft either.
run_clasm assemble "$DEAL" --report "$W/no-such-folder/why.json"
check "an unwritable report exits 1 (a wrong path)" [ "$RC" -eq 1 ]
check "an unwritable report is named" has "$ERR" "no-such-folder/why.json"
check "an unwritable report leaves no draft" [ "$(ls "$W" | grep -c docx)" -eq 0 ]
check "an unwritable report leaves no staging file" [ "$(ls -A "$W" | grep -c clasm)" -eq 0 ]

# An output folder that cannot be written: the message names the path the user gave.
run_clasm assemble "$DEAL" -o /proc/clasm-no-write.docx
check "an unwritable output exits 1 (a wrong path)" [ "$RC" -eq 1 ]
check "an unwritable output is named as given" has "$ERR" "/proc/clasm-no-write.docx"
check "the hidden staging name is not shown" lacks "$ERR" "clasm-stage"
