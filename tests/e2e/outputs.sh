#!/bin/sh
# Outputs under attack and under failure (issue 12): a file-size limit, kill
# -9 and SIGTERM mid-run, a folder moved during a batch, stale temporary
# files, concurrent writers to one name, long names, and the umask. Refused
# destinations (links, devices, /proc, long names) are cases of tests/bad.
. "$(dirname "$0")/lib.sh"
W=$(workdir outputs)
cd "$W" || exit 1
DEAL="$ROOT/examples/deals/direct-biometric-security-service.yaml"
BASE="$ROOT/examples/deals/private-baseline.yaml"
# hidden DIR: the names in DIR that start with a dot (temporary files).
hidden() { ls -A "$1" | grep '^\.' || true; }

# --- a file-size limit: the write fails (EFBIG), clasm is not killed by SIGXFSZ
mkdir fsize && cd fsize
sh -c 'ulimit -f 16; exec "$0" assemble "$1" -o big.docx --report big.json' "$CLASM" "$DEAL" \
    >out.txt 2>err.txt
rc=$?
check "ulimit -f: exit 3, not killed by SIGXFSZ (153)" [ "$rc" -eq 3 ]
check "ulimit -f: the message names the draft and the cause" \
    grep -q "cannot write big.docx: File too large \[io-error\]" err.txt
check "ulimit -f: nothing left, not even a temporary file" [ "$(ls -A | grep -cv 'out.txt\|err.txt')" -eq 0 ]
cd "$W"

# --- the umask decides who may read a draft
mkdir umask && cd umask
(umask 077 && "$CLASM" assemble "$DEAL" -o private.docx --report private.json >/dev/null 2>&1)
check "umask 077: the draft is private" [ "$(stat -c %a private.docx)" = 600 ]
check "umask 077: the report is private" [ "$(stat -c %a private.json)" = 600 ]
cd "$W"

# --- long names: the temporary name does not lengthen the destination's
mkdir long && cd long
r250=$(printf 'r%.0s' $(seq 245)).json
o255=$(printf 'o%.0s' $(seq 250)).docx
run_clasm assemble "$DEAL" -o "$o255" --report "$r250"
check "a 255-byte draft name and a 250-byte report name are written (exit 0)" [ "$RC" -eq 0 ]
check "both files are there" [ -s "$o255" ] && [ -s "$r250" ]
check "long names: no temporary file left" [ -z "$(hidden .)" ]
cd "$W"

# --- the report says which draft it explains
mkdir hash && cd hash
"$CLASM" assemble "$DEAL" -o d.docx --report r.json >/dev/null 2>&1
check "the report carries the draft's SHA-256" /usr/bin/python3 -c '
import hashlib, json, sys
r = json.load(open("r.json"))
sys.exit(r["output_sha256"] != hashlib.sha256(open("d.docx", "rb").read()).hexdigest()
         or r["deal"] != "Q-2026-0117")'
cd "$W"

# --- concurrent writers to one name: the draft and the report of one run
mkdir race && cd race
mismatch=0
for i in $(seq 30); do
    "$CLASM" assemble "$DEAL" -o race.docx --report race.json >/dev/null 2>&1 &
    "$CLASM" assemble "$BASE" -o race.docx --report race.json >/dev/null 2>&1 &
    wait
    /usr/bin/python3 -c '
import hashlib, json, sys
r = json.load(open("race.json"))
sys.exit(r["output_sha256"] != hashlib.sha256(open("race.docx", "rb").read()).hexdigest())' ||
        mismatch=$((mismatch + 1))
done
check "30 concurrent pairs: every report matches its draft ($mismatch mismatched)" [ "$mismatch" -eq 0 ]
check "concurrent writers leave no temporary file" [ -z "$(hidden .)" ]
cd "$W"

# Many deals for the batch cases: the baseline deal under 400 ids.
mkdir deals
for i in $(seq 400); do
    sed "s/^id: .*/id: Q-KILL-$i/" "$BASE" >"deals/d$i.yaml"
done

# --- kill -9 during a batch: no hidden temporary draft, every draft whole
mkdir killed
"$CLASM" batch deals -t "$ROOT/templates/contract.docx" -o killed --jobs 2 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do
    [ -n "$(ls killed 2>/dev/null)" ] && break
    sleep 0.05
done
sleep 0.2
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(ls killed | grep -c '\.docx$')
check "kill -9 stopped the batch midway ($n of 400 drafts)" [ "$n" -lt 400 ]
check "kill -9 during a batch leaves no temporary file" [ -z "$(hidden killed)" ]
broken=0
for f in killed/*.docx; do
    [ -e "$f" ] || continue
    unzip -tq "$f" >/dev/null 2>&1 || broken=$((broken + 1))
done
check "every draft a killed batch left is a whole package ($broken broken)" [ "$broken" -eq 0 ]

# --- a stale temporary file (from a run killed on a file system without
# anonymous files) is swept by the next run; a held one is not.
touch -d '1 hour ago' killed/.clasm-stale0000000.tmp
touch -d '1 hour ago' killed/.clasm-held00000000.tmp
touch -d '1 hour ago' killed/.clasm-mine.tmp
flock killed/.clasm-held00000000.tmp sleep 30 &
holder=$!
sleep 0.2
"$CLASM" batch deals/d1.yaml -t "$ROOT/templates/contract.docx" -o killed >/dev/null 2>&1
check "the next batch removes a stale temporary file" [ ! -e killed/.clasm-stale0000000.tmp ]
check "a temporary file another run holds stays" [ -e killed/.clasm-held00000000.tmp ]
check "a file that only looks like one stays" [ -e killed/.clasm-mine.tmp ]
kill $holder 2>/dev/null
wait $holder 2>/dev/null
touch -d '1 hour ago' .clasm-stale1111111.tmp
"$CLASM" assemble "$DEAL" -o swept.docx >/dev/null 2>&1
check "assemble sweeps its output folder too" [ ! -e .clasm-stale1111111.tmp ]

# --- SIGTERM during assemble, at many points: nothing but whole outputs
mkdir term && cd term
for i in $(seq 20); do
    "$CLASM" assemble "$ROOT/examples/deals/reseller-unknown-end-use.yaml" --report r.json \
        >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$(( (i * 7) % 10 ))"
    kill -TERM $pid 2>/dev/null
    wait $pid 2>/dev/null
done
check "SIGTERM during assemble (20 times) leaves no temporary file" [ -z "$(hidden .)" ]
broken=0
for f in *.docx; do
    [ -e "$f" ] || continue
    unzip -tq "$f" >/dev/null 2>&1 || broken=$((broken + 1))
done
check "SIGTERM during assemble leaves only whole drafts ($broken broken)" [ "$broken" -eq 0 ]
cd "$W"

# --- the output folder moved during a batch: nothing left in either place
mkdir moving moved-parent
"$CLASM" batch deals -t "$ROOT/templates/contract.docx" -o moving --jobs 2 >batch.out 2>&1 &
pid=$!
# Move it once the batch is writing (a slow build may take a while to start).
for _ in $(seq 200); do
    [ -n "$(ls moving 2>/dev/null)" ] && break
    sleep 0.05
done
mv moving moved-parent/
wait $pid
rc=$?
check "a batch whose folder was moved ends with exit 1 (the rest fail), not a crash" [ "$rc" -eq 1 ]
check "the moved folder holds no temporary file" [ -z "$(hidden moved-parent/moving)" ]
check "no temporary file where the folder was" [ -z "$(hidden .)" ] && [ ! -e moving ]
check "the drafts after the move fail with the missing folder named" \
    grep -q "output-folder-missing" batch.out
