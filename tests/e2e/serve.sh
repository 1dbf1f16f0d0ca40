#!/bin/sh
# clasm serve over HTTP: every route and every error (wrong deal, too large,
# wrong method, unknown path, foreign Host), answers equal to the CLI's, and a
# bounded load check of 50 concurrent clients assembling drafts on loopback.
. "$(dirname "$0")/lib.sh"
W=$(workdir serve)
cd "$W" || exit 1
mkdir -p tmp

run_clasm serve --bogus
check "serve: an unknown option is a usage error (exit 2)" [ "$RC" -eq 2 ]
run_clasm serve --port 70000
check "serve: a port over 65535 is a usage error" [ "$RC" -eq 2 ]
mkdir -p notemplates
run_clasm serve --port 0 --templates notemplates --library nolibrary
check "serve: without a library or templates it does not start (exit 3)" [ "$RC" -eq 3 ]
check "serve: every missing input is named, not just the first" sh -c '
    for w in library-not-found notemplates/contract.docx notemplates/eula.docx notemplates/reseller-agreement.docx; do
        printf "%s" "$1" | grep -q "$w" || exit 1
    done' _ "$ERR"

TMPDIR="$W/tmp" "$CLASM" serve --port 0 >serve.out 2>serve.err &
PID=$!
URL=""
for _ in $(seq 1 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*/' serve.out 2>/dev/null | head -n 1)
    [ -n "$URL" ] && break
    sleep 0.1
done
if [ -z "$URL" ]; then
    fail "serve: starts and prints its URL" "$(cat serve.err)"
    kill "$PID" 2>/dev/null
    exit 0
fi
pass "serve: starts on a free port and prints its URL ($URL)"

PORT=$(echo "$URL" | sed 's#.*:\([0-9]*\)/#\1#')
run_clasm serve --port "$PORT"
check "serve: a port in use fails with exit 3 and says why" [ "$RC" -eq 3 ]
check "serve: the port-in-use message names the port" has "$ERR" "port $PORT"


# Reference answers from the CLI for the same deals.
for d in direct-biometric-security-service reseller-unknown-end-use; do
    "$CLASM" select "$ROOT/examples/deals/$d.yaml" --format json >"cli-$d.json" 2>/dev/null
done
"$CLASM" assemble "$ROOT/examples/deals/direct-biometric-security-service.yaml" -o cli.docx \
    >/dev/null 2>&1

URL="$URL" ROOT="$ROOT" /usr/bin/python3 - >>"$E2E_RESULTS" <<'PY'
import datetime, http.client, io, json, os, re, sys, threading, urllib.error, urllib.request, zipfile
import yaml

URL = os.environ["URL"].rstrip("/")
HOST, PORT = URL.split("//")[1].split(":")
PORT = int(PORT)
ROOT = os.environ["ROOT"]
results = []

def check(name, cond, detail=""):
    line = ("PASS " if cond else "FAIL ") + "serve: " + name + ("" if cond else ": " + str(detail))
    print(line)
    sys.stderr.write(line + "\n")

def req(method, path, body=None, headers=None):
    r = urllib.request.Request(URL + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(r, timeout=60) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

def raw_post(path, body):
    """POST that still reads the answer when the server refuses the body
    before reading it (413 on Content-Length) and closes the connection."""
    c = http.client.HTTPConnection(HOST, PORT, timeout=60)
    c.putrequest("POST", path)
    c.putheader("Content-Length", str(len(body)))
    c.endheaders()
    try:
        c.sock.sendall(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        r = c.getresponse()
        return r.status, dict(r.headers), r.read()
    finally:
        c.close()

def deal_json(name, **changes):
    d = yaml.safe_load(open(f"{ROOT}/examples/deals/{name}.yaml"))
    d = json.loads(json.dumps(d, default=str))
    d.update(changes)
    return json.dumps(d, indent=1).encode()

def errors(body):
    try:
        return json.loads(body)["errors"]
    except Exception as e:
        return [{"id": "not-json", "message": repr(body[:200])}]

def error_shape_ok(errs):
    return errs and all(set(e) >= {"id", "message", "line", "column", "severity"} for e in errs)

# GET /api/risks
st, h, b = req("GET", "/api/risks")
cat = json.loads(b) if st == 200 else {}
check("GET /api/risks answers 200 JSON", st == 200 and h.get("Content-Type", "").startswith("application/json"), st)
check("the catalogue has the four areas of the guidance",
      [a["id"] for a in cat.get("areas", [])] == ["product", "end-user", "regime", "stakeholder"], cat.get("areas"))
src = yaml.safe_load(open(f"{ROOT}/clauses/risks.yaml"))
check("every risk of risks.yaml with id, area, title, description, weight",
      [r["id"] for r in cat.get("risks", [])] == [r["id"] for r in src["risks"]] and
      all(set(r) >= {"id", "area", "title", "description", "weight"} for r in cat["risks"]),
      len(cat.get("risks", [])))
check("the tiers with thresholds, severe escalates",
      [(t["id"], t["min_score"]) for t in cat.get("tiers", [])] == [(t["id"], t["min_score"]) for t in src["tiers"]]
      and any(t["escalate"] for t in cat["tiers"]), cat.get("tiers"))
lib = yaml.safe_load(open(f"{ROOT}/clauses/library.yaml"))
declared = [t for t in cat.get("terms", []) if not t.get("template_only")]
own = [t for t in cat.get("terms", []) if t.get("template_only")]
check("the declared terms with description and example",
      [t["key"] for t in declared] == list(lib["terms"]) and
      all(t["description"] and t["example"] is not None for t in declared), declared)
check("each term's kind and default as library.yaml says (the page shows what an empty field becomes)",
      all(t["kind"] == lib["terms"][t["key"]].get("kind", "text") and
          t["default"] == (None if "default" not in lib["terms"][t["key"]] else str(lib["terms"][t["key"]]["default"]))
          for t in declared) and any(t["default"] for t in declared), declared)
check("an amount names its currency term", [t.get("currency") for t in declared if t["kind"] == "amount"] == ["currency"],
      declared)
# The shipped templates print only library terms (fees, currency... are
# declared with their kinds); test_server.c covers a template's own keys.
check("the shipped templates have no terms.KEY of their own", own == [], own)
check("the capabilities a deal may name, with their words",
      [(c["id"], c["words"]) for c in cat.get("capabilities", [])] ==
      list(lib["values"]["words"]["capabilities"].items()), cat.get("capabilities"))

# The page and its assets, embedded.
st, h, b = req("GET", "/")
check("GET / is the page (HTML, with a CSP)", st == 200 and h["Content-Type"].startswith("text/html") and
      b"/app.js" in b and "default-src 'self'" in h.get("Content-Security-Policy", ""), (st, h))
for path, typ in (("/app.js", "text/javascript"), ("/style.css", "text/css"), ("/index.html", "text/html")):
    st, h, b = req("GET", path)
    check(f"GET {path} is {typ}", st == 200 and h["Content-Type"].startswith(typ) and len(b) > 100, st)
st, h, b = req("HEAD", "/api/risks")
check("HEAD /api/risks answers 200 without a body", st == 200 and b == b"", (st, len(b)))

# POST /api/select equals `clasm select --format json`.
st, h, b = req("POST", "/api/select", deal_json("direct-biometric-security-service"))
cli = json.load(open("cli-direct-biometric-security-service.json"))
check("POST /api/select gives the plan of clasm select", st == 200 and json.loads(b) == cli, (st, b[:300]))
st, h, b = req("POST", "/api/select", deal_json("reseller-unknown-end-use"))
cli = json.load(open("cli-reseller-unknown-end-use.json"))
check("a deal pack gives the array of plans of clasm select", st == 200 and json.loads(b) == cli, (st, b[:300]))
st, h, b = req("POST", "/api/select?document=eula", deal_json("reseller-unknown-end-use"))
check("?document= gives one plan", st == 200 and json.loads(b) == cli[1] and json.loads(b)["document"] == "eula",
      (st, b[:300]))
st, h, b = req("POST", "/api/select?document=memo", deal_json("reseller-unknown-end-use"))
e = errors(b)
check("?document= that is no document is 400 unknown-document", st == 400 and e[0]["id"] == "unknown-document"
      and "memo" in e[0]["message"], (st, e))

# A wrong deal: 400 with the loader's ids, messages and line:column into the body.
bad = json.loads(deal_json("direct-biometric-security-service"))
bad["customer"]["kind"] = "spy-agency"
bad["deployment"] = "orbit"
del bad["date"]
body = json.dumps(bad, indent=1)
open("bad.json", "w").write(body)
st, h, b = req("POST", "/api/select", body.encode())
e = errors(b)
lines = body.split("\n")
kind_line = next(i + 1 for i, l in enumerate(lines) if '"spy-agency"' in l)
dep_line = next(i + 1 for i, l in enumerate(lines) if '"orbit"' in l)
check("a wrong deal is 400 with every problem, shaped {id, message, line, column, severity}",
      st == 400 and error_shape_ok(e) and len(e) >= 3, (st, e))
check("a wrong value is reported at its line and column in the JSON body",
      any(x["line"] == kind_line and x["column"] == lines[kind_line - 1].index('"spy-agency"') + 1 and
          "spy-agency" in x["message"] for x in e) and
      any(x["line"] == dep_line and "orbit" in x["message"] for x in e), e)
check("a missing key is missing-key naming it", any(x["id"] == "missing-key" and "'date'" in x["message"] for x in e), e)
check("each error names the deal path of its field (a form needs no line numbers)",
      any(x.get("path") == "customer.kind" and "spy-agency" in x["message"] for x in e) and
      any(x.get("path") == "deployment" and "orbit" in x["message"] for x in e) and
      any(x.get("path") == "date" and x["id"] == "missing-key" for x in e), e)
import subprocess
cli_err = subprocess.run([os.environ.get("CLASM", "clasm"), "select", "bad.json"], capture_output=True, text=True).stderr
check("the same ids and messages as the CLI",
      all(f"{x['line']}:{x['column']}: error: {x['message']} [{x['id']}]" in cli_err for x in e), (cli_err, e))

st, h, b = req("POST", "/api/select", deal_json("direct-biometric-security-service", risks=["product.biometric-identifcation"]))
e = errors(b)
check("an unknown risk is 400 unknown-risk with a suggestion",
      st == 400 and e[0]["id"] == "unknown-risk" and "biometric-identification" in e[0]["message"], (st, e))
check("messages name library files from the library's folder, not the server's paths",
      "(clauses/risks.yaml)" in e[0]["message"] and ROOT not in e[0]["message"], e)
# A misspelt terms key (the template is known: the server's) and an
# unknown country are refused at their places, with what was meant; the
# plan of a good deal names the terms that took the library's default.
typo = json.loads(deal_json("direct-biometric-security-service"))
typo["terms"]["governing_lw"] = "State of Delaware"
typo["customer"]["country"] = "UK"
body = json.dumps(typo, indent=1)
st, h, b = req("POST", "/api/select", body.encode())
e = errors(b)
lines = body.split("\n")
tl = next(i + 1 for i, l in enumerate(lines) if '"governing_lw"' in l)
cl = next(i + 1 for i, l in enumerate(lines) if '"UK"' in l)
check("a misspelt terms key is 400 unknown-term at its line and column, naming the right key",
      st == 400 and any(x["id"] == "unknown-term" and x["line"] == tl and
                        x["column"] == lines[tl - 1].index('"governing_lw"') + 1 and
                        "did you mean 'governing_law'" in x["message"] for x in e), (st, e))
check("an unknown country is unknown-country at its place, suggesting GB",
      any(x["id"] == "unknown-country" and x["line"] == cl and "GB (United Kingdom)" in x["message"]
          for x in e), e)
check("the misspelt term and the country name their fields' paths",
      any(x["id"] == "unknown-term" and x.get("path") == "terms.governing_lw" for x in e) and
      any(x["id"] == "unknown-country" and x.get("path") == "customer.country" for x in e), e)
st, h, b = req("POST", "/api/select", deal_json("direct-biometric-security-service"))
plan = json.loads(b) if st == 200 else {}
given = json.loads(deal_json("direct-biometric-security-service"))["terms"]
check("the plan lists the terms that took the library's default, and only those",
      {"key": "cure_period_days", "value": "30", "label": "Cure period, curable safeguards breach",
       "printed": True} in plan.get("defaults", []) and
      all(d["key"] not in given for d in plan.get("defaults", [])), plan.get("defaults"))
st, h, b = req("POST", "/api/select", b'{"id": "Q-1", "documents": [contract}')
e = errors(b)
check("malformed JSON is 400 with a syntax error at its place, about no one field (no path)",
      st == 400 and error_shape_ok(e) and e[0]["line"] == 1 and "path" not in e[0], (st, e))
st, h, b = req("POST", "/api/select", b"")
e = errors(b)
check("an empty body is 400 empty-body", st == 400 and e[0]["id"] == "empty-body", (st, e))
st, h, b = req("POST", "/api/select", b"[1, 2, 3]")
check("a deal that is not an object is 400", st == 400 and error_shape_ok(errors(b)), (st, b[:200]))

# JSON's \u0000 in a value once ended it there ("State of New York" in the
# contract, no word): now 400 invalid-value at the value's line and column,
# every such value, and no draft.
nul = json.loads(deal_json("direct-biometric-security-service"))
nul["terms"]["governing_law"] = "State of New York\u0000, subject to the laws of Evilland"
nul["customer"]["name"] = "Directorate\u0007"
nul_body = json.dumps(nul, indent=1)
nul_lines = nul_body.split("\n")
gl = next(i + 1 for i, l in enumerate(nul_lines) if '"governing_law"' in l)
cn = next(i + 1 for i, l in enumerate(nul_lines) if '"Directorate\\u0007"' in l)
st, h, b = req("POST", "/api/select", nul_body.encode())
e = errors(b)
check("a NUL in a posted value is 400 invalid-value at its line and column, naming the key and U+0000",
      st == 400 and len(e) == 2 and all(x["id"] == "invalid-value" for x in e) and
      any(x["line"] == gl and x["column"] == nul_lines[gl - 1].index('"State') + 1 and
          "terms.governing_law holds U+0000" in x["message"] for x in e) and
      any(x["line"] == cn and "customer.name holds U+0007" in x["message"] for x in e), (st, e))
st, h, b = req("POST", "/api/assemble", nul_body.encode())
check("assembling it is 400 and no draft",
      st == 400 and errors(b)[0]["id"] == "invalid-value" and "Content-Disposition" not in h and
      not os.listdir("tmp"), (st, b[:200]))

# Python's json.dumps writes a character above U+FFFF as two \u escapes (a
# surrogate pair), which libyaml alone refuses: the name comes through whole.
emo = json.loads(deal_json("direct-biometric-security-service"))
emo["customer"]["name"] = "Directorate \U0001F6E1 of \U00020000 Security"
emo_body = json.dumps(emo, indent=1)
st, h, b = req("POST", "/api/assemble", emo_body.encode())
check("a posted name with surrogate-pair escapes (json.dumps) is drafted with its characters",
      "\\ud83d" in emo_body and st == 200 and
      "Directorate \U0001F6E1 of \U00020000 Security" in
      zipfile.ZipFile(io.BytesIO(b)).read("word/document.xml").decode(), (st, b[:200]))

# POST /api/assemble
st, h, b = req("POST", "/api/assemble", deal_json("direct-biometric-security-service"))
check("POST /api/assemble answers the DOCX with a file name",
      st == 200 and h["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml") and
      h.get("Content-Disposition") == 'attachment; filename="Q-2026-0117-contract.docx"', (st, h))
draft = b
check("the draft is byte-identical to clasm assemble's", b == open("cli.docx", "rb").read(), len(b))
z = zipfile.ZipFile(io.BytesIO(b))
doc = z.read("word/document.xml").decode()
plan = json.load(open("cli-direct-biometric-security-service.json"))
tags = set(re.findall(r'w:val="clasm:([^"@]+)@', doc))
check("the draft holds every clause of the plan, tagged clasm:<id>@<version>",
      tags == {c["id"] for c in plan["clauses"]} and
      all(f'clasm:{c["id"]}@{c["version"]}' in doc for c in plan["clauses"]), tags ^ {c["id"] for c in plan["clauses"]})
st, h, b = req("POST", "/api/assemble", deal_json("reseller-unknown-end-use"))
e = errors(b)
check("assembling a pack without ?document= is 400 document-required",
      st == 400 and e[0]["id"] == "document-required" and "reseller-agreement, eula" in e[0]["message"], (st, e))
st, h, b = req("POST", "/api/assemble?document=eula", deal_json("reseller-unknown-end-use"))
check("?document=eula assembles the pack's EULA",
      st == 200 and h.get("Content-Disposition") == 'attachment; filename="Q-2026-0142-eula.docx"' and
      b"clasm:" in zipfile.ZipFile(io.BytesIO(b)).read("word/document.xml"), (st, h.get("Content-Disposition")))
st, h, b = req("POST", "/api/assemble", body.encode())
check("assembling a wrong deal is 400 and no draft", st == 400 and error_shape_ok(errors(b)), (st, b[:200]))
check("drafts are assembled in memory: nothing is written to the temporary folder",
      not os.listdir("tmp"), os.listdir("tmp"))

# POST /api/inspect
st, h, b = req("POST", "/api/inspect", draft)
j = json.loads(b) if st == 200 else {}
check("POST /api/inspect of a fresh draft: every clause unchanged",
      st == 200 and j["deal"] == "Q-2026-0117" and len(j["clauses"]) == len(plan["clauses"]) and
      all(c["status"] == "unchanged" for c in j["clauses"]), (st, b[:300]))
edited = io.BytesIO()
with zipfile.ZipFile(io.BytesIO(draft)) as zin, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zout:
    for it in zin.infolist():
        data = zin.read(it.filename)
        if it.filename == "word/document.xml":
            data = data.replace(b"Misuse", b"Abuse", 1)
        zout.writestr(it, data)
st, h, b = req("POST", "/api/inspect", edited.getvalue())
j = json.loads(b) if st == 200 else {}
check("an edited draft shows a modified clause", st == 200 and any(c["status"] == "modified" for c in j["clauses"]), (st, b[:300]))
st, h, b = req("POST", "/api/inspect", b"this is not a zip file at all" * 10)
e = errors(b)
check("an upload that is not a DOCX is 400 with the package error", st == 400 and error_shape_ok(e), (st, e))
st, h, b = req("POST", "/api/inspect", b"")
check("an empty upload is 400 empty-body", st == 400 and errors(b)[0]["id"] == "empty-body", (st, b))

# Limits: 413 by Content-Length, and by a chunked body that grows too large.
st, h, b = raw_post("/api/select", b" " * (1024 * 1024 + 1))
e = errors(b)
check("a deal over 1 MiB is 413 body-too-large", st == 413 and e[0]["id"] == "body-too-large", (st, e))
c = http.client.HTTPConnection(HOST, PORT, timeout=30)
c.putrequest("POST", "/api/select")
c.putheader("Transfer-Encoding", "chunked")
c.endheaders()
try:
    chunk = b" " * 65536
    for _ in range(20):
        c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    c.send(b"0\r\n\r\n")
    r = c.getresponse()
    st, b = r.status, r.read()
except (BrokenPipeError, ConnectionResetError) as ex:
    st, b = 0, repr(ex).encode()
c.close()
check("a chunked deal over 1 MiB is 413", st == 413 and errors(b)[0]["id"] == "body-too-large", (st, b[:200]))
st, h, b = raw_post("/api/inspect", b"PK" + b"\0" * (32 * 1024 * 1024))
check("an upload over 32 MiB is 413", st == 413, st)

# Methods and paths.
for m, p, allow in (("GET", "/api/select", "POST"), ("GET", "/api/assemble", "POST"), ("PUT", "/api/inspect", "POST"),
                    ("POST", "/api/risks", "GET"), ("DELETE", "/", "GET")):
    st, h, b = req(m, p, b"{}" if m in ("POST", "PUT") else None)
    e = errors(b)
    check(f"{m} {p} is 405 with Allow: {allow}", st == 405 and h.get("Allow") == allow and
          e[0]["id"] == "method-not-allowed", (st, h.get("Allow"), e))
    check(f"{m} {p}: the 405 has the security headers too",
          h.get("X-Content-Type-Options") == "nosniff" and h.get("X-Frame-Options") == "DENY" and
          "default-src 'self'" in h.get("Content-Security-Policy", ""), h)
for p in ("/nope", "/api/nope", "/../../etc/passwd", "/web/app.js", "/%2e%2e/Makefile"):
    st, h, b = req("GET", p)
    e = errors(b)
    check(f"GET {p} is 404 not-found", st == 404 and e[0]["id"] == "not-found", (st, e))
st, h, b = req("GET", "/api/risks", headers={"Host": "attacker.example:80"})
check("a foreign Host name is refused (DNS rebinding)", st == 403 and errors(b)[0]["id"] == "host-not-allowed", st)
st, h, b = req("GET", "/api/risks", headers={"Host": f"localhost:{PORT}"})
check("Host localhost is served", st == 200, st)
for bad_host in (f"127.0.0.1:{PORT}@evil.example", "localhost:x", f"localhost.evil.example:{PORT}"):
    st, h, b = req("GET", "/api/risks", headers={"Host": bad_host})
    check(f"Host {bad_host} is refused (the whole name, then only :port)", st == 403, st)
st, h, b = req("POST", "/api/select", deal_json("direct-biometric-security-service"),
               headers={"Origin": "http://evil.example", "Content-Type": "text/plain"})
check("a request from another site's page is refused (CSRF)", st == 403 and
      errors(b)[0]["id"] == "origin-not-allowed", (st, b[:200]))
st, h, b = req("POST", "/api/select", deal_json("direct-biometric-security-service"),
               headers={"Origin": f"http://127.0.0.1:{PORT}"})
check("a request from the page itself is served", st == 200, st)

# Load: 50 concurrent clients, each assembling its own deal.
N = 50
out = [None] * N
def client(i):
    try:
        out[i] = req("POST", "/api/assemble", deal_json("direct-biometric-security-service", id=f"LOAD-{i:03d}"))
    except Exception as ex:
        out[i] = (0, {}, repr(ex).encode())
threads = [threading.Thread(target=client, args=(i,)) for i in range(N)]
t0 = datetime.datetime.now()
for t in threads: t.start()
for t in threads: t.join(300)
secs = (datetime.datetime.now() - t0).total_seconds()
bad = []
for i, (st, h, b) in enumerate(out):
    ok = st == 200 and h.get("Content-Disposition") == f'attachment; filename="LOAD-{i:03d}-contract.docx"'
    if ok:
        zf = zipfile.ZipFile(io.BytesIO(b))
        manifest = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("customXml/"))
        docxml = zf.read("word/document.xml")
        ok = f"LOAD-{i:03d}".encode() in manifest and not re.search(rb"LOAD-(?!%03d)" % i, manifest + docxml) \
            and len(set(re.findall(rb'clasm:([^"@]+)@', docxml))) == len(plan["clauses"])
    if not ok:
        bad.append((i, st))
check(f"50 concurrent clients each get their own correct draft ({secs:.1f}s)", not bad, bad[:5])
PY

# Bound to every address: a warning that the API is open to the network, and
# still no answer to a foreign Host name.
"$CLASM" serve --port 0 --bind 0.0.0.0 >serve-all.out 2>serve-all.err &
PID2=$!
URL2=""
for _ in $(seq 1 100); do
    URL2=$(grep -o 'http://0.0.0.0:[0-9]*/' serve-all.out 2>/dev/null | head -n 1)
    [ -n "$URL2" ] && grep -q warning serve-all.err && break
    sleep 0.1
done
PORT2=$(echo "$URL2" | sed 's#.*:\([0-9]*\)/#\1#')
check "serve: --bind 0.0.0.0 warns on stderr that the API is open without authentication" sh -c \
    'grep -q "warning: --bind 0.0.0.0 is not a loopback address" serve-all.err &&
     grep -q "without authentication" serve-all.err'
host_status() {
    /usr/bin/python3 -c 'import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
c.putrequest("GET", "/api/risks", skip_host=True)
c.putheader("Host", sys.argv[2])
c.endheaders()
print(c.getresponse().status)' "$PORT2" "$1" 2>/dev/null
}
check "serve: --bind 0.0.0.0 still refuses a foreign Host (DNS rebinding)" \
    [ "$(host_status "attacker.example:$PORT2")" = 403 ]
check "serve: --bind 0.0.0.0 answers to a loopback Host" [ "$(host_status "127.0.0.1:$PORT2")" = 200 ]
kill -TERM "$PID2"
wait "$PID2"
"$CLASM" serve --port 0 >serve-lo.out 2>serve-lo.err &
PID3=$!
for _ in $(seq 1 100); do
    grep -q http serve-lo.out 2>/dev/null && break
    sleep 0.1
done
kill -TERM "$PID3"
wait "$PID3"
check "serve: on loopback no warning" sh -c '! grep -q warning serve-lo.err'

# Clients that go away mid-request, and one the server must log (a bad
# Content-Length): the log has whole "clasm serve: " lines, no disconnects.
PORT="$PORT" /usr/bin/python3 - <<'PY'
import os, socket, struct, threading
port = int(os.environ["PORT"])
head = b"POST /api/select HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"
def go(payload, reset):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if reset:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if payload:
        s.sendall(payload)
    s.close()
ts = [threading.Thread(target=go, args=(p, r)) for p in (b"", b"GET /api/ri", head) for r in (0, 1)
      for _ in range(5)]
for t in ts: t.start()
for t in ts: t.join()
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"POST /api/select HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12x\r\n\r\n")
s.recv(4096)
s.close()
PY
sleep 0.3

kill -TERM "$PID"
wait "$PID"
RCS=$?
check "serve: the log is whole lines, each 'clasm serve: ...'" sh -c \
    '[ -s serve.err ] && [ "$(tail -c 1 serve.err | od -An -c | tr -d " ")" = "\\n" ] &&
     ! grep -v "^clasm serve: ." serve.err'
check "serve: the log holds what the server refused (a bad Content-Length)" \
    grep -q "^clasm serve: .*Content-Length" serve.err
check "serve: clients that disconnect are not logged" sh -c \
    '! grep -i -E "closed by remote|disconnected|forcibly closed|socket is closed" serve.err' 
check "serve: stops cleanly on SIGTERM (exit 0)" [ "$RCS" -eq 0 ]
check "serve: nothing was written to the temporary folder" sh -c "[ -z \"\$(ls -A '$W'/tmp)\" ]"
