#!/usr/bin/python3
"""Does a draft, as LibreOffice reads it, show a value the way a contract needs it?

Usage: raw_values.py DEALS_DIR LIBRARY_DIR TEMPLATES_DIR ISO_JSON_DIR TXT...

Each TXT is LibreOffice's text of a draft named <deal id>-<document>.txt; its deal is the
file of DEALS_DIR with that id. Prints one line per problem and exits 1 when there is one:

1. anywhere in the text: an ISO 8601 date (2026-11-27); a snake_case key (cure_period_days);
   an ISO 3166-1 alpha-2 code or a user-assigned code XA-XZ as a word of its own (XA, GB);
   an enumeration spelling with a hyphen (security-service, on-premises, reseller-agreement)
   or a capability id of the library or the deal (face-recognition), unless it is part of the
   words the library gives for a value;
2. in every sentence of the template that prints a value (found by the sentence's own text
   around the placeholder): the value is not the deal's raw one, and an enumerated value,
   a capability list, a country and a date read exactly as the library's settings and
   iso-codes say (computed here independently of clasm).

Whether a problem comes from a value or from the literal text of a clause or template is in
the message (the sentence is quoted), so a failure can be traced to its file.
"""
import glob
import json
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

import yaml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# The deal loader's enumerations, as the deal schema lists them.
ENUM_PATHS = {"customer.kind": ("customer", "kind"), "deployment": ("deployment",),
              "license": ("license",), "end_use": ("end_use",)}


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def schema_enums(root):
    """Every enum spelling the deal schema allows."""
    schema = json.load(open(os.path.join(root, "schemas", "deal.schema.json")))
    out = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "enum":
                    out.update(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)
    return out


def country_names(iso_dir, lib):
    data = json.load(open(os.path.join(iso_dir, "iso_3166-1.json"), encoding="utf-8"))["3166-1"]
    names = {}
    for c in data:
        name = c.get("common_name")
        if not name:
            name = c["name"]
            if ", " in name:
                off = c.get("official_name")
                if off and ", " not in off:
                    name = off[4:] if off.startswith("the ") else off
                else:
                    head, tail = name.split(", ", 1)
                    if tail.endswith(" of") or tail.endswith(" of the"):
                        name = tail + " " + head
        names[c["alpha_2"]] = name
    user = (lib.get("values") or {}).get("countries") or {}
    names.update(user)
    return names, {c["alpha_2"] for c in data} | {"X" + chr(c) for c in range(65, 91)}


def format_date(iso, fmt):
    y, m, d = (int(x) for x in iso.split("-"))
    out, i = "", 0
    toks = [("YYYY", "%04d" % y), ("MMMM", MONTHS[m - 1]), ("MM", "%02d" % m), ("M", str(m)),
            ("DD", "%02d" % d), ("D", str(d))]
    while i < len(fmt):
        for t, v in toks:
            if fmt.startswith(t, i):
                out += v
                i += len(t)
                break
        else:
            out += fmt[i]
            i += 1
    return out


def join_words(items, none):
    if not items:
        return none
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def template_frames(path):
    """(regex, [paths]) for every template paragraph that prints a value beside some text."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("word/document.xml"))
    frames = []
    for p in root.iter(W + "p"):
        text = "".join(t.text or "" for t in p.iter(W + "t"))
        if "{{" not in text or "{{#" in text or "{{/" in text or "clauses" in text:
            continue
        parts = re.split(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}", text)
        literal = "".join(parts[0::2])
        if len(literal.strip()) < 3:
            continue  # a bare value: rule 1 covers it
        rx = "".join(re.escape(s) if i % 2 == 0 else "(.+?)" for i, s in enumerate(parts))
        frames.append((re.compile(r"^\s*" + rx + r"\s*$"), parts[1::2], text))
    return frames


def main(argv):
    deals_dir, lib_dir, tpl_dir, iso_dir = argv[1:5]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lib = load_yaml(os.path.join(lib_dir, "library.yaml"))
    values = lib.get("values") or {}
    words = values.get("words") or {}
    names, codes = country_names(iso_dir, lib)
    date_format = values.get("date_format", "D MMMM YYYY")
    none = values.get("empty_list", "none")
    all_words = [w for g in words.values() for w in g.values()] + list(names.values())
    deals = {}
    for f in glob.glob(os.path.join(deals_dir, "*.yaml")):
        d = load_yaml(f)
        if isinstance(d, dict) and "id" in d:
            deals[str(d["id"])] = d
    spellings = {s for s in schema_enums(root) if "-" in s or "_" in s}
    spellings |= set((words.get("capabilities") or {}).keys())
    problems = []
    for txt in argv[5:]:
        name = os.path.basename(txt)[:-4]
        doc = next((x for x in ("reseller-agreement", "contract", "eula", "addendum") if name.endswith("-" + x)), None)
        deal = deals.get(name[: -len(doc) - 1]) if doc else None
        if deal is None:
            problems.append("%s: no deal in %s for this draft" % (name, deals_dir))
            continue
        text = open(txt, encoding="utf-8-sig").read()
        lines = text.split("\n")
        caps = (deal.get("product") or {}).get("capabilities") or []
        mine = spellings | {c for c in caps if "-" in c or "_" in c}

        def say(what, line):
            problems.append("%s: %s in: %s" % (name, what, line.strip()[:160]))

        for line in lines:
            for m in re.finditer(r"\b\d{4}-\d{2}-\d{2}\b", line):
                say("ISO date %s" % m.group(0), line)
            for m in re.finditer(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", line):
                say("snake_case key %s" % m.group(0), line)
            for m in re.finditer(r"(?<![A-Za-z0-9.])[A-Z]{2}(?![A-Za-z0-9])", line):
                if m.group(0) in codes:
                    say("country code %s" % m.group(0), line)
            rest = line
            for w in sorted(all_words, key=len, reverse=True):
                rest = rest.replace(w, " ")
            for s in mine:
                if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(s), rest):
                    say("raw value %s" % s, line)
        # Rule 2: the template's sentences that print values.
        expect = {}
        for path, keys in ENUM_PATHS.items():
            v = deal
            for k in keys:
                v = (v or {}).get(k)
            g = words.get(path) or {}
            if v is not None:
                expect[path] = (str(v), g.get(v))
        capw = words.get("capabilities") or {}
        expect["product.capabilities"] = (", ".join(caps), join_words([capw.get(c, c) for c in caps], none))
        for who in ("customer", "reseller"):
            c = (deal.get(who) or {}).get("country")
            if c:
                expect[who + ".country"] = (c, names.get(c))
        expect["date"] = (str(deal["date"]), format_date(str(deal["date"]), date_format))
        tpl = os.path.join(tpl_dir, doc + ".docx")
        for rx, paths, source in template_frames(tpl):
            # A sentence such as "The Customer is {{ customer.kind }}." may
            # also match a clause's sentence: one of the lines it matches
            # must show the expected text, and none may show the raw value.
            found = {}
            for line in lines:
                m = rx.search(line)
                if not m:
                    continue
                for path, got in zip(paths, m.groups()):
                    if path not in expect:
                        continue
                    raw, want = expect[path]
                    if want is None:
                        say("{{ %s }}: the library gives no words for %r" % (path, raw), line)
                    elif got == raw and raw != want:
                        say("{{ %s }} printed raw (%s)" % (path, raw), line)
                    found.setdefault(path, []).append((got, line))
            for path, seen in found.items():
                want = expect[path][1]
                if want is not None and all(got != want for got, _ in seen):
                    say("{{ %s }} printed %r, not %r" % (path, seen[0][0], want), seen[0][1])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
