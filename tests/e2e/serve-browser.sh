#!/bin/sh
# The questionnaire in headless Debian chromium, driven by playwright-core from
# npm (tests/browser), at desktop and phone width: a quiet first page, messages
# beside their fields, sections, the summary bar, standard values, a plan that
# survives an unfinished deal, reasons in words; download the draft and check
# its clauses, inspect it; inspect a negotiated draft (positions, approvers,
# the summary, an approval on record) and download its redline. Skips visibly when chromium, node or the npm
# packages are missing (make deps installs them).
. "$(dirname "$0")/lib.sh"
W=$(workdir serve-browser)
cd "$W" || exit 1
B="$ROOT/tests/browser"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    skip "serve-browser" "no chromium (apt-get install chromium, or make deps)"
    exit 0
fi
if ! command -v node >/dev/null 2>&1; then
    skip "serve-browser" "no node (apt-get install nodejs, or make deps)"
    exit 0
fi
if [ ! -d "$B/node_modules/playwright-core" ]; then
    skip "serve-browser" "playwright-core is not installed: run (cd tests/browser && npm ci) or make deps"
    exit 0
fi

"$CLASM" serve --port 0 >serve.out 2>serve.err &
PID=$!
URL=""
for _ in $(seq 1 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*/' serve.out 2>/dev/null | head -n 1)
    [ -n "$URL" ] && break
    sleep 0.1
done
if [ -z "$URL" ]; then
    fail "serve-browser: the server starts" "$(cat serve.err)"
    kill "$PID" 2>/dev/null
    exit 0
fi
mkdir -p downloads screenshots
# Screenshots at desktop and phone width stay in $W/screenshots (CI copies
# them to ci-artefacts/, see .ci/run).
CHROMIUM="$CHROMIUM" CLASM="$CLASM" node "$B/questionnaire.js" "$URL" "$W/downloads" "$W/screenshots" >browser.out 2>browser.err
NRC=$?
grep -E '^(PASS|FAIL) ' browser.out >>"$E2E_RESULTS"
grep -E '^(PASS|FAIL|#) ' browser.out
if [ "$NRC" -ne 0 ] && ! grep -q '^FAIL ' browser.out; then
    fail "serve-browser: the browser test ran" "node exited $NRC: $(tail -n 5 browser.err)"
fi
kill -TERM "$PID"
wait "$PID"
check "serve-browser: the server stops cleanly" [ $? -eq 0 ]
