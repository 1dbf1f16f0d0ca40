#!/bin/sh
# Regression cases of redline, approve and inspect on returned drafts, each
# made from a fresh contract by editing word/document.xml (or the manifest)
# the way an editor or the other side would:
#  1. a clause's content control copied elsewhere (Word's copy and paste)
#     and one word of the copy changed: the clause is unchanged, the copy is
#     text outside the clauses, and the redline touches no other clause;
#  2. a clause's heading paragraph deleted: the redline puts it back before
#     the body, in the heading style, with its number;
#  3. a list item deleted: the restored item is lettered in its place;
#  4. a deal value holding '#' in a clause that also has a cross-reference,
#     the clause deleted: references come back as REF fields, '#1' as text;
#  5. approve refuses a --by with a control character and a --note that is
#     not UTF-8, and leaves the draft as it was;
#  6. the manifest edited to make a clause negotiable: with the library the
#     draft was made with, inspect still says it is not negotiable.
. "$(dirname "$0")/lib.sh"
W=$(workdir redline-cases)
cd "$W" || exit 1
DEAL="$ROOT/examples/deals/cloud-analytics-state-telecom.yaml"
AUTHOR="Redline Cases"
DATE=2026-12-07T09:00:00Z

cat >cases.py <<'PY'
"""Edits and checks of redline-cases.sh: python3 cases.py COMMAND ARGS;
exit 0 when it holds, else the reason on stderr."""
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

M = "{urn:clasm:manifest:1}"
WN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def is_manifest(name, data):
    return re.fullmatch(r"customXml/item\d+\.xml", name) and b"<clasm:manifest" in data


def rewrite(src, dst, doc_edit=None, manifest_edit=None):
    """Copies the package src to dst, word/document.xml and the manifest
    passed through the edits (text in, text out)."""
    zin = zipfile.ZipFile(src)
    zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for info in zin.infolist():
        data = zin.read(info.filename)
        if doc_edit and info.filename == "word/document.xml":
            data = doc_edit(data.decode("utf-8")).encode("utf-8")
        elif manifest_edit and is_manifest(info.filename, data):
            data = manifest_edit(data.decode("utf-8")).encode("utf-8")
        zout.writestr(info, data)
    zout.close()


def sdt_span(doc, cid):
    """Where the content control of clause cid starts and ends in doc (text)."""
    tag = '<w:tag w:val="clasm:%s@' % cid
    assert doc.count(tag) == 1, "the draft has %d controls of %s" % (doc.count(tag), cid)
    i = doc.index(tag)
    s = doc.rindex("<w:sdt>", 0, i)
    e = doc.index("</w:sdt>", i) + len("</w:sdt>")
    assert "<w:sdt>" not in doc[s + 1:e], "nested controls in " + cid
    return s, e


def para_spans(block):
    return [m.span() for m in re.finditer(r"<w:p(?: [^>]*)?>.*?</w:p>", block, re.S)]


def change_word(doc):
    old = "Each party shall comply with the Export Control Laws"
    assert doc.count(old) == 1, "the export-control sentence is not there once"
    return doc.replace(old, "Each party may comply with the Export Control Laws")


def paste(doc, cid, after, old, new):
    """The control of cid copied whole after the control of clause after,
    old changed to new in the copy, which gets a control id of its own."""
    s, e = sdt_span(doc, cid)
    block = doc[s:e]
    assert block.count(old) == 1, "%r is not in %s once" % (old, cid)
    block = block.replace(old, new)
    ids = [int(x) for x in re.findall(r'<w:id w:val="(-?\d+)"/>', doc)]
    block = re.sub(r'<w:id w:val="-?\d+"/>', '<w:id w:val="%d"/>' % (max(ids) + 1), block, count=1)
    _, e2 = sdt_span(doc, after)
    return doc[:e2] + block + doc[e2:]


def drop_para(doc, cid, which):
    """Deletes a paragraph of clause cid: "heading", or "item:N" (the Nth
    list item, from 1)."""
    s, e = sdt_span(doc, cid)
    block = doc[s:e]
    ps = para_spans(block)
    if which == "heading":
        a, b = ps[0]
        assert "ClauseHeading" in block[a:b], "the first paragraph of %s is no heading" % cid
    else:
        items = [(a, b) for a, b in ps if "<w:numPr>" in block[a:b]]
        n = int(which.split(":")[1])
        assert len(items) >= n, "%s has %d list items" % (cid, len(items))
        a, b = items[n - 1]
    return doc[:s] + block[:a] + block[b:] + doc[e:]


def drop_clauses(doc, ids):
    for cid in ids:
        s, e = sdt_span(doc, cid)
        doc = doc[:s] + doc[e:]
    return doc


def manifest(docx):
    z = zipfile.ZipFile(docx)
    for name in z.namelist():
        data = z.read(name)
        if is_manifest(name, data):
            return ET.fromstring(data)
    sys.exit("%s has no manifest" % docx)


def mclause(root, cid):
    for c in root.findall(M + "clause"):
        if c.get("id") == cid:
            return c
    raise AssertionError("the manifest has no clause " + cid)


def mparas(c):
    return [p.text or "" for p in c.findall(M + "p")]


def body(docx):
    return ET.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))


def clause_of(sdt):
    pr = sdt.find(WN + "sdtPr")
    tag = pr.find(WN + "tag") if pr is not None else None
    v = tag.get(WN + "val") if tag is not None else None
    if v and v.startswith("clasm:") and "@" in v:
        return v[len("clasm:"):v.rindex("@")]
    return None


def controls(root, cid=None):
    """The clause controls (sdt, id) of the body in document order."""
    out = []
    for sdt in root.iter(WN + "sdt"):
        c = clause_of(sdt)
        if c and (cid is None or c == cid):
            out.append((sdt, c))
    return out


def sdt_paras(sdt):
    content = sdt.find(WN + "sdtContent")
    return [p for p in content.iter(WN + "p")] if content is not None else []


def ptext(p, view="accepted"):
    """A paragraph's text: accepted drops w:del, keeps w:ins."""
    acc = []

    def walk(el, skip):
        if el.tag == WN + "del" and view == "accepted" or el.tag == WN + "ins" and view == "rejected":
            skip = True
        if el.tag == WN + "instrText":
            return
        if not skip and el.tag in (WN + "t", WN + "delText"):
            acc.append(el.text or "")
        for k in el:
            walk(k, skip)

    walk(p, False)
    return "".join(acc)


def marks(el):
    return [e for e in el.iter() if e.tag in (WN + "ins", WN + "del")]


def norm(s):
    return " ".join(s.split())


def reads_as(text, want):
    """text reads as want, each "clause #" of want a numbered reference."""
    parts = re.split(r"(?<=[Cc]lause )#", norm(want))
    pattern = r"\d+(?:\.\d+)*".join(re.escape(p) for p in parts)
    return re.fullmatch(pattern, norm(text)) is not None


def heading_lines(txt):
    return [l.strip() for l in open(txt, encoding="utf-8-sig").read().splitlines()
            if re.match(r"\s*\d+\.\d+ \S", l)]


def main(cmd, a):
    if cmd == "paste":  # SRC DST ID AFTER OLD NEW [FIXED]: the copy, and maybe a word of compliance
        def edit(doc):
            doc = paste(doc, a[2], a[3], a[4], a[5])
            return change_word(doc) if len(a) > 6 else doc
        rewrite(a[0], a[1], edit)
    elif cmd == "drop":  # SRC DST ID heading|item:N
        rewrite(a[0], a[1], lambda doc: drop_para(doc, a[2], a[3]))
    elif cmd == "drop-clauses":  # SRC DST ID...
        rewrite(a[0], a[1], lambda doc: drop_clauses(doc, a[2:]))
    elif cmd == "negotiable":  # SRC DST ID removed|true: word of compliance changed, manifest edited
        def edit_manifest(text):
            pat = r'(<clasm:clause id="%s"[^>]*?) negotiable="false"' % re.escape(a[2])
            text, n = re.subn(pat, r"\1" + (' negotiable="true"' if a[3] == "true" else ""), text)
            if n != 1:
                sys.exit(3)  # nothing to flip: the caller skips
            return text
        rewrite(a[0], a[1], change_word, edit_manifest)
    elif cmd == "status":  # JSON ID STATUS
        cs = {c["id"]: c for c in json.load(open(a[0]))["clauses"]}
        assert cs[a[1]]["status"] == a[2], cs[a[1]]
    elif cmd == "others-unchanged":  # JSON ID...: every clause not named is unchanged
        bad = [(c["id"], c["status"]) for c in json.load(open(a[0]))["clauses"]
               if c["id"] not in a[1:] and c["status"] != "unchanged"]
        assert not bad, bad
    elif cmd == "outside":  # JSON WORDS: outside_clauses holds a paragraph with WORDS
        out = json.load(open(a[0])).get("outside_clauses")
        assert isinstance(out, list) and out, "outside_clauses: %r" % out
        assert any(a[1] in s for s in out), "no outside paragraph says %r: %r" % (a[1], out)
    elif cmd == "marks-only-in":  # REDLINE ID...: no w:ins/w:del in any other clause's control
        root = body(a[0])
        bad = {}
        for sdt, cid in controls(root):
            if cid not in a[1:] and marks(sdt):
                bad[cid] = len(marks(sdt))
        assert not bad, "tracked changes in other clauses: %s" % bad
    elif cmd == "no-marks-in":  # REDLINE ID: no w:ins/w:del in any control of ID
        root = body(a[0])
        bad = [len(marks(sdt)) for sdt, _ in controls(root, a[1])]
        assert not any(bad), "w:ins/w:del in the controls of %s: %s" % (a[1], bad)
    elif cmd == "has-marks-in":  # REDLINE ID
        assert any(marks(sdt) for sdt, _ in controls(body(a[0]), a[1])), "no change in " + a[1]
    elif cmd == "copy-kept":  # REDLINE DRAFT ID WORDS: first control of ID as drafted, second says WORDS
        root, c = body(a[0]), mclause(manifest(a[1]), a[2])
        cs = controls(root, a[2])
        assert len(cs) == 2, "%d controls of %s" % (len(cs), a[2])
        got = [norm(ptext(p)) for p in sdt_paras(cs[0][0])]
        want = [norm(c.findtext(M + "title"))] + [norm(p) for p in mparas(c)]
        assert got == want, "the clause reads %r" % got
        copy = " ".join(ptext(p) for p in sdt_paras(cs[1][0]))
        assert a[3] in copy, "the copy reads %r" % copy
    elif cmd == "heading-back":  # REDLINE DRAFT ID: heading first, tracked, in the headings' style
        root, c = body(a[0]), mclause(manifest(a[1]), a[2])
        cs = controls(root, a[2])
        assert len(cs) == 1, "%d controls of %s" % (len(cs), a[2])
        ps = sdt_paras(cs[0][0])
        title, first = c.findtext(M + "title"), mparas(c)[0]
        at = [k for k, p in enumerate(ps) if norm(ptext(p)) == norm(title)]
        assert at, "no paragraph of the clause reads %r" % title
        starts = [k for k, p in enumerate(ps) if reads_as(ptext(p), first)]
        assert starts, "the body's first paragraph is not in the control"
        assert at[0] == 0 and starts[0] == 1, \
            "the heading is paragraph %d, the body starts at %d" % (at[0], starts[0])
        assert marks(ps[0]), "the heading is not a tracked insertion"

        def style(p):
            s = p.find(WN + "pPr/" + WN + "pStyle")
            return s.get(WN + "val") if s is not None else None
        others = {style(sdt_paras(s)[0]) for s, cid in controls(root) if cid != a[2]}
        assert len(others) == 1, "the other headings have styles %s" % others
        assert style(ps[0]) in others, "the heading's style is %r, the others' %s" % (style(ps[0]), others)
    elif cmd == "txt-heading":  # TXT DRAFT_TXT TITLE FIRST_WORDS: numbered heading just before the body
        lines = [l.strip() for l in open(a[0], encoding="utf-8-sig").read().splitlines()]
        at = [k for k, l in enumerate(lines) if re.fullmatch(r"\d+\.\d+ " + re.escape(a[2]), l)]
        assert len(at) == 1, "lines with the numbered heading: %d" % len(at)
        nxt = lines[at[0] + 1] if at[0] + 1 < len(lines) else ""
        assert nxt.startswith(a[3]), "after %r comes %r" % (lines[at[0]], nxt)
        want = heading_lines(a[1])
        got = heading_lines(a[0])
        assert got == want, "numbered headings differ from the draft's: %s" % [
            (w, g) for w, g in zip(want, got) if w != g][:3]
    elif cmd == "txt-letters":  # TXT TITLE N: the clause's list lettered (a)... N items in order
        lines = open(a[0], encoding="utf-8-sig").read().splitlines()
        at = [k for k, l in enumerate(lines) if re.fullmatch(r"\s*\d+\.\d+ " + re.escape(a[1]), l)]
        assert len(at) == 1, "lines with the numbered heading: %d" % len(at)
        letters = []
        for l in lines[at[0] + 1:]:
            if re.match(r"\s*\d+\.\d+ \S", l):
                break
            m = re.match(r"\s*\(([a-z])\)\s", l)
            if m:
                letters.append(m.group(1))
        want = [chr(ord("a") + k) for k in range(int(a[2]))]
        assert letters == want, "the items are lettered %s" % letters
    elif cmd == "list-count":  # DRAFT ID: how many list items the clause has
        print(sum(1 for p in mclause(manifest(a[0]), a[1]).findall(M + "p") if p.get("list") is not None))
    elif cmd == "hash-clauses":  # DRAFT VALUE: the clauses to delete, a clause with VALUE and a reference
        cs = manifest(a[0]).findall(M + "clause")
        ref = lambda p: re.search(r"[Cc]lause #", p) is not None
        same_p = [c for c in cs if any(a[1] in p and ref(p) for p in mparas(c))]
        both = [c for c in cs if any(a[1] in p for p in mparas(c)) and any(ref(p) for p in mparas(c))]
        if same_p or both:
            print((same_p or both)[0].get("id"))
        else:
            val = [c for c in cs if any(a[1] in p for p in mparas(c))]
            refs = [c for c in cs if any(ref(p) for p in mparas(c))]
            assert val and refs, "no clause holds %r, or none a reference" % a[1]
            print(val[0].get("id"), refs[0].get("id"))
    elif cmd == "hash-restored":  # REDLINE DRAFT VALUE ID...: REF fields and VALUE as text, inserted
        root, m = body(a[0]), manifest(a[1])
        for cid in a[3:]:
            c = mclause(m, cid)
            cs = controls(root, cid)
            if cs:  # restored inside a control of its own
                ps = sdt_paras(cs[0][0])
            else:  # restored as plain paragraphs: find them by their heading
                allp = list(root.iter(WN + "p"))
                k = [i for i, p in enumerate(allp) if norm(ptext(p)) == norm(c.findtext(M + "title"))]
                assert k, "%s: its heading is not back" % cid
                ps = allp[k[0]:k[0] + 1 + len(mparas(c))]
            want = mparas(c)
            got = [ptext(p) for p in ps[1:1 + len(want)]]
            bad = [(g, w) for g, w in zip(got, want) if not reads_as(g, w)]
            assert len(got) == len(want) and not bad, "%s reads otherwise: %s" % (cid, bad[:2])
            instr = []
            for p in ps:
                for ins in p.iter(WN + "ins"):
                    instr += [norm(t.text or "") for t in ins.iter(WN + "instrText")]
            refs = (c.get("refs") or "").split()
            assert instr == ["REF %s \\w \\h" % r for r in refs], \
                "%s: fields %s, the manifest's references %s" % (cid, instr, refs)
            inserted = "".join(t.text or "" for p in ps for ins in p.iter(WN + "ins")
                               for t in ins.iter(WN + "t"))
            holds = sum(p.count(a[2]) for p in want)
            assert inserted.count(a[2]) == holds, "%s: %r %d times inserted as text, %d in the clause" % (
                cid, a[2], inserted.count(a[2]), holds)
            assert not re.search(r"[Cc]lause #", inserted), "%s: a reference inserted as text" % cid
            assert "?" not in [t.text for p in ps for t in p.iter(WN + "t")], "%s: a field shows ?" % cid
    elif cmd == "txt-hash":  # TXT DRAFT_TXT VALUE: LibreOffice shows VALUE and the references as drafted
        red = open(a[0], encoding="utf-8-sig").read()
        draft = open(a[1], encoding="utf-8-sig").read()
        assert a[2] in red, "%r is not in the text" % a[2]
        want = sorted(set(re.findall(r"[Cc]lause \d+(?:\.\d+)*", draft)))
        got = sorted(set(re.findall(r"[Cc]lause \d+(?:\.\d+)*", red)))
        assert want == got, "references %s, the draft's %s" % (got, want)
        assert not re.search(r"[Cc]lause (#|\?|Error)", red), "a reference that does not resolve"
    elif cmd == "not-negotiable":  # JSON ID
        cs = {c["id"]: c for c in json.load(open(a[0]))["clauses"]}
        c = cs[a[1]]
        assert c.get("position") == "deviation" and c.get("not_negotiable") is True \
            and c.get("negotiable") is False, c
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2:])
    except AssertionError as e:
        sys.exit("not so: %s" % e)
PY
py() { /usr/bin/python3 "$W/cases.py" "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
redline() { run_clasm redline "$1" -o "$2" --author "$AUTHOR" --date "$DATE"; }

run_clasm assemble "$DEAL" --document contract -o draft.docx
check "redline-cases: the contract assembles" [ "$RC" -eq 0 ]
if [ "$RC" -ne 0 ]; then exit 0; fi
# LibreOffice's texts go in TXT, a full path: to_text makes its profile
# (HOME) there, and soffice does not start with a relative HOME.
TXT="$W/txt"
if have_soffice; then
    mkdir -p "$TXT"
    draft_txt=$(to_text draft.docx "$TXT")
fi

# ---- 1. a clause's control copied after another clause, a word changed
COPIED=use-restrictions.ip-conditions
AFTER=use-restrictions.security-alerts
BETWEEN=use-restrictions.aggregate-analytics
NEWWORDS="is granted on understanding that"
if py paste draft.docx pasted.docx "$COPIED" "$AFTER" "is granted on condition that" "$NEWWORDS" &&
    py paste draft.docx pasted-fixed.docx "$COPIED" "$AFTER" "is granted on condition that" "$NEWWORDS" fixed; then
    run_clasm inspect pasted.docx --format json
    printf '%s\n' "$OUT" >pasted.json
    check "redline-cases: copied control: inspect exits 0" [ "$RC" -eq 0 ]
    check "redline-cases: copied control: $COPIED is unchanged" py status pasted.json "$COPIED" unchanged
    check "redline-cases: copied control: every clause is unchanged" py others-unchanged pasted.json
    check "redline-cases: copied control: the copy's changed text is listed outside the clauses" \
        py outside pasted.json "$NEWWORDS"
    run_clasm inspect pasted.docx
    printf '%s\n' "$OUT" | sed -n '/text outside the clauses/,$p' >pasted-outside.txt
    check "redline-cases: copied control: text inspect lists the copy under text outside the clauses" \
        grep -qF "$NEWWORDS" pasted-outside.txt
    redline pasted.docx pasted-redline.docx
    check "redline-cases: copied control: redline exits 0" [ "$RC" -eq 0 ]
    check "redline-cases: copied control: no tracked change in any other clause (e.g. $BETWEEN)" \
        py marks-only-in pasted-redline.docx "$COPIED"
    check "redline-cases: copied control: $COPIED has no tracked change" \
        py no-marks-in pasted-redline.docx "$COPIED"
    check "redline-cases: copied control: $COPIED reads as drafted, the copy as pasted" \
        py copy-kept pasted-redline.docx draft.docx "$COPIED" "$NEWWORDS"
    # With a real deviation elsewhere, the redline changes that clause only.
    run_clasm inspect pasted-fixed.docx --format json
    printf '%s\n' "$OUT" >pasted-fixed.json
    check "redline-cases: copied control and a changed clause: export-control.compliance is modified" \
        py status pasted-fixed.json export-control.compliance modified
    check "redline-cases: copied control and a changed clause: every other clause is unchanged" \
        py others-unchanged pasted-fixed.json export-control.compliance
    redline pasted-fixed.docx pasted-fixed-redline.docx
    check "redline-cases: copied control and a changed clause: redline exits 0" [ "$RC" -eq 0 ]
    check "redline-cases: copied control and a changed clause: the changed clause is redlined" \
        py has-marks-in pasted-fixed-redline.docx export-control.compliance
    check "redline-cases: copied control and a changed clause: no tracked change in any other clause" \
        py marks-only-in pasted-fixed-redline.docx export-control.compliance
    check "redline-cases: copied control and a changed clause: $COPIED as drafted, the copy as pasted" \
        py copy-kept pasted-fixed-redline.docx draft.docx "$COPIED" "$NEWWORDS"
else
    fail "redline-cases: copied control" "the draft with the copied control could not be made"
fi

# ---- 2. the heading paragraph of a clause deleted
NOHEAD=export-control.no-diversion
NOHEAD_TITLE="No Re-Export or Diversion"
if py drop draft.docx nohead.docx "$NOHEAD" heading; then
    run_clasm inspect nohead.docx --format json
    printf '%s\n' "$OUT" >nohead.json
    check "redline-cases: heading deleted: $NOHEAD is modified" py status nohead.json "$NOHEAD" modified
    redline nohead.docx nohead-redline.docx
    check "redline-cases: heading deleted: redline exits 0" [ "$RC" -eq 0 ]
    check "redline-cases: heading deleted: the heading is back first, tracked, in the headings' style" \
        py heading-back nohead-redline.docx draft.docx "$NOHEAD"
    check "redline-cases: heading deleted: no tracked change in any other clause" \
        py marks-only-in nohead-redline.docx "$NOHEAD"
    if have_soffice; then
        t=$(to_text nohead-redline.docx "$TXT")
        check "redline-cases: heading deleted: LibreOffice shows 'N.N $NOHEAD_TITLE' right before the body, numbered as in the draft" \
            py txt-heading "$t" "$draft_txt" "$NOHEAD_TITLE" "The Customer shall not sell, lease"
    else
        skip "redline-cases: heading deleted: LibreOffice's text of the redline" "soffice is not installed"
    fi
else
    fail "redline-cases: heading deleted" "the draft without the heading could not be made"
fi

# ---- 3. a list item deleted: the second, then the first
LISTED=use-restrictions.prohibited-uses
LISTED_TITLE="Prohibited Uses"
items=$(py list-count draft.docx "$LISTED")
for n in 2 1; do
    if py drop draft.docx "noitem$n.docx" "$LISTED" "item:$n"; then
        run_clasm inspect "noitem$n.docx" --format json
        printf '%s\n' "$OUT" >"noitem$n.json"
        check "redline-cases: list item $n deleted: $LISTED is modified" \
            py status "noitem$n.json" "$LISTED" modified
        redline "noitem$n.docx" "noitem$n-redline.docx"
        check "redline-cases: list item $n deleted: redline exits 0" [ "$RC" -eq 0 ]
        check "redline-cases: list item $n deleted: no tracked change in any other clause" \
            py marks-only-in "noitem$n-redline.docx" "$LISTED"
        if have_soffice; then
            t=$(to_text "noitem$n-redline.docx" "$TXT")
            check "redline-cases: list item $n deleted: LibreOffice letters the $items items (a), (b), (c)... in order" \
                py txt-letters "$t" "$LISTED_TITLE" "$items"
        else
            skip "redline-cases: list item $n deleted: LibreOffice's text of the redline" "soffice is not installed"
        fi
    else
        fail "redline-cases: list item $n deleted" "the draft without the item could not be made"
    fi
done

# ---- 4. a deal value holding '#', in a clause with a cross-reference
VALUE="NOC #1"
if grep -q '^  authorized_sites:' "$ROOT/clauses/library.yaml" && grep -q '^  authorized_sites: ' "$DEAL"; then
    sed 's|^  authorized_sites: .*|  authorized_sites: "the Customer NOC #1 in Varn"|' "$DEAL" >hash.yaml
    run_clasm assemble hash.yaml --document contract -o hash.docx
    check "redline-cases: '#' in a value: the deal with authorized_sites '$VALUE' assembles" [ "$RC" -eq 0 ]
    gone=$(py hash-clauses hash.docx "#1")
    check "redline-cases: '#' in a value: a clause holds '#1' and a reference ($gone)" [ -n "$gone" ]
    # shellcheck disable=SC2086 # $gone is one or two clause ids
    if [ -n "$gone" ] && py drop-clauses hash.docx hash-gone.docx $gone; then
        redline hash-gone.docx hash-redline.docx
        check "redline-cases: '#' in a value: redline exits 0" [ "$RC" -eq 0 ]
        # shellcheck disable=SC2086
        check "redline-cases: '#' in a value: $gone restored with REF fields for its references and '#1' as text" \
            py hash-restored hash-redline.docx hash.docx "#1" $gone
        if have_soffice; then
            ht=$(to_text hash.docx "$TXT")
            t=$(to_text hash-redline.docx "$TXT")
            check "redline-cases: '#' in a value: LibreOffice shows '$VALUE' and every reference numbered as in the draft" \
                py txt-hash "$t" "$ht" "the Customer $VALUE in Varn"
        else
            skip "redline-cases: '#' in a value: LibreOffice's text of the redline" "soffice is not installed"
        fi
    else
        fail "redline-cases: '#' in a value" "the draft without $gone could not be made"
    fi
else
    fail "redline-cases: '#' in a value" "authorized_sites is not a term of the library and the deal"
fi

# ---- 5. approve: --by with a control character, --note not UTF-8
# refused_approval NAME ID ARGS...: approve ARGS on a fresh copy of
# nohead.docx exits 1 with [ID] and writes nothing (in place or -o).
refused_approval() {
    _name=$1 _id=$2
    shift 2
    cp nohead.docx approve.docx
    rm -f approved.docx
    _before=$(sha approve.docx)
    run_clasm approve approve.docx "$@"
    check "redline-cases: approve $_name: exit 1, [$_id]" \
        sh -c '[ "$1" -eq 1 ] && printf "%s" "$2" | grep -qF "[$3]"' _ "$RC" "$ERR" "$_id"
    check "redline-cases: approve $_name: the draft is byte-identical, nothing written" \
        sh -c '[ "$1" = "$2" ] && [ ! -e approved.docx ]' _ "$_before" "$(sha approve.docx)"
}
# A deviation counsel may approve, so that only the name or note is wrong.
if [ -s nohead.docx ]; then
    for o in "" "-o approved.docx"; do
        at=${o:+"$o "}
        # shellcheck disable=SC2086 # $o is empty or two words
        refused_approval "$at--by with a control character" invalid-approver-name \
            --clause "$NOHEAD" --as counsel --by "$(printf 'A\001B')" $o
        # shellcheck disable=SC2086
        refused_approval "$at--note not UTF-8" invalid-note \
            --clause "$NOHEAD" --as counsel --by "K. Osei" --note "$(printf 'agreed \377')" $o
    done
    # The same approval with a plain name and note is recorded.
    cp nohead.docx approve.docx
    run_clasm approve approve.docx --clause "$NOHEAD" --as counsel --by "K. Osei" --note "agreed" -o approved.docx
    check "redline-cases: approve with a plain --by and --note is recorded (exit 0)" \
        sh -c '[ "$1" -eq 0 ] && [ -s approved.docx ]' _ "$RC"
else
    fail "redline-cases: approve" "no draft with a deviation to approve (case 2 failed)"
fi

# ---- 6. the manifest says a clause that is not negotiable is negotiable
FIXED=export-control.compliance
for how in removed true; do
    py negotiable draft.docx "neg-$how.docx" "$FIXED" "$how"
    st=$?
    if [ "$st" -eq 3 ]; then
        skip "redline-cases: negotiable=\"false\" $how in the manifest" "the manifest entry of $FIXED has no negotiable attribute"
        continue
    elif [ "$st" -ne 0 ]; then
        fail "redline-cases: negotiable=\"false\" $how in the manifest" "the draft could not be made"
        continue
    fi
    what=$([ "$how" = true ] && echo 'set to negotiable="true"' || echo 'negotiable="false" removed')
    run_clasm inspect "neg-$how.docx" --format json
    printf '%s\n' "$OUT" >"neg-$how.json"
    check "redline-cases: $FIXED changed, its manifest entry's $what: inspect (bundled library) says not_negotiable" \
        py not-negotiable "neg-$how.json" "$FIXED"
    run_clasm inspect "neg-$how.docx" --library "$ROOT/clauses" --format json
    printf '%s\n' "$OUT" >"neg-$how-lib.json"
    check "redline-cases: $FIXED changed, its manifest entry's $what: inspect --library clauses says not_negotiable" \
        py not-negotiable "neg-$how-lib.json" "$FIXED"
    run_clasm inspect "neg-$how.docx"
    printf '%s\n' "$OUT" | grep -A2 "^  modified   $FIXED@" >"neg-$how.txt"
    check "redline-cases: $FIXED changed, its manifest entry's $what: text inspect says (not negotiable)" \
        grep -qF "position: deviation (not negotiable); needs counsel" "neg-$how.txt"
done
