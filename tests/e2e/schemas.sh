#!/bin/sh
# The JSON Schemas in schemas/ and the C loaders say the same thing: ajv
# (npm ajv-cli, draft 2020-12) accepts every deal, clause, catalogue and
# library file of the project, every file names its schema for editors, and
# each file of the invalid corpus tests/schemas/invalid/ is rejected by both
# ajv and clasm (with the diagnostic id the file's first line names).
. "$(dirname "$0")/lib.sh"
W=$(workdir schemas)
T="$ROOT/tests/schemas"
S="$ROOT/schemas"
AJV="$T/node_modules/.bin/ajv"
if [ ! -x "$AJV" ]; then
    if command -v npm >/dev/null 2>&1; then
        (cd "$T" && npm ci --no-audit --no-fund --loglevel=error >"$W/npm.log" 2>&1)
    fi
fi
if [ ! -x "$AJV" ] || ! command -v node >/dev/null 2>&1; then
    fail "schemas" "ajv-cli is not installed (make deps runs npm ci in tests/schemas)"
    exit 0
fi

# ajv FILE.yaml... against SCHEMA: converts with the YAML 1.2 core schema (as
# an editor does: a date stays a string), then validates.
ajv_check() {
    schema=$1; shift
    out="$W/json-$(basename "$schema" .schema.json)-$$-$(date +%s%N)"
    node "$T/yaml2json.js" "$out" "$@" >/dev/null 2>&1 || return 1
    "$AJV" validate --spec=draft2020 -c ajv-formats --allow-union-types --errors=line \
        -s "$schema" -d "$out/*.json" >"$out.log" 2>&1
}

ajv_rejects() {
    if ajv_check "$2" "$3"; then fail "ajv rejects $1" "ajv accepted it"; else pass "ajv rejects $1"; fi
}

CLAUSES=$(find "$ROOT/clauses" -mindepth 2 -name '*.yaml' | sort)
check "ajv accepts every example deal" ajv_check "$S/deal.schema.json" "$ROOT"/examples/deals/*.yaml
# shellcheck disable=SC2086
check "ajv accepts every library clause" ajv_check "$S/clause.schema.json" $CLAUSES
check "ajv accepts the risk catalogue" ajv_check "$S/risks.schema.json" "$ROOT/clauses/risks.yaml"
check "ajv accepts library.yaml" ajv_check "$S/library.schema.json" "$ROOT/clauses/library.yaml"
check "ajv accepts the country profiles" ajv_check "$S/countries.schema.json" \
    "$ROOT/clauses/countries.yaml"

# Editors: each YAML file's first line names its schema, by a path that resolves.
missing=""
for f in "$ROOT"/examples/deals/*.yaml "$ROOT/clauses/risks.yaml" "$ROOT/clauses/library.yaml" \
    "$ROOT/clauses/countries.yaml" $CLAUSES; do
    line=$(head -n 1 "$f")
    ref=${line#"# yaml-language-server: \$schema="}
    if [ "$ref" = "$line" ] || [ ! -f "$(dirname "$f")/$ref" ]; then
        missing="$missing $f"
    fi
done
check "every YAML file names its schema on its first line" [ -z "$missing" ]

# The invalid corpus: ajv and clasm both refuse each file.
DEAL_OK="$ROOT/examples/deals/private-baseline.yaml"
n=0
for f in "$T"/invalid/*/*.yaml; do
    kind=$(basename "$(dirname "$f")")
    name="$kind/$(basename "$f")"
    want=$(sed -n '1s/^# clasm: //p' "$f")
    n=$((n + 1))
    case $kind in
        deal)
            ajv_rejects "$name" "$S/deal.schema.json" "$f"
            run_clasm select "$f" ;;
        clause)
            ajv_rejects "$name" "$S/clause.schema.json" "$f"
            lib="$W/lib-$n"; rm -rf "$lib"; cp -R "$ROOT/clauses" "$lib"
            cp "$f" "$lib/termination/zz-test.yaml"
            run_clasm select "$DEAL_OK" --library "$lib" ;;
        risks)
            ajv_rejects "$name" "$S/risks.schema.json" "$f"
            lib="$W/lib-$n"; rm -rf "$lib"; cp -R "$ROOT/clauses" "$lib"
            cp "$f" "$lib/risks.yaml"
            run_clasm select "$DEAL_OK" --library "$lib" ;;
        library)
            ajv_rejects "$name" "$S/library.schema.json" "$f"
            lib="$W/lib-$n"; rm -rf "$lib"; cp -R "$ROOT/clauses" "$lib"
            cp "$f" "$lib/library.yaml"
            run_clasm select "$DEAL_OK" --library "$lib" ;;
        countries)
            ajv_rejects "$name" "$S/countries.schema.json" "$f"
            lib="$W/lib-$n"; rm -rf "$lib"; cp -R "$ROOT/clauses" "$lib"
            cp "$f" "$lib/countries.yaml"
            run_clasm select "$DEAL_OK" --library "$lib" ;;
    esac
    check "clasm rejects $name (exit 1)" [ "$RC" -eq 1 ]
    check "clasm names the problem of $name [$want]" has "$ERR" "[$want]"
done
check "the invalid corpus has at least 20 files" [ "$n" -ge 20 ]
