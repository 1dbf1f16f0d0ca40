#!/bin/sh
# make test: unit suites, then end-to-end scripts; one closing summary line.
set -u
here=$(dirname "$0")
upass=0; ufail=0
for t in "$@"; do
    if "$t"; then upass=$((upass + 1)); else ufail=$((ufail + 1)); echo "FAILED: $t"; fi
done
echo "unit suites: $upass passed, $ufail failed"
out=$(mktemp)
sh "$here/run-e2e.sh" | tee "$out"
line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
rm -f "$out"
epass=$(echo "$line" | sed -E 's/^e2e: ([0-9]+) passed.*/\1/')
efail=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
[ -n "$epass" ] || { epass=0; efail=1; echo "e2e: runner printed no summary"; }
echo "$((upass + epass)) passed, $((ufail + efail)) failed"
[ "$ufail" -eq 0 ] && [ "$efail" -eq 0 ]
