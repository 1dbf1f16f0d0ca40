#!/usr/bin/python3
"""Check the committed templates against the conventions the assembler relies on.

Usage: /usr/bin/python3 templates/src/check_templates.py
Exit 0 when every check passes; otherwise prints each problem (naming the file and
part) and exits 1. Checks:
- the DOCX files (and memo.docx, whose lists clasm itself checks when it opens it) are exactly
  what build_templates.py produces (rebuilt in a temp dir);
- every part is well-formed XML with no DOCTYPE;
- styles.xml defines Title, Heading1, ClauseHeading, ClauseBody, ClauseList, Normal, Header,
  Footer, TableGrid; ClauseHeading is numbered at level 1 of Heading1's list; ClauseList points at
  a list whose level 0 is lowerLetter "(%1)" and level 1 lowerRoman "(%2)";
- every category of clauses/library.yaml's list has a place (named or a catch-all), no category
  is named twice, and insertion points / markers are alone in their paragraph;
- {{#if}} and {{/if}} balance within each container (body, table cell, content control);
- the header holds {{ id }} (after joining runs) and the footer PAGE and NUMPAGES fields.
"""
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.dirname(HERE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAMES = ["contract.docx", "eula.docx", "reseller-agreement.docx", "addendum.docx"]
CATEGORIES = {
    "definitions", "end-use", "export-control", "use-restrictions", "data-handling",
    "termination", "update-denial", "access-control", "reseller-diligence", "grievance",
    "reassessment", "audit",
}
STYLES = ["Title", "Heading1", "ClauseHeading", "ClauseBody", "ClauseList", "Normal", "Header",
          "Footer", "TableGrid"]


def ptext(p):
    return "".join(t.text or "" for t in p.iter(W + "t"))


def check_reproducible(problems):
    with tempfile.TemporaryDirectory() as td:
        subprocess.run([sys.executable, os.path.join(HERE, "build_templates.py"), td],
                       check=True, stdout=subprocess.DEVNULL)
        for n in NAMES + ["memo.docx"]:
            with open(os.path.join(td, n), "rb") as a, open(os.path.join(TEMPLATES, n), "rb") as b:
                if a.read() != b.read():
                    problems.append("%s: differs from what build_templates.py generates; rerun it" % n)


def check_styles(name, styles, numbering, problems):
    by_id = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}
    for sid in STYLES:
        if sid not in by_id:
            problems.append("%s: styles.xml: style %s missing" % (name, sid))

    def numpr(sid):
        s = by_id.get(sid)
        n = s.find("%spPr/%snumPr" % (W, W)) if s is not None else None
        if n is None:
            return None, None
        ilvl = n.find(W + "ilvl")
        return n.find(W + "numId").get(W + "val"), ilvl.get(W + "val") if ilvl is not None else "0"

    h_num, h_lvl = numpr("Heading1")
    c_num, c_lvl = numpr("ClauseHeading")
    if h_num is None or (c_num, c_lvl) != (h_num, "1"):
        problems.append("%s: styles.xml: ClauseHeading must be level 1 of Heading1's list" % name)
    if by_id.get("ClauseHeading") is not None and \
            by_id["ClauseHeading"].find(W + "name").get(W + "val") != "Clause Heading":
        problems.append("%s: styles.xml: ClauseHeading must be named 'Clause Heading'" % name)
    l_num, _ = numpr("ClauseList")
    abstract_of = {n.get(W + "numId"): n.find(W + "abstractNumId").get(W + "val")
                   for n in numbering.iter(W + "num")}
    abstracts = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}

    def level(num, ilvl):
        a = abstracts.get(abstract_of.get(num))
        for lv in (a.iter(W + "lvl") if a is not None else []):
            if lv.get(W + "ilvl") == ilvl:
                return lv.find(W + "numFmt").get(W + "val"), lv.find(W + "lvlText").get(W + "val")
        return None

    want = {(h_num, "0"): ("decimal", "%1."), (h_num, "1"): ("decimal", "%1.%2"),
            (l_num, "0"): ("lowerLetter", "(%1)"), (l_num, "1"): ("lowerRoman", "(%2)")}
    for (num, ilvl), fmt in want.items():
        if level(num, ilvl) != fmt:
            problems.append("%s: numbering.xml: numId %s level %s is %s, want %s"
                            % (name, num, ilvl, level(num, ilvl), fmt))


def walk_containers(elem, where, out):
    """Yield (where, [paragraph texts]) for the body and for each table cell / content control."""
    paras = []
    for child in elem:
        if child.tag == W + "p":
            paras.append(ptext(child))
        elif child.tag == W + "tbl":
            for r, tr in enumerate(child.iter(W + "tr")):
                for c, tc in enumerate(tr.findall(W + "tc")):
                    walk_containers(tc, "%s table row %d cell %d" % (where, r + 1, c + 1), out)
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            walk_containers(content, where + " content control", out)
    out.append((where, paras))


def check_document(name, doc, problems):
    body = doc.find(W + "body")
    containers = []
    walk_containers(body, "body", containers)
    placed = set()
    catch_all = False
    for where, paras in containers:
        depth = 0
        for i, text in enumerate(paras):
            for tok in re.findall(r"\{\{(.*?)\}\}", text):
                tok = tok.strip()
                marker = tok.startswith(("#if", "/if", "clauses"))
                if marker and not re.fullmatch(r"\s*\{\{[^{}]*\}\}\s*", text):
                    problems.append("%s: %s paragraph %d: %r must be alone in its paragraph"
                                    % (name, where, i + 1, tok))
                if tok.startswith("#if"):
                    depth += 1
                elif tok.startswith("/if"):
                    depth -= 1
                    if depth < 0:
                        problems.append("%s: %s paragraph %d: {{/if}} without {{#if}}" % (name, where, i + 1))
                        depth = 0
                elif tok == "clauses":
                    catch_all = True
                elif tok.startswith("clauses:"):
                    for cat in (c.strip() for c in tok[len("clauses:"):].split(",")):
                        if cat not in CATEGORIES:
                            problems.append("%s: %s paragraph %d: unknown category %r" % (name, where, i + 1, cat))
                        elif cat in placed:
                            problems.append("%s: category %s has two insertion points" % (name, cat))
                        placed.add(cat)
        if depth:
            problems.append("%s: %s: %d {{#if}} left open" % (name, where, depth))
    for sdt in body.iter(W + "sdt"):
        tag = sdt.find("%ssdtPr/%stag" % (W, W))
        val = tag.get(W + "val") if tag is not None else ""
        if val == "clauses":
            catch_all = True
        elif val.startswith("clauses:"):
            for cat in val[len("clauses:"):].split(","):
                if cat.strip() in placed:
                    problems.append("%s: category %s has two insertion points" % (name, cat))
                placed.add(cat.strip())
    if not catch_all and CATEGORIES - placed:
        problems.append("%s: no place for categories %s" % (name, ", ".join(sorted(CATEGORIES - placed))))


def main():
    problems = []
    check_reproducible(problems)
    for n in NAMES:
        with zipfile.ZipFile(os.path.join(TEMPLATES, n)) as z:
            parts = {}
            for part in z.namelist():
                data = z.read(part)
                if b"<!DOCTYPE" in data:
                    problems.append("%s: %s: has a DOCTYPE" % (n, part))
                try:
                    parts[part] = ET.fromstring(data)
                except ET.ParseError as e:
                    problems.append("%s: %s: not well-formed: %s" % (n, part, e))
            if "word/styles.xml" in parts and "word/numbering.xml" in parts:
                check_styles(n, parts["word/styles.xml"], parts["word/numbering.xml"], problems)
            if "word/document.xml" in parts:
                check_document(n, parts["word/document.xml"], problems)
            hdr = parts.get("word/header1.xml")
            if hdr is None or "{{ id }}" not in "".join(ptext(p) for p in hdr.iter(W + "p")):
                problems.append("%s: word/header1.xml: no {{ id }}" % n)
            ftr = parts.get("word/footer1.xml")
            instrs = " ".join(f.get(W + "instr") for f in ftr.iter(W + "fldSimple")) if ftr is not None else ""
            if "PAGE" not in instrs.split() or "NUMPAGES" not in instrs.split():
                problems.append("%s: word/footer1.xml: no PAGE and NUMPAGES fields" % n)
    for pr in problems:
        print(pr)
    print("%d problem(s)" % len(problems) if problems else "templates ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
