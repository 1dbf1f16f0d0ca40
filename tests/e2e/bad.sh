#!/bin/sh
# The bad-input corpus (tests/bad/README.md): every hostile or broken deal,
# library and template of tests/bad/gen.py, built into the e2e folder, run
# against the binary. Each case asserts its exit code (never a signal or a
# timeout), the stderr texts that name the problem and where, that no output
# file appears (and nothing else in the case folder changes: the template
# and every input keep their checksums), that it ends within 5 s and runs
# within 1 GiB of address space.
. "$(dirname "$0")/lib.sh"
W=$(workdir bad)
GEN="$W/cases"
if ! python3 "$ROOT/tests/bad/gen.py" "$GEN" ${BAD_CASES:-}; then
    fail "bad corpus" "tests/bad/gen.py could not build the cases"
    exit 0
fi
# Address-space bound: sanitizer builds reserve terabytes of shadow memory,
# so the bound only applies when the binary starts under it.
LIMIT_KB=1048576
# Such builds are also several times slower, so the time bound is for
# optimized builds only (a sanitizer build still gets 120 s before a case is
# called hung).
if sh -c "ulimit -v $LIMIT_KB && exec \"\$0\" --help" "$CLASM" >/dev/null 2>&1; then
    ULIMIT="ulimit -v $LIMIT_KB"
    TIMEOUT=10
    MAX_MS=5000
else
    ULIMIT=":"
    TIMEOUT=120
    MAX_MS=120000
    skip "bad corpus memory and time bounds" "$CLASM does not start under ulimit -v (a sanitizer build)"
fi
# state DIR: every file under DIR with its checksum (and every folder).
state() { (cd "$1" && find . -type d | sort && find . -type f -exec md5sum {} + | sort -k2); }
ms() { date +%s%N | cut -c1-13; }

tab=$(printf '\t')
while IFS="$tab" read -r name rc expect out outhas args; do
    [ -n "$name" ] || continue
    [ "$expect" = - ] && expect=""
    [ "$out" = - ] && out=""
    [ "$outhas" = - ] && outhas=""
    d="$GEN/$name"
    before=$(state "$d")
    eval "set -- $(printf '%s\n' "$args" | sed -e "s/'/'\\\\''/g" -e "s/$tab/' '/g" -e "s/^/'/" -e "s/\$/'/")"
    t0=$(ms)
    (cd "$d" && timeout $TIMEOUT sh -c "$ULIMIT; exec \"\$0\" \"\$@\"" "$CLASM" "$@" \
        >"$W/$name.out" 2>"$W/$name.err")
    got=$?
    t1=$(ms)
    err=$(cat "$W/$name.err")
    if [ "$got" -ne "$rc" ]; then
        fail "bad/$name" "exit $got, expected $rc: $(head -c 600 "$W/$name.err")"
        continue
    fi
    ok=1
    old_ifs=$IFS; IFS='|'
    for e in $expect; do
        case "$e" in
        '!'*) has "$err" "${e#!}" || continue ;;
        *) ! has "$err" "$e" || continue ;;
        esac
        fail "bad/$name" "stderr wrongly has or lacks '$e': $(head -c 600 "$W/$name.err")"
        ok=0
    done
    IFS=$old_ifs
    [ "$ok" -eq 1 ] || continue
    if [ $((t1 - t0)) -gt "$MAX_MS" ]; then
        fail "bad/$name" "took $((t1 - t0)) ms"
        continue
    fi
    if [ "$rc" -eq 0 ]; then
        if [ ! -f "$d/$out" ]; then
            fail "bad/$name" "no output $out"
            continue
        fi
        # The entry list and every part of word/; "!text" must not be there.
        xml=$(unzip -l "$d/$out"; unzip -p "$d/$out" 'word/*.xml')
        old_ifs=$IFS; IFS='|'
        for e in $outhas; do
            case "$e" in
            '!'*)
                if has "$xml" "${e#!}"; then
                    fail "bad/$name" "the draft holds '${e#!}'"
                    ok=0
                fi ;;
            *)
                if ! has "$xml" "$e"; then
                    fail "bad/$name" "the draft lacks the literal text '$e'"
                    ok=0
                fi ;;
            esac
        done
        IFS=$old_ifs
        [ "$ok" -eq 1 ] || continue
        # Every XML part of the draft is well-formed.
        if ! bad=$(python3 - "$d/$out" <<'PY'
import sys, zipfile, xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        try:
            xml.dom.minidom.parseString(z.read(n))
        except Exception as e:
            print(n, e)
            sys.exit(1)
PY
        ); then
            fail "bad/$name" "the draft has a malformed part: $bad"
            continue
        fi
        rm -f "$d/$out"
    elif [ -n "$out" ] && { case "$out" in /*) [ -e "$out" ] ;; *) [ -e "$d/$out" ] ;; esac; }; then
        fail "bad/$name" "the output $out was written"
        continue
    fi
    after=$(state "$d")
    if [ "$before" != "$after" ]; then
        fail "bad/$name" "the case folder changed: $(printf '%s\n' "$before" >"$W/b"; printf '%s\n' "$after" >"$W/a"; diff "$W/b" "$W/a" | head -5 | tr '\n' ' ')"
        continue
    fi
    pass "bad/$name"
done <"$GEN/cases.tsv"
if [ -z "${BAD_CASES:-}" ]; then
    n=$(grep -c . "$GEN/cases.tsv")
    check "bad corpus has at least 40 cases" [ "$n" -ge 40 ]
fi
# The big generated inputs (over 300 MB in all) are not kept.
for x in "$GEN"/*/; do chmod -R u+w "$x" 2>/dev/null; done
rm -rf "$GEN"
