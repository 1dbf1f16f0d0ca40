#!/bin/sh
# clasm serve out of memory: under `ulimit -v` a little above what the
# server uses at rest, an upload it cannot even hold is answered 500
# out-of-memory (not a dropped connection), a draft whose inspection needs
# ~150 MiB is answered 500 out-of-memory, never 400, and the server goes
# on answering. Skipped for sanitizer builds, which cannot run
# under an address-space limit.
. "$(dirname "$0")/lib.sh"
W=$(workdir serve-oom)
cd "$W" || exit 1
# One malloc arena for every thread: the address space the server takes is
# then its memory, not 64 MiB reserved per thread that first allocates.
export MALLOC_ARENA_MAX=1

# start_server [KIB]: the server, under ulimit -v KIB if given; sets PID, PORT.
start_server() {
    rm -f serve.out
    (
        [ -n "${1:-}" ] && ulimit -v "$1"
        exec "$CLASM" serve --port 0 >serve.out 2>>serve.err
    ) &
    PID=$!
    PORT=""
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' serve.out 2>/dev/null | head -n 1)
        [ -n "$PORT" ] && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_server() {
    kill -TERM "$PID" 2>/dev/null
    wait "$PID"
}

"$CLASM" assemble "$ROOT/examples/deals/direct-biometric-security-service.yaml" -o draft.docx \
    >/dev/null 2>&1
# A draft with 200,000 more paragraphs of random letters: 2 MiB to upload,
# within every limit (9 MiB of XML, compression ratio ~4), but ~150 MiB to
# inspect.
/usr/bin/python3 - <<'PY'
import random, string, zipfile
random.seed(7)
with zipfile.ZipFile("draft.docx") as zin, zipfile.ZipFile("big.docx", "w", zipfile.ZIP_DEFLATED) as zout:
    for it in zin.infolist():
        data = zin.read(it.filename)
        if it.filename == "word/document.xml":
            s = data.decode()
            i = s.index("<w:body>") + len("<w:body>")
            more = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" %
                           "".join(random.choices(string.ascii_letters, k=12)) for _ in range(200000))
            data = (s[:i] + more + s[i:]).encode()
        zout.writestr(it, data)
open("big.bin", "wb").write(random.randbytes(30 * 1000 * 1000))
PY

# Sanitizer builds reserve terabytes of address space and abort when an
# allocation fails: the test needs a plain build.
if ! sh -c 'ulimit -v 1048576 && exec "$0" --help' "$CLASM" >/dev/null 2>&1; then
    skip "serve-oom: 500 when out of memory" "$CLASM does not start under ulimit -v (a sanitizer build)"
    exit 0
fi

# The server's address space at rest, after a first request.
if ! start_server; then
    fail "serve-oom: the server starts" "$(cat serve.err)"
    exit 0
fi
/usr/bin/python3 -c 'import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/api/risks" % sys.argv[1], timeout=30).read()' "$PORT"
REST=$(sed -n 's/^VmSize:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status")
stop_server

# post FILE KIB: the answer to POST /api/inspect of FILE from a server under
# ulimit -v KIB, as "STATUS ids...", then "after: STATUS" of a small
# inspect: the server still serves. Empty when the server cannot start.
post() {
    start_server "$2" || { stop_server; return 0; }
    PORT="$PORT" FILE="$1" /usr/bin/python3 - <<'PY'
import http.client, json, os
def post(path):
    c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]), timeout=60)
    try:
        c.request("POST", "/api/inspect", open(path, "rb").read())
        r = c.getresponse()
        body = r.read()
        try:
            errs = json.loads(body)["errors"]
            ids = " ".join(e["id"] + ("" if e.get("message") else "(no-message)") for e in errs) or "(no-errors)"
        except Exception:
            ids = "(not-error-json)"
        return f"{r.status} {ids}" if r.status != 200 else "200"
    except (OSError, http.client.HTTPException) as e:
        return f"0 {type(e).__name__}"
print(post(os.environ["FILE"]))
print("after: " + post("draft.docx").split()[0])
PY
    stop_server
}

if [ -z "$REST" ] || [ "$(post draft.docx $((REST + 200 * 1024)))" != "$(printf '200\nafter: 200')" ]; then
    fail "serve-oom: the server serves under ulimit -v 200 MiB above its size at rest" "$(cat serve.err)"
    exit 0
fi

# 24 MiB more than at rest: a connection's thread, and not the 30 MB body.
A=$(post big.bin $((REST + 24 * 1024)))
check "serve-oom: an upload the server cannot hold is 500 out-of-memory, not a dropped connection ($(echo $A))" \
    [ "$(echo "$A" | head -n 1)" = "500 out-of-memory" ]
check "serve-oom: the server answers normally after it" [ "$(echo "$A" | tail -n 1)" = "after: 200" ]

# 30 and 60 MiB more: the body, but far from the inspection. Wherever the
# library runs out (libzip, libxml2, its own lists), the answer is 500
# out-of-memory: never 400 (a broken upload it is not), never a dropped
# connection, never a report.
for extra in 30 60; do
    B=$(post big.docx $((REST + extra * 1024)))
    check "serve-oom: +$extra MiB: an inspection out of memory is 500 out-of-memory ($(echo $B))" \
        sh -c 'printf "%s\n" "$1" | head -n 1 | grep -Eqx "500( out-of-memory)+"' _ "$B"
    check "serve-oom: +$extra MiB: the server answers normally after that" \
        [ "$(echo "$B" | tail -n 1)" = "after: 200" ]
done
