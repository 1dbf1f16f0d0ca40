#!/bin/sh
# Real Word files from other projects (the external corpus): each passes through
# clasm assemble (our placeholders filled, the rest untouched and valid) or is
# refused with a clear reason. Skips visibly when the corpus is absent
# ($CLASM_SHARED/corpus, README "Building").
. "$(dirname "$0")/lib.sh"
W=$(workdir corpus)
CORPUS="$SHARED/corpus"
if [ ! -d "$CORPUS" ]; then
    skip "corpus" "$CORPUS is absent"
    exit 0
fi
DEAL="$ROOT/examples/deals/private-baseline.yaml"
find "$CORPUS" -name '*.docx' | sort > "$W/list"
while IFS= read -r f; do
    n=$(basename "$f" .docx | tr ' ' '_')
    out="$W/$n.out.docx"
    "$CLASM" assemble "$DEAL" -t "$f" -o "$out" >"$W/$n.stdout" 2>"$W/$n.stderr"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        if [ -f "$out" ] && unzip -tq "$out" >/dev/null 2>&1; then
            pass "corpus $n passes through"
        else
            fail "corpus $n" "exit 0 but no valid output"
        fi
        # every XML part parses strictly
        bad=""
        for p in $(unzip -Z1 "$out" | grep -E '\.(xml|rels)$'); do
            # unzip reads [ ] in names as a pattern: escape them
            q=$(printf '%s' "$p" | sed 's/\[/\\[/g; s/\]/\\]/g')
            unzip -p "$out" "$q" | xmllint --noout --nonet - 2>/dev/null || bad="$bad $p"
        done
        check "corpus $n: every XML part well-formed" [ -z "$bad" ]
        # text that is not ours is unchanged: the single-brace tags survive
        tin=$(unzip -p "$f" 'word/*.xml' 2>/dev/null | sed 's/<[^>]*>//g' | grep -o '{[^{}]*}' | sort | tr -d '\n')
        tout=$(unzip -p "$out" 'word/*.xml' 2>/dev/null | sed 's/<[^>]*>//g' | grep -o '{[^{}]*}' | sort | tr -d '\n')
        check "corpus $n: other engines' tags untouched" [ "$tin" = "$tout" ]
    elif [ "$rc" -eq 1 ]; then
        if [ -f "$out" ]; then
            fail "corpus $n" "refused but wrote an output"
        elif grep -q '\[[a-z-]*\]' "$W/$n.stderr"; then
            pass "corpus $n refused with a reason: $(grep -m1 'error' "$W/$n.stderr" | cut -c1-160)"
        else
            fail "corpus $n" "refused without a diagnostic id"
        fi
    else
        fail "corpus $n" "exit $rc: $(head -c 300 "$W/$n.stderr")"
    fi
done < "$W/list"
