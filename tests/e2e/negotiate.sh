#!/bin/sh
# Negotiation (issue 17) through a real LibreOffice: a draft whose clauses
# carry a playbook is edited and saved by LibreOffice three ways (an approved
# fallback pasted in, one word of a clause that is not negotiable changed, a
# clause struck out); inspect names each change's position and who must
# approve it; redline writes Word tracked changes that LibreOffice reads as
# exactly the changes restoring the standard, with a comment on each; the
# redline is valid OOXML; approve records an approval by the role the
# playbook names and refuses one by a role below it, writing nothing.
. "$(dirname "$0")/lib.sh"
W=$(workdir negotiate)
cd "$W" || exit 1
if ! have_soffice; then
    skip "negotiate" "soffice is not installed (make deps installs it)"
    exit 0
fi

# A high-tier contract: its playbook has a clause with fallbacks (the first
# approved by the contract manager) and clauses that are not negotiable.
DEAL="$ROOT/examples/deals/cloud-analytics-state-telecom.yaml"
FALLBACK=audit.on-site-audit          # (a) its fallback 1 pasted in
FIXED=export-control.compliance       # (b) negotiable: false, "shall" -> "may"
STRUCK=reassessment.change-notification # (c) deleted whole
AUTHOR="Negotiation Desk"
DATE=2026-12-07T09:00:00Z

cat >neg.py <<'PY'
"""Checks of negotiate.sh: python3 neg.py COMMAND ARGS; exit 0 when it holds."""
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

M = "{urn:clasm:manifest:1}"
WN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TX = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"


def manifest(docx):
    z = zipfile.ZipFile(docx)
    for name in z.namelist():
        if re.fullmatch(r"customXml/item\d+\.xml", name):
            root = ET.fromstring(z.read(name))
            if root.tag == M + "manifest":
                return root
    sys.exit("%s has no manifest" % docx)


def clause(root, cid):
    for c in root.findall(M + "clause"):
        if c.get("id") == cid:
            return c
    sys.exit("the manifest has no clause " + cid)


def paras(el):
    return [p.text or "" for p in el.findall(M + "p")]


def texts(c, position):
    for t in c.findall(M + "text"):
        if t.get("position") == str(position):
            return t
    return None


def deviation_role(root):
    return root.find(M + "roles").get("deviations")


def role_title(root, rid):
    for r in root.find(M + "roles").findall(M + "role"):
        if r.get("id") == rid:
            return r.get("title")
    sys.exit("no role " + rid)


def norm(s):
    return " ".join(s.split())


def reads_as(text, want):
    """text reads as want, "#" in want standing for a clause number."""
    pattern = r"\d+(?:\.\d+)*".join(re.escape(part) for part in norm(want).split("#"))
    return re.fullmatch(pattern, norm(text)) is not None


def docx_paras(docx, view):
    """The paragraphs of word/document.xml as text: view "accepted" drops
    w:del and keeps w:ins, "rejected" the other way round."""
    body = ET.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    out = []

    def walk(el, acc, skip):
        tag = el.tag
        if tag == WN + "del" and view == "accepted" or tag == WN + "ins" and view == "rejected":
            skip = True
        if tag == WN + "instrText":
            return
        if not skip and tag in (WN + "t", WN + "delText"):
            acc.append(el.text or "")
        elif not skip and tag == WN + "tab":
            acc.append("\t")
        for k in el:
            walk(k, acc, skip)

    for p in body.iter(WN + "p"):
        acc = []
        walk(p, acc, False)
        out.append("".join(acc))
    return out


def clause_at(lines, title, body):
    """Whether lines hold the heading title followed by paragraphs reading as body."""
    for k, line in enumerate(lines):
        if norm(line) == norm(title):
            got = lines[k + 1:k + 1 + len(body)]
            if len(got) == len(body) and all(reads_as(g, w) for g, w in zip(got, body)):
                return True
    return False


def odt(content):
    """The tracked changes of an ODT's content.xml, each with its kind,
    author, date and text, and the annotations with the paragraph they sit in."""
    root = ET.fromstring(zipfile.ZipFile(content).read("content.xml"))
    office_text = root.find(OF + "body").find(OF + "text")
    regions = {}
    tc = office_text.find(TX + "tracked-changes")
    for r in (tc.findall(TX + "changed-region") if tc is not None else []):
        kind = [k for k in r if k.tag in (TX + "insertion", TX + "deletion", TX + "format-change")]
        k = kind[0] if kind else None
        info = k.find(OF + "change-info") if k is not None else None
        regions[r.get(TX + "id") or r.get("{http://www.w3.org/XML/1998/namespace}id")] = {
            "kind": k.tag.split("}")[1] if k is not None else "?",
            "author": info.findtext(DC + "creator") if info is not None else None,
            "date": info.findtext(DC + "date") if info is not None else None,
            "deleted": "\n".join(norm("".join(p.itertext())) for p in k.iter()
                                 if p.tag in (TX + "p", TX + "h")) if k is not None else "",
            "text": [],
        }
    active, stack, notes, paras_out = set(), [], [], []

    def add(s):
        for i in active:
            if i in regions:
                regions[i]["text"].append(s)
        if stack:
            stack[-1].append(s)

    def walk(el):
        tag = el.tag
        if tag == TX + "tracked-changes":
            return
        if tag == OF + "annotation":
            body = "\n".join("".join(p.itertext()) for p in el.iter(TX + "p"))
            notes.append({"text": body, "para": stack[-1] if stack else None})
            return
        if tag == TX + "change-start":
            active.add(el.get(TX + "change-id"))
        elif tag == TX + "change-end":
            active.discard(el.get(TX + "change-id"))
        elif tag == TX + "s":
            add(" " * int(el.get(TX + "c", "1")))
        elif tag == TX + "tab":
            add("\t")
        elif tag == TX + "line-break":
            add("\n")
        is_para = tag in (TX + "p", TX + "h")
        if is_para:
            stack.append([])
        if el.text and tag not in (TX + "s", TX + "tab", TX + "line-break"):
            add(el.text)
        for k in el:
            walk(k)
            if k.tail:
                add(k.tail)
        if is_para:
            paras_out.append(stack.pop())
            add("\n")

    walk(office_text)
    for r in regions.values():
        r["text"] = "".join(r["text"])
    for n in notes:
        # the paragraph's text, as a list shared with the walk: joined at the end
        n["para"] = "".join(n["para"]) if n["para"] is not None else ""
    return regions, notes


def main(cmd, a):
    if cmd == "playbook":  # DRAFT FALLBACK FIXED STRUCK
        root = manifest(a[0])
        fb, fixed, struck = clause(root, a[1]), clause(root, a[2]), clause(root, a[3])
        t1 = texts(fb, 1)
        assert t1 is not None and t1.get("approver"), "%s has no fallback 1 with an approver" % a[1]
        assert paras(t1) != paras(fb), "fallback 1 of %s reads as the standard" % a[1]
        assert fixed.get("negotiable") == "false", "%s is negotiable: %s" % (a[2], fixed.attrib)
        assert not struck.findall(M + "text") and struck.get("negotiable") != "false", \
            "%s has a playbook of its own" % a[3]
        assert deviation_role(root), "the manifest names no role for deviations"
        print(t1.get("approver"), deviation_role(root))
    elif cmd == "body-args":  # DRAFT ID N: title and fallback N's paragraphs, NUL-separated
        c = clause(manifest(a[0]), a[1])
        sys.stdout.write("\0".join([c.findtext(M + "title")] + paras(texts(c, int(a[2])))))
    elif cmd == "title":
        print(clause(manifest(a[0]), a[1]).findtext(M + "title"))
    elif cmd == "fresh":  # JSON: a fresh draft is the standard throughout
        d = json.load(open(a[0]))
        bad = [(c["id"], c.get("position"), c.get("approver")) for c in d["clauses"]
               if c.get("position") != "standard" or "approver" in c or c.get("not_negotiable")]
        assert not bad, bad
    elif cmd == "position":  # JSON ID STATUS POSITION APPROVER NOT_NEGOTIABLE(true|false)
        d = {c["id"]: c for c in json.load(open(a[0]))["clauses"]}
        c = d[a[1]]
        assert c["status"] == a[2], c
        assert c.get("position") == a[3], c
        assert c.get("approver") == a[4], c
        assert bool(c.get("not_negotiable")) == (a[5] == "true"), c
    elif cmd == "others":  # JSON ID...: every other clause unchanged, standard
        bad = [(c["id"], c["status"], c.get("position"), c.get("approver"))
               for c in json.load(open(a[0]))["clauses"] if c["id"] not in a[1:]
               and (c["status"] != "unchanged" or c.get("position") != "standard" or "approver" in c)]
        assert not bad, bad
    elif cmd == "summary":  # JSON PREFIX: prints summary_text
        s = json.load(open(a[0])).get("summary_text")
        assert isinstance(s, str) and s.startswith(a[1]), s
        print(s)
    elif cmd == "fixed-views":  # REDLINE DRAFT ID OLD NEW: accepted = standard, rejected = edited
        c = clause(manifest(a[1]), a[2])
        want = paras(c)
        acc, rej = docx_paras(a[0], "accepted"), docx_paras(a[0], "rejected")
        title = c.findtext(M + "title")
        assert clause_at(acc, title, want), "accepted, %s does not read as the standard" % a[2]
        edited = [want[0].replace(a[3], a[4], 1)] + want[1:]
        assert edited != want
        assert clause_at(rej, title, edited), "rejected, %s does not read as the edited draft" % a[2]
    elif cmd == "struck-views":  # REDLINE DRAFT ID: accepted has it back, rejected has not
        c = clause(manifest(a[1]), a[2])
        title = c.findtext(M + "title")
        acc = docx_paras(a[0], "accepted")
        at = [k for k, p in enumerate(acc) if norm(p) == norm(title)]
        assert clause_at(acc, title, paras(c)), "with the changes accepted it reads %r, the draft printed %r" % (
            acc[at[0]:at[0] + 1 + len(paras(c))] if at else "no heading", [title] + paras(c))
        assert not any(norm(p) == norm(title) for p in docx_paras(a[0], "rejected")), \
            "its heading is there without the tracked insertion"
    elif cmd == "fallback-views":  # REDLINE DRAFT ID N: fallback N as it is, no tracked change
        c = clause(manifest(a[1]), a[2])
        want, title = paras(texts(c, int(a[3]))), c.findtext(M + "title")
        for view in ("accepted", "rejected"):
            assert clause_at(docx_paras(a[0], view), title, want), view
    elif cmd == "marks":  # REDLINE AUTHOR DATE: every w:ins/w:del by AUTHOR at DATE
        doc = ET.fromstring(zipfile.ZipFile(a[0]).read("word/document.xml"))
        marks = [e for e in doc.iter() if e.tag in (WN + "ins", WN + "del")]
        assert marks, "no w:ins or w:del"
        bad = [(e.tag, e.get(WN + "author"), e.get(WN + "date")) for e in marks
               if e.get(WN + "author") != a[1] or e.get(WN + "date") != a[2]]
        assert not bad, bad
    elif cmd == "comments":  # REDLINE N AUTHOR DATE: word/comments.xml holds N comments by AUTHOR
        z = zipfile.ZipFile(a[0])
        c = ET.fromstring(z.read("word/comments.xml")).findall(WN + "comment")
        assert len(c) == int(a[1]), len(c)
        bad = [(e.get(WN + "author"), e.get(WN + "date")) for e in c
               if e.get(WN + "author") != a[2] or e.get(WN + "date") != a[3]]
        assert not bad, bad
    elif cmd == "schema":  # INPUT_REPORT REDLINE_REPORT of validate_docx.py
        def parts(path):
            out = {}
            for line in open(path, encoding="utf-8", errors="replace"):
                m = re.match(r"\S+: (\S+): (ok|FAIL \((\d+) errors\)|MISSING PART)$", line.rstrip())
                if m:
                    out[m.group(1)] = 0 if m.group(2) == "ok" else int(m.group(3) or 10**6)
                elif line.startswith("    "):
                    out.setdefault("messages", set()).add(re.sub(r"^\s*\S+?:\d+: ", "", line.rstrip()))
            return out
        before, after = parts(a[0]), parts(a[1])
        assert "word/document.xml" in after, "no report for the redline: %s" % after
        worse = [(k, before.get(k, 0), n) for k, n in after.items()
                 if k != "messages" and n > before.get(k, 0)]
        assert not worse, "parts with more errors (part, draft, redline): %s" % worse
        new = after.get("messages", set()) - before.get("messages", set())
        assert not new, "new errors: %s" % sorted(new)[:5]
    elif cmd == "odt-changes":  # ODT DRAFT FIXED OLDWORD NEWWORD STRUCK AUTHOR DATE
        regions, _ = odt(a[0])
        root = manifest(a[1])
        kinds = sorted(r["kind"] for r in regions.values())
        dels = [r for r in regions.values() if r["kind"] == "deletion"]
        ins = [r for r in regions.values() if r["kind"] == "insertion"]
        assert len(dels) + len(ins) == len(regions), "other kinds of change: %s" % kinds
        assert len(dels) == 1 and norm(dels[0]["deleted"]) == a[4], \
            "deletions: %s" % [r["deleted"] for r in dels]
        word = [r for r in ins if norm(r["text"]) == a[3]]
        assert len(word) == 1, "insertions: %s" % [r["text"] for r in ins]
        struck = clause(root, a[5])
        want = " ".join([struck.findtext(M + "title")] + paras(struck))
        rest = " ".join(norm(r["text"]) for r in ins if r is not word[0])
        assert reads_as(rest, want), "the other insertions read %r, the clause %r" % (rest, want)
        bad = [(r["author"], r["date"]) for r in regions.values()
               if r["author"] != a[6] or not (r["date"] or "").startswith(a[7].rstrip("Z"))]
        assert not bad, bad
        print("%d changed regions (%s)" % (len(regions), ", ".join(kinds)))
    elif cmd == "odt-comments":  # ODT DRAFT ROLE FIXED STRUCK: one comment in each
        # The comments go to the other side's counsel: they say why the
        # clause is back, and never give away the playbook (fallbacks,
        # who may approve what).
        _, notes = odt(a[0])
        root = manifest(a[1])
        who = role_title(root, a[2])
        assert len(notes) == 2, "%d annotations: %s" % (len(notes), notes)
        for cid, want in zip(a[3:5], ("We cannot accept this change", "We cannot agree to delete")):
            c = clause(root, cid)
            mine = [c.findtext(M + "title")] + paras(c)
            here = [n for n in notes if any(reads_as(n["para"], p) for p in mine)]
            assert len(here) == 1, "%s: %d comments in its paragraphs" % (cid, len(here))
            text = here[0]["text"]
            assert want in text, "%s: the comment does not say %r: %r" % (cid, want, text)
            for secret in ("fallback", "approv", who.lower(), a[2]):
                assert secret not in text.lower(), "%s: the comment gives away %r: %r" % (
                    cid, secret, text)
    elif cmd == "approved":  # JSON ID ROLE BY: ID approved by BY as ROLE, no other clause
        cs = json.load(open(a[0]))["clauses"]
        d = {c["id"]: c for c in cs}
        ap = d[a[1]].get("approved")
        assert isinstance(ap, dict), d[a[1]]
        s = json.dumps(ap)
        assert a[2] in s and a[3] in s, ap
        others = [c["id"] for c in cs if c["id"] != a[1] and c.get("approved")]
        assert not others, others
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2:])
    except AssertionError as e:
        sys.exit("not so: %s" % e)
PY
py() { /usr/bin/python3 "$W/neg.py" "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# ---- 1. the draft, and the playbook its manifest records
run_clasm assemble "$DEAL" -o draft.docx
check "negotiate: the draft assembles" [ "$RC" -eq 0 ]
roles=$(py playbook draft.docx "$FALLBACK" "$FIXED" "$STRUCK")
check "negotiate: the manifest has fallback 1 of $FALLBACK, $FIXED not negotiable, $STRUCK without a playbook ($roles)" [ -n "$roles" ]
FB_ROLE=${roles% *}   # the role fallback 1 names
DEV_ROLE=${roles#* }  # the role deviations need
run_clasm inspect draft.docx --format json
printf '%s\n' "$OUT" >fresh.json
check "negotiate: a fresh draft is the standard throughout" py fresh fresh.json

# ---- 2. LibreOffice edits it three ways and saves it as DOCX
mkdir -p lo-profile
py body-args draft.docx "$FALLBACK" 1 >fallback1.args
FIXED_TITLE=$(py title draft.docx "$FIXED")
STRUCK_TITLE=$(py title draft.docx "$STRUCK")
OLD="Each party shall comply with the Export Control Laws"
NEW="Each party may comply with the Export Control Laws"
xargs -0 -x timeout 180 /usr/bin/python3 "$ROOT/tests/e2e/lo_edit.py" draft.docx edited.docx lo-profile \
    --replace "$OLD" "$NEW" --delete-clause "$STRUCK_TITLE" \
    --replace-clause-body <fallback1.args >lo.log 2>&1
check "negotiate: LibreOffice pasted fallback 1, changed a word of $FIXED_TITLE, struck $STRUCK_TITLE and saved" \
    sh -c '[ -s edited.docx ] && ! [ -s lo.log ]'

# ---- 3. inspect names the position of each change and who must approve it
run_clasm inspect edited.docx --format json
check "negotiate: inspect reads the edited draft" [ "$RC" -eq 0 ]
printf '%s\n' "$OUT" >edited.json
check "negotiate: $FALLBACK is modified, at fallback 1, for $FB_ROLE" \
    py position edited.json "$FALLBACK" modified "fallback 1" "$FB_ROLE" false
check "negotiate: $FIXED is a deviation, not negotiable, for $DEV_ROLE" \
    py position edited.json "$FIXED" modified deviation "$DEV_ROLE" true
check "negotiate: $STRUCK is removed, a deviation, for $DEV_ROLE" \
    py position edited.json "$STRUCK" removed deviation "$DEV_ROLE" false
check "negotiate: every other clause is unchanged and standard" \
    py others edited.json "$FALLBACK" "$FIXED" "$STRUCK"
summary=$(py summary edited.json "3 changes")
check "negotiate: the summary counts 3 changes ($summary)" [ -n "$summary" ]
run_clasm inspect edited.docx
printf '%s\n' "$OUT" >edited.txt
check "negotiate: text inspect prints the same summary" sh -c '[ -n "$1" ] && grep -qF "$1" edited.txt' _ "$summary"

# ---- 4. the redline, read by LibreOffice
before=$(sha edited.docx)
run_clasm redline edited.docx -o redline.docx --author "$AUTHOR" --date "$DATE" --outgoing
check "negotiate: redline exits 0" [ "$RC" -eq 0 ]
check "negotiate: redline writes its output and leaves the draft as it was" \
    sh -c '[ -s redline.docx ] && [ "$1" = "$2" ]' _ "$before" "$(sha edited.docx)"
check "negotiate: redline: $FIXED reads as the standard with its changes accepted, as edited with them rejected" \
    py fixed-views redline.docx draft.docx "$FIXED" "Each party shall comply" "Each party may comply"
check "negotiate: redline: $STRUCK is back as tracked insertions" \
    py struck-views redline.docx draft.docx "$STRUCK"
check "negotiate: redline: $FALLBACK is left at fallback 1, untracked" \
    py fallback-views redline.docx draft.docx "$FALLBACK" 1
check "negotiate: redline: every tracked change is by $AUTHOR at $DATE" py marks redline.docx "$AUTHOR" "$DATE"
check "negotiate: redline: two Word comments, by $AUTHOR at $DATE" py comments redline.docx 2 "$AUTHOR" "$DATE"
mkdir -p odt
HOME="$W/home" soffice --headless --norestore --convert-to odt --outdir odt redline.docx >odt.log 2>&1
check "negotiate: LibreOffice converts the redline to ODT" [ -s odt/redline.odt ]
# Without --outgoing the comments are our own counsel's: the playbook and
# who must approve, marked to delete before sending.
run_clasm redline edited.docx -o internal.docx --author "$AUTHOR" --date "$DATE"
check "negotiate: redline for our counsel exits 0" [ "$RC" -eq 0 ]
internal=$(/usr/bin/python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("word/comments.xml").decode())' internal.docx 2>/dev/null)
check "negotiate: our counsel's comments say what the playbook says and who must approve" \
    sh -c 'echo "$1" | grep -q "delete before sending" && echo "$1" | grep -q "Not negotiable" && echo "$1" | grep -q "only for a compelling reason"' _ "$internal"
changes=$(py odt-changes odt/redline.odt draft.docx "$FIXED" shall may "$STRUCK" "$AUTHOR" "$DATE")
check "negotiate: LibreOffice reads exactly the changes restoring the standard: may -> shall, $STRUCK_TITLE inserted, nothing in $FALLBACK ($changes)" \
    [ -n "$changes" ]
check "negotiate: LibreOffice shows a comment on $FIXED and on $STRUCK, saying why and giving away no playbook" \
    py odt-comments odt/redline.odt draft.docx "$DEV_ROLE" "$FIXED" "$STRUCK"

# ---- 5. the redline is as valid OOXML as the draft it was made from (the
# draft LibreOffice saved: its own schema errors are not the redline's)
if have_shared; then
    /usr/bin/python3 "$SHARED/ooxml/validate_docx.py" edited.docx >valid-edited.txt 2>&1
    /usr/bin/python3 "$SHARED/ooxml/validate_docx.py" redline.docx >valid-redline.txt 2>&1
    check "negotiate: the redline adds no error against the ECMA-376 schemas to those of the draft LibreOffice saved" \
        py schema valid-edited.txt valid-redline.txt
else
    skip "negotiate: ECMA-376 schema validation of the redline" "$SHARED/ooxml is absent (set CLASM_SHARED)"
fi

# ---- 6. approvals
before=$(sha edited.docx)
run_clasm approve edited.docx --clause "$FALLBACK" --as "$FB_ROLE" --by "Dana Reyes" \
    --note "fallback 1 agreed on the call of 7 December" -o approved.docx
check "negotiate: approve $FALLBACK as $FB_ROLE exits 0" [ "$RC" -eq 0 ]
check "negotiate: approve -o writes the output and leaves the draft as it was" \
    sh -c '[ -s approved.docx ] && [ "$1" = "$2" ]' _ "$before" "$(sha edited.docx)"
run_clasm inspect approved.docx --format json
printf '%s\n' "$OUT" >approved.json
check "negotiate: inspect shows $FALLBACK approved by Dana Reyes as $FB_ROLE" \
    py approved approved.json "$FALLBACK" "$FB_ROLE" "Dana Reyes"
before=$(sha approved.docx)
files=$(ls -A | wc -l)
run_clasm approve approved.docx --clause "$FIXED" --as contract-manager --by "Dana Reyes" -o refused.docx
check "negotiate: approving the deviation in $FIXED as contract-manager is refused (exit 1)" [ "$RC" -eq 1 ]
check "negotiate: the refusal has an error id and names the role needed ($DEV_ROLE)" \
    sh -c 'printf "%s" "$1" | grep -q "\[[a-z][a-z0-9-]*\]" && printf "%s" "$1" | grep -qiF "$2"' _ "$ERR" "$DEV_ROLE"
check "negotiate: the refusal writes nothing and leaves the draft as it was" \
    sh -c '[ ! -e refused.docx ] && [ "$(ls -A | wc -l)" -eq "$1" ] && [ "$2" = "$3" ]' _ "$files" "$before" "$(sha approved.docx)"
run_clasm approve approved.docx --clause "$FIXED" --as contract-manager --by "Dana Reyes"
check "negotiate: refused in place too (exit 1), the draft unchanged" \
    sh -c '[ "$1" -eq 1 ] && [ "$2" = "$3" ] && [ "$(ls -A | wc -l)" -eq "$4" ]' _ "$RC" "$before" "$(sha approved.docx)" "$files"
