#!/usr/bin/python3
"""Prepares the peer tools' job, outside any timed section.

1. Peer templates derived from the clasm template (templates/eula.docx by
   default) by rewriting its markers, part by part:
     value  {{ customer.name }}      -> {{customer_name}}        (both tools)
     conditional paragraphs {{#if E}} / {{/if}}
        docxtemplater: {{#cN}} / {{/cN}} (paragraphLoop drops the paragraphs)
        docxtpl:       {%p if cN %} / {%p endif %}
     insertion point {{ clauses[: cats] }} becomes three paragraphs, a loop
     over prepared clause paragraphs:
        docxtemplater: {{#iN}} / {{t}} / {{/iN}}
        docxtpl:       {%p for p in iN %} / {{ p.t }} / {%p endfor %}
   Placeholders split over runs (the header's {{ i | d }}) are joined first,
   since docxtpl cannot see them otherwise.
2. One JSON per deal (data/<deal>.json): the same values clasm fills (lists
   joined by ", ", the tier from `clasm select`), each conditional's truth,
   and for each insertion point the clause paragraphs clasm would put there:
   the selected clauses (`clasm select --format json`) in plan order, each as
   its title then its text's paragraphs and list items with the deal's values
   substituted and the markup removed.

usage: prepare.py CLASM TEMPLATE LIBRARY DEALDIR OUTDIR
writes OUTDIR/docxtemplater.docx, OUTDIR/docxtpl.docx, OUTDIR/data/*.json
"""
import glob
import html
import json
import os
import re
import subprocess
import sys
import zipfile

import yaml

PARA = re.compile(r"<w:p[ >].*?</w:p>", re.S)
TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
SPLIT = re.compile(
    r"(\{\{[^}<]*)</w:t></w:r>(?:<w:proofErr[^>]*/>)*<w:r(?:\s[^>]*)?>"
    r"(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?:\s[^>]*)?>", re.S)
VALUE = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
MARKER = re.compile(r"^\s*\{\{\s*(#if\s+(.*?)|/if|clauses(?:\s*:\s*(.*?))?)\s*\}\}\s*$")


def flat_key(path):
    return path.replace(".", "_").replace("-", "_")


def para(text, style=None):
    ppr = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    return '<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (ppr, text)


class Rewriter:
    """Rewrites one template's parts for one peer syntax, recording the
    conditionals and insertion points in document order."""

    def __init__(self, tool):
        self.tool = tool
        self.conds = []   # expressions, index = N of cN
        self.inserts = []  # category lists ([] = catch-all), index = N of iN
        self.stack = []

    def marker_para(self, m, p):
        body = m.group(1)
        curly = self.tool in ("docxtemplater", "raw")
        if body.startswith("#if"):
            n = len(self.conds)
            self.conds.append(m.group(2).strip())
            self.stack.append(n)
            return para("{{#c%d}}" % n if curly else "{%%p if c%d %%}" % n)
        if body == "/if":
            n = self.stack.pop()
            return para("{{/c%d}}" % n if curly else "{%p endif %}")
        n = len(self.inserts)
        cats = [c.strip() for c in (m.group(3) or "").split(",") if c.strip()]
        self.inserts.append(cats)
        if self.tool == "raw":
            return para("{{@r%d}}" % n)
        if self.tool == "docxtemplater":
            return para("{{#i%d}}" % n) + para("{{t}}", "ClauseBody") + para("{{/i%d}}" % n)
        return (para("{%%p for p in i%d %%}" % n) + para("{{ p.t }}", "ClauseBody")
                + para("{%p endfor %}"))

    def part(self, xml):
        prev = None
        while prev != xml:
            prev, xml = xml, SPLIT.sub(r"\1", xml)

        def one(pm):
            p = pm.group(0)
            text = "".join(TEXT.findall(p))
            m = MARKER.match(text)
            if m:
                return self.marker_para(m, p)
            if self.tool in ("docxtemplater", "raw"):
                return VALUE.sub(lambda v: "{{%s}}" % flat_key(v.group(1)), p)
            return VALUE.sub(lambda v: "{{ %s }}" % flat_key(v.group(1)), p)

        return PARA.sub(one, xml)


def rewrite_template(src, dst, tool, parts=None):
    """parts: {name: bytes} that replace the template's own (the raw job
    takes numbering and styles from a clasm draft, which its clause XML
    refers to)."""
    rw = Rewriter(tool)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = (parts or {}).get(info.filename) or zin.read(info.filename)
            if info.filename.startswith("word/") and info.filename.endswith(".xml") \
                    and "{{" in data.decode("utf-8"):
                data = rw.part(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return rw


def flatten(prefix, v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            flatten("%s.%s" % (prefix, k) if prefix else str(k), x, out)
    elif isinstance(v, list):
        out[prefix] = ", ".join(str(x) for x in v)
    elif v is not None:
        out[prefix] = str(v)


TOKEN = re.compile(r"\s*(\(|\)|\[|\]|,|==|!=|>=|<=|>|<|[\w.\-\"]+)")


def truth(expr, deal, values, cats, tiers):
    """The template's condition language (clasm's expressions): or, and, not,
    parentheses; NAME == / != value, NAME in [a, b], capabilities contains X,
    risk ID, tier >= / == / != NAME (tiers in catalogue order),
    clauses.CATEGORY, a bare name (true when the deal gives it)."""
    toks = TOKEN.findall(html.unescape(expr))
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None

    def take(want=None):
        t = peek()
        if t is None or (want and t != want):
            raise SystemExit("prepare: condition %r is not understood" % expr)
        pos[0] += 1
        return t

    def lookup(name):
        node = deal
        for k in name.split("."):
            node = node.get(k) if isinstance(node, dict) else None
        return node

    def atom():
        t = take()
        if t == "(":
            v = disj()
            take(")")
            return v
        if t == "not":
            return not atom()
        if t == "risk":
            rid = take()
            return rid in [r if isinstance(r, str) else r.get("id") for r in deal.get("risks", [])]
        if t == "capabilities" and peek() == "contains":
            take()
            return take() in ((deal.get("product") or {}).get("capabilities") or [])
        if t == "tier" and peek() in (">=", "<=", "==", "!=", ">", "<"):
            op, b = take(), tiers.index(take())
            a = tiers.index(values["tier"])
            return {">=": a >= b, "<=": a <= b, "==": a == b, "!=": a != b,
                    ">": a > b, "<": a < b}[op]
        if t.startswith("clauses."):
            return t[len("clauses."):] in cats
        if peek() in ("==", "!="):
            op, v = take(), take().strip('"')
            return (values.get(t) == v) == (op == "==")
        if peek() == "in":
            take()
            take("[")
            vals = []
            while peek() != "]":
                vals.append(take().strip('"'))
                if peek() == ",":
                    take()
            take("]")
            return values.get(t) in vals
        return bool(lookup(t))

    def conj():
        v = atom()
        while peek() == "and":
            take()
            v = atom() and v
        return v

    def disj():
        v = conj()
        while peek() == "or":
            take()
            v = conj() or v
        return v

    v = disj()
    if peek() is not None:
        raise SystemExit("prepare: condition %r is not understood" % expr)
    return v


def clause_paragraphs(clause, values):
    text = VALUE.sub(lambda v: values.get(v.group(1), v.group(0)), clause["text"])
    text = text.replace("**", "")
    paras = [clause["title"]]
    for block in re.split(r"\n\s*\n", text.strip()):
        lines, cur = [], ""
        for line in block.split("\n"):
            if re.match(r"^\s*\([a-z]+\)\s", line) and cur:
                lines.append(cur)
                cur = line.strip()
            else:
                cur = (cur + " " + line.strip()).strip()
        if cur:
            lines.append(cur)
        paras.extend(lines)
    return paras


SDT_TAG = re.compile(r'<w:tag w:val="clasm:([^"@]+)@\d+"')


def clause_xml(draft):
    """{clause id: its WordprocessingML} from one of clasm's drafts: each
    clause is one top-level block content control (w:sdt) tagged clasm:ID@V,
    taken as the exact bytes clasm wrote."""
    with zipfile.ZipFile(draft) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    out, pos = {}, 0
    while True:
        start = xml.find("<w:sdt>", pos)
        if start < 0:
            return out
        depth, i = 0, start
        while True:
            o, c = xml.find("<w:sdt>", i), xml.find("</w:sdt>", i)
            if o >= 0 and o < c:
                depth, i = depth + 1, o + 7
            else:
                depth, i = depth - 1, c + 8
                if depth == 0:
                    break
        block = xml[start:i]
        m = SDT_TAG.search(block)
        if m:
            out[m.group(1)] = block
        pos = i


def main():
    clasm, template, library, dealdir, outdir = sys.argv[1:6]
    os.makedirs(os.path.join(outdir, "data"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "data-raw"), exist_ok=True)
    # clasm's own drafts of the same deals: the raw job inserts their clause
    # XML as it is (the least work a docxtemplater user can do for them).
    drafts = os.path.join(outdir, "drafts")
    subprocess.run([clasm, "batch", dealdir, "-t", template, "-o", drafts, "--library", library],
                   check=True, capture_output=True)
    largest = max(glob.glob(os.path.join(drafts, "*.docx")), key=os.path.getsize)
    with zipfile.ZipFile(largest) as z:
        raw_parts = {n: z.read(n) for n in ("word/numbering.xml", "word/styles.xml")
                     if n in z.namelist()}
    rws = {t: rewrite_template(template, os.path.join(outdir, t + ".docx"), t)
           for t in ("docxtemplater", "docxtpl")}
    rws["raw"] = rewrite_template(template, os.path.join(outdir, "docxtemplater-raw.docx"), "raw",
                                  raw_parts)
    rw = rws["docxtemplater"]
    assert rw.conds == rws["docxtpl"].conds and rw.inserts == rws["docxtpl"].inserts
    named = {c for cats in rw.inserts for c in cats}

    clauses = {}
    for path in glob.glob(os.path.join(library, "**", "*.yaml"), recursive=True):
        with open(path, encoding="utf-8") as f:
            c = yaml.safe_load(f)
        if isinstance(c, dict) and "text" in c and "id" in c:
            clauses[c["id"]] = c

    with open(os.path.join(library, "risks.yaml"), encoding="utf-8") as f:
        tiers = [t["id"] for t in yaml.safe_load(f)["tiers"]]

    deals = sorted(glob.glob(os.path.join(dealdir, "*.yaml")))
    for path in deals:
        with open(path, encoding="utf-8") as f:
            deal = yaml.safe_load(f)
        plan = json.loads(subprocess.run(
            [clasm, "select", path, "--library", library, "--document", "eula",
             "--format", "json"], check=True, capture_output=True, text=True).stdout)
        values = {}
        flatten("", deal, values)
        # Terms the deal leaves to the library's defaults (the plan names them).
        for d in plan.get("defaults", []):
            values.setdefault("terms." + d["key"], d["value"])
        values["tier"] = plan["tier"]
        cats = {c["category"] for c in plan["clauses"]}
        data = {flat_key(k): v for k, v in values.items()}
        for n, expr in enumerate(rw.conds):
            data["c%d" % n] = truth(expr, deal, values, cats, tiers)
        name = os.path.splitext(os.path.basename(path))[0]
        xml = clause_xml(os.path.join(drafts, "%s-eula.docx" % deal["id"]))
        raw = dict(data)
        for n, want in enumerate(rw.inserts):
            items, blocks = [], []
            for c in plan["clauses"]:
                here = c["category"] in want if want else c["category"] not in named
                if here:
                    items += [{"t": t} for t in clause_paragraphs(clauses[c["id"]], values)]
                    blocks.append(xml[c["id"]])
            data["i%d" % n] = items
            raw["r%d" % n] = "".join(blocks)
        with open(os.path.join(outdir, "data", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        with open(os.path.join(outdir, "data-raw", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(raw, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
