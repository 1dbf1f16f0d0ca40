#!/bin/sh
# The documentation a user reads is true and complete for a clone of the
# project alone: docs/deals.md is what docs/gen_deals_doc.py writes from the
# schema and the library, documents every key of a deal and no other, the
# schema agrees with the deal loader, the whole deal and the spreadsheet it
# shows work, relative links resolve, and no user-facing file points outside
# the project (../shared, /work/...). Each checker is shown to fail on a
# doctored copy.
. "$(dirname "$0")/lib.sh"
W=$(workdir docs)
PY=/usr/bin/python3
CHECK="$ROOT/tests/e2e/deals_doc.py"

# ---- docs/deals.md is generated, and agrees with the schema and the loader
if $PY "$ROOT/docs/gen_deals_doc.py" --check >"$W/gen.out" 2>"$W/gen.err"; then
    pass "docs/deals.md is what docs/gen_deals_doc.py writes"
else
    fail "docs/deals.md is what docs/gen_deals_doc.py writes" "$(head -c 1500 "$W/gen.err")"
fi
$PY "$CHECK" check "$ROOT" >"$W/check.out" 2>&1
rc=$?
while IFS= read -r line; do
    case $line in
        "ok "*) pass "${line#ok }" ;;
        "FAIL "*) line=${line#FAIL }; fail "${line%%: *}" "${line#*: }" ;;
        *) fail "deals_doc.py check" "$line" ;;
    esac
done <"$W/check.out"
check "deals_doc.py check ran its checks (exit $rc)" [ "$(grep -c '^ok ' "$W/check.out")" -ge 7 ]

# A doctored copy of what the checkers read.
copy() {
    d="$W/$1"; rm -rf "$d"; mkdir -p "$d/docs" "$d/schemas" "$d/clauses" "$d/assembler"
    cp "$ROOT/docs/deals.md" "$ROOT/docs/gen_deals_doc.py" "$d/docs/"
    cp "$ROOT/schemas/deal.schema.json" "$d/schemas/"
    cp "$ROOT/clauses/library.yaml" "$ROOT/clauses/risks.yaml" "$d/clauses/"
    cp "$ROOT/assembler/deal.c" "$ROOT/assembler/document.c" "$ROOT/assembler/deal_fields.c" \
        "$d/assembler/"
    echo "$d"
}
# doctor NAME PYTHON: edits the copy with a line of Python (p: its root).
doctor() { $PY -c "import json,re,sys; p=sys.argv[1]; $2" "$1"; }
rd() { echo "open(p+'/$1',encoding='utf-8').read()"; }
wr() { echo "open(p+'/$1','w',encoding='utf-8').write"; }

d=$(copy stale)
doctor "$d" "s=$(rd docs/deals.md); $(wr docs/deals.md)(s.replace('| \`private\` | a private-sector organization |\n',''))"
$PY "$d/docs/gen_deals_doc.py" --check >/dev/null 2>"$W/stale.err"
check "a hand-edited reference fails the check (exit 1)" [ $? -eq 1 ]
check "... with a diff naming the line" grep -q '^+| `private` | a private-sector organization |' "$W/stale.err"
$PY "$d/docs/gen_deals_doc.py" && $PY "$d/docs/gen_deals_doc.py" --check
check "regenerating it makes it pass again" [ $? -eq 0 ]

d=$(copy library-term)
doctor "$d" "s=$(rd clauses/library.yaml); $(wr clauses/library.yaml)(s.replace('terms:\n', 'terms:\n  site_count:\n    description: How many sites.\n    example: 3\n    kind: number\n', 1))"
$PY "$d/docs/gen_deals_doc.py" --check >/dev/null 2>"$W/term.err"
check "a term added to library.yaml makes docs/deals.md stale" grep -q '^+| `terms.site_count` | number |' "$W/term.err"

d=$(copy undocumented)
doctor "$d" "s=json.load(open(p+'/schemas/deal.schema.json')); s['properties']['customer']['properties']['vat_id']={'type':'string'}; json.dump(s,open(p+'/schemas/deal.schema.json','w'))"
$PY "$d/docs/gen_deals_doc.py" >/dev/null 2>"$W/undoc.err"
check "a schema key without a description cannot be documented (exit 1)" [ $? -eq 1 ]
check "... and the generator names it" grep -q 'customer.vat_id has no description' "$W/undoc.err"
$PY "$CHECK" check "$d" >"$W/undoc.out"
check "a schema key docs/deals.md lacks fails the key check" \
    grep -q '^FAIL every key of the schema has its place in docs/deals.md: not documented: customer.vat_id' "$W/undoc.out"
check "... and the loader check (the loader does not know it)" \
    grep -q "^FAIL the schema and the deal loader.*customer keys: only in the schema \['vat_id'\]" "$W/undoc.out"

d=$(copy extra-key)
doctor "$d" "s=$(rd docs/deals.md); $(wr docs/deals.md)(s.replace('### \`risks\`', '### \`customer.vat_id\`\n\n### \`risks\`'))"
$PY "$CHECK" check "$d" >"$W/extra.out"
check "a key docs/deals.md documents that the schema lacks fails the check" \
    grep -q '^FAIL every key docs/deals.md documents is a key of the schema: not in the schema: customer.vat_id' "$W/extra.out"

d=$(copy engine)
doctor "$d" "s=$(rd assembler/deal.c); $(wr assembler/deal.c)(s.replace('\"hybrid\", NULL', '\"hybrid\", \"edge\", NULL'))"
$PY "$CHECK" check "$d" >"$W/engine.out"
check "a value the loader allows and the schema does not fails the check" \
    grep -q "deployment values: only in the schema \[\], only in the loader \['edge'\]" "$W/engine.out"
doctor "$d" "s=$(rd assembler/deal.c); $(wr assembler/deal.c)(s.replace('\"edge\", ', ''))"
doctor "$d" "s=$(rd assembler/deal_fields.c); $(wr assembler/deal_fields.c)(s.replace('{\"risks\", DF_KEY | DF_LIST', '{\"risks\", DF_LIST', 1))"
$PY "$CHECK" check "$d" >"$W/paths.out"
check "a table of fields without a key of the schema fails the check" \
    grep -q "deal keys (deal_fields.c): only in the schema \['risks'\]" "$W/paths.out"

d=$(copy bad-example)
doctor "$d" "s=json.load(open(p+'/schemas/deal.schema.json')); s['properties']['deployment']['examples']=['edge']; json.dump(s,open(p+'/schemas/deal.schema.json','w'))"
$PY "$CHECK" check "$d" >"$W/example.out"
check "a schema example that breaks the schema fails the check" \
    grep -q "^FAIL each key's example in the schema is valid: deployment: example \"edge\"" "$W/example.out"

# ---- the deal and the spreadsheet docs/deals.md shows work as it says
X="$W/examples"; mkdir -p "$X"
n=$($PY "$CHECK" extract "$ROOT/docs/deals.md" "$X")
check "docs/deals.md shows deal.yaml, base.yaml and deals.csv ($n blocks)" \
    [ -s "$X/deal.yaml" ] && [ -s "$X/base.yaml" ] && [ -s "$X/deals.csv" ]
cd "$X" || exit 1
run_clasm select deal.yaml
check "the whole deal of docs/deals.md is selected (exit 0)" [ "$RC" -eq 0 ]
check "... with nothing still to fill in and no warning" [ -z "$ERR" ]
check "... as the tier it was written for" has "$OUT" "tier: elevated"
run_clasm assemble deal.yaml
check "the whole deal of docs/deals.md assembles into Q-2027-0031-contract.docx" \
    [ "$RC" -eq 0 ] && [ -f Q-2027-0031-contract.docx ]
mkdir -p drafts
run_clasm batch --deals deals.csv --base base.yaml -o drafts/ --report drafts/results.csv
check "the spreadsheet of docs/deals.md drafts every row (exit 0)" [ "$RC" -eq 0 ]
check "... one draft per document each row names (4)" [ "$(ls drafts/*.docx 2>/dev/null | wc -l)" -eq 4 ]
check "... a row with an empty documents cell takes the base's" [ -f drafts/Q-2027-0101-contract.docx ]
check "... a row's documents cell is a ;-list" [ -f drafts/Q-2027-0102-eula.docx ]
check "... and the results file has a written row per deal" [ "$(grep -c ',written,' drafts/results.csv)" -eq 3 ]
# The doc's own commands, as written in its sh blocks, name these files.
check "docs/deals.md's batch command is the one tested" \
    grep -qxF 'build/clasm batch --deals deals.csv --base base.yaml -o drafts/ --report drafts/results.csv' "$ROOT/docs/deals.md"
cd "$W" || exit 1

# ---- links
$PY "$CHECK" links "$ROOT/docs/deals.md" "$ROOT/README.md" "$ROOT/examples/README.md" >"$W/links.out"
check "the relative links of docs/deals.md, README.md and examples/README.md resolve: $(head -c 800 "$W/links.out")" \
    [ ! -s "$W/links.out" ]
printf '# T\n\n[a](nowhere.md) [b](#t) [c](#nope)\n' >"$W/links.md"
$PY "$CHECK" links "$W/links.md" >"$W/links-bad.out"
check "the link check finds a missing file and a missing heading" \
    [ "$(grep -c 'no such' "$W/links-bad.out")" -eq 2 ]
check "README.md links docs/deals.md" grep -q '](docs/deals.md)' "$ROOT/README.md"
check "examples/README.md links docs/deals.md" grep -q '](../docs/deals.md' "$ROOT/examples/README.md"

# ---- nothing a user reads points outside the project
# outside ROOT: user-facing files that name ../shared or /work/, one per line
outside() {
    (cd "$1" && find . \( -name node_modules -o -name .git -o -name 'build*' \) -prune -o \
        -type f \( -name '*.md' -o -path ./assembler/cli/clasm.1 -o -path './web/*' \) \
        -exec grep -lE '\.\./shared|/work/' {} +)
}
hits=$(outside "$ROOT")
check "no user-facing file refers to ../shared or /work/: $hits" [ -z "$hits" ]
mkdir -p "$W/fake/web" "$W/fake/examples"
echo 'see ../shared/DESIGN.md' >"$W/fake/examples/README.md"
echo '<a href="/work/x">' >"$W/fake/web/index.html"
echo 'fine' >"$W/fake/README.md"
check "... and that check finds them" [ "$(outside "$W/fake" | wc -l)" -eq 2 ]

# ---- the README's first command says what it makes
demo=$(sed -n 's/^demo:.*//; /clasm assemble/s/.*assemble \([^ ]*\).*/\1/p' "$ROOT/Makefile" | head -n 1)
id=$(sed -n 's/^id: *//p' "$ROOT/$demo")
check "README: make demo assembles $demo into $id-contract.docx, as it says" \
    grep -qF "make deps demo   # installs the dependencies, builds clasm, assembles $demo into $id-contract.docx" "$ROOT/README.md"
