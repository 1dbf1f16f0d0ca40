#!/bin/sh
# The JSON Schemas in schemas/ accept the project's own deals, clauses,
# catalogue and library settings, and reject what the loaders reject.
. "$(dirname "$0")/lib.sh"
W=$(workdir schemas)
if ! /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null; then
    skip "schemas" "python3-jsonschema / python3-yaml not installed (make deps installs them)"
    exit 0
fi
cat > "$W/validate.py" <<'PY'
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    # YAML dates load as date objects; the schemas describe them as strings
    data = yaml.load(open(f), Loader=yaml.BaseLoader)
    def typed(x):
        if isinstance(x, dict): return {k: typed(v) for k, v in x.items()}
        if isinstance(x, list): return [typed(i) for i in x]
        if isinstance(x, str) and x.isdigit(): return int(x)
        if x in ("true", "false"): return x == "true"
        return x
    data = typed(data)
    errs = list(v.iter_errors(data))
    for e in errs:
        print(f"{f}: {'/'.join(map(str, e.path))}: {e.message}")
    bad += bool(errs)
sys.exit(1 if bad else 0)
PY
S="$ROOT/schemas"
check "deal schema accepts every example deal" /usr/bin/python3 "$W/validate.py" "$S/deal.schema.json" "$ROOT"/examples/deals/*.yaml
check "clause schema accepts every library clause" /usr/bin/python3 "$W/validate.py" "$S/clause.schema.json" $(find "$ROOT/clauses" -mindepth 2 -name '*.yaml')
check "risk schema accepts the catalogue" /usr/bin/python3 "$W/validate.py" "$S/risks.schema.json" "$ROOT/clauses/risks.yaml"
check "library schema accepts library.yaml" /usr/bin/python3 "$W/validate.py" "$S/library.schema.json" "$ROOT/clauses/library.yaml"
printf 'id: Q-1\ndocuments: [leaflet]\ndate: 2026-01-01\nseller: {name: S}\ncustomer: {name: C, country: XA, kind: private}\nproduct: {name: P}\ndeployment: cloud\nlicense: perpetual\nend_use: known\ncolour: red\n' > "$W/bad.yaml"
check "deal schema rejects a bad document and an unknown key" sh -c "! /usr/bin/python3 '$W/validate.py' '$S/deal.schema.json' '$W/bad.yaml' >/dev/null"
