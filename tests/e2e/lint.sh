#!/bin/sh
# clasm lint for counsel: the real library is clean and its committed lock is current; a
# library with one of each problem reports every one with file:line:col (text and JSON);
# warnings exit 0 unless --strict; the lock catches a text changed without a version bump,
# and --update-lock rewrites it only when the library has no other error.
. "$(dirname "$0")/lib.sh"
W=$(workdir lint)
BAD="$ROOT/tests/fixtures/lint/bad"
cd "$W" || exit 1

run_clasm lint "$ROOT/clauses"
check "the real library lints clean" [ "$RC" -eq 0 ]
check "the real library has no error or warning" has "$OUT" "0 errors, 0 warnings"
check "the summary counts files, clauses and risks" has "$OUT" "files,"
check "the summary gives coverage per document" has "$OUT" "coverage: contract "

CLASM_LIBRARY="$ROOT/clauses" run_clasm lint
check "without DIR lint checks the library clasm finds" \
    sh -c '[ "$1" -eq 0 ] && echo "$2" | grep -q "0 errors"' _ "$RC" "$OUT"

# The committed lock is exactly what --update-lock writes for the real library.
cp -R "$ROOT/clauses" real
run_clasm lint real --update-lock
check "--update-lock on the real library succeeds" [ "$RC" -eq 0 ]
check "the committed library.lock is current" cmp -s real/library.lock "$ROOT/clauses/library.lock"
check "an up-to-date lock is not rewritten" lacks "$OUT" "lock: wrote"

# One of each problem, each with its place.
run_clasm lint "$BAD"
check "a bad library exits 1" [ "$RC" -eq 1 ]
check "unknown placeholder at its line:col" has "$ERR" \
    "core/alpha.yaml:10:31: error: text: {{ customer.nmae }} is not a value any deal can supply (did you mean 'customer.name'?)"
check "unbalanced bold at its line:col" has "$ERR" "core/alpha.yaml:10:7: error: text: '**' has no closing '**'"
check "list out of order at its line:col" has "$ERR" \
    "core/alpha.yaml:12:3: error: text: list item (c) follows (a); expected (b)"
check "unused term is a warning at its key" has "$ERR" \
    "library.yaml:10:3: warning: terms.spare_days is declared but no clause text uses"
check "uncovered risk at its catalogue line, naming the document" has "$ERR" \
    "risks.yaml:16:9: error: risk product.beta matters for the reseller-agreement"
check "unreachable clause is a warning" has "$ERR" \
    "core/orphan.yaml:1:5: warning: no deal can ever select clause core.orphan"
check "text changed at the same version" has "$ERR" \
    "core/alpha.yaml:2:10: error: version: the title or text of core.alpha changed but its version is still 1"
check "a clause missing from the lock" has "$ERR" "[lock-missing-clause]"
check "a lock entry for a removed clause" has "$ERR" "library.lock:3:1: error: the lock lists clause core.gone"
check "the summary names the uncovered risk" has "$OUT" "uncovered in reseller-agreement: product.beta"
check "a value a deal may give without words, at its list in library.yaml" has "$ERR" \
    "library.yaml:18:5: error: values.words.deployment gives no words for 'hybrid', which a deal may give"
check "the summary counts errors and warnings" has "$OUT" "8 errors, 2 warnings"

run_clasm lint "$BAD" --format json
check "json lint of a bad library exits 1" [ "$RC" -eq 1 ]
check "json output has the summary and located diagnostics" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert set(d) >= {"library", "files", "clauses", "risks", "coverage", "diagnostics", "errors", "warnings"}, sorted(d)
assert (d["files"], d["clauses"], d["risks"], d["errors"], d["warnings"]) == (4, 2, 2, 8, 2), d
assert d["coverage"]["reseller-agreement"] == {"covered": 1, "total": 2, "uncovered": ["product.beta"]}
assert d["coverage"]["contract"] == {"covered": 1, "total": 1, "uncovered": []}
for x in d["diagnostics"]:
    assert set(x) == {"severity", "id", "message", "file", "line", "column"}, x
b = [x for x in d["diagnostics"] if x["id"] == "unbalanced-bold"][0]
assert b["file"].endswith("core/alpha.yaml") and (b["line"], b["column"]) == (10, 7), b
assert b["severity"] == "error"
u = [x for x in d["diagnostics"] if x["id"] == "unused-term"][0]
assert u["severity"] == "warning"
' "$OUT"
check "json mode prints nothing on stderr" [ -z "$ERR" ]

# A library folder whose name is not UTF-8 (byte 0xFF): "library" and every
# diagnostic's "file" were left out of the JSON; now the byte is the text \xFF.
ff=$(printf 'bad\377lib')
cp -R "$BAD" "$ff"
run_clasm lint "$ff" --format json
check "json lint of a library named with byte 0xFF exits 1, as for any bad library" [ "$RC" -eq 1 ]
printf '%s\n' "$OUT" > ff.json
check "its JSON names the library and each file, the byte as \\xFF" /usr/bin/python3 -c '
import json
d = json.load(open("ff.json", encoding="utf-8"))
assert d["library"] == "bad\\xFFlib", d.get("library")
assert d["errors"] == 8 and d["warnings"] == 2, d
files = [x["file"] for x in d["diagnostics"] if x["file"] is not None]
assert len(files) == 10 and all(f.startswith("bad\\xFFlib/") for f in files), files'
check "lint leaves that library's lock as it was" cmp -s "$BAD/library.lock" "$ff/library.lock"

# Warnings alone exit 0, and 1 with --strict.
cp -R "$ROOT/clauses" warn
# (terms: is followed by values:, so the key goes right under terms:)
sed -i 's/^terms:$/terms:\n  spare_days:\n    description: A term no clause uses.\n    example: 3/' warn/library.yaml
run_clasm lint warn
check "warnings alone exit 0" [ "$RC" -eq 0 ]
check "the unused term is warned about" has "$ERR" "warning: terms.spare_days is declared"
run_clasm lint warn --strict
check "--strict makes warnings fail" [ "$RC" -eq 1 ]
check "--strict reports them as errors" has "$ERR" "error: terms.spare_days is declared"

# The lock: a text edit without a version bump is caught; --update-lock will not bless it.
cp -R "$ROOT/clauses" lib
F=lib/audit/information-rights.yaml
V=$(sed -n 's/^version: \([0-9]*\)$/\1/p' "$F")
/usr/bin/python3 - "$F" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("text: |") + len("text: |\n")
s = s[:i] + "  Counsel added this sentence.\n\n" + s[i:]
open(p, "w").write(s)
PY
cp lib/library.lock lock.before
run_clasm lint lib
check "a text changed without a bump fails" [ "$RC" -eq 1 ]
check "it names the clause file and both versions" has "$ERR" \
    "information-rights.yaml:3:10: error: version: the title or text of audit.information-rights changed but its version is still $V"
check "it says what to do" has "$ERR" "bump version to $((V + 1))"
run_clasm lint lib --update-lock
check "--update-lock refuses while there are errors" [ "$RC" -eq 1 ]
check "--update-lock says the lock was not updated" has "$OUT" "not updated: fix the errors first"
check "the refused lock is untouched" cmp -s lib/library.lock lock.before

sed -i "s/^version: $V\$/version: $((V + 1))/" "$F"
run_clasm lint lib
check "after the bump lint passes" [ "$RC" -eq 0 ]
check "but warns that the lock is behind" has "$ERR" "[lock-outdated]"
run_clasm lint lib --update-lock
check "--update-lock after the bump succeeds" [ "$RC" -eq 0 ]
check "--update-lock prints what changed" has "$OUT" "lock: audit.information-rights: version $V -> $((V + 1))"
check "the lock records the new version" grep -q "^audit.information-rights $((V + 1)) " lib/library.lock
check "no temporary lock file is left" sh -c '! ls -A lib | grep -q "^\.library\.lock"'
run_clasm lint lib
check "then lint is clean again" sh -c '[ "$1" -eq 0 ] && echo "$2" | grep -q "0 errors, 0 warnings"' _ "$RC" "$OUT"

# A clause whose file is there but does not load is not "gone" from the lock.
cp lib/audit/on-site-audit.yaml on-site.keep
sed -i 's/^version: .*/version: one/' lib/audit/on-site-audit.yaml
run_clasm lint lib
check "a clause file that does not load fails lint" [ "$RC" -eq 1 ]
check "the lock entry says its file did not load, not that it is gone" has "$ERR" \
    "the lock lists clause audit.on-site-audit, whose file lib/audit/on-site-audit.yaml did not load"
check "and does not suggest dropping it" lacks "$ERR" "audit.on-site-audit, which the library no longer has"
cp on-site.keep lib/audit/on-site-audit.yaml

# A removed clause and a new one, then --update-lock records both.
rm lib/audit/on-site-audit.yaml
run_clasm lint lib
check "a removed clause still in the lock fails" has "$ERR" "the lock lists clause audit.on-site-audit"
check "and tells to update the lock" has "$ERR" "clasm lint --update-lock"

# Usage and I/O errors.
run_clasm lint "$ROOT/clauses" --format xml
check "bad --format exits 2" [ "$RC" -eq 2 ]
run_clasm lint "$ROOT/clauses" "$BAD"
check "two folders exit 2" [ "$RC" -eq 2 ]
run_clasm lint --frob
check "unknown option exits 2" [ "$RC" -eq 2 ]
run_clasm lint "$W/no-such-library"
check "a missing library exits 3" [ "$RC" -eq 3 ]
check "a missing library is named" has "$ERR" "no-such-library"
run_clasm lint --help
check "lint --help shows --update-lock" sh -c '[ "$1" -eq 0 ] && echo "$2" | grep -q -- "--update-lock"' _ "$RC" "$OUT"
