#!/usr/bin/python3
"""Checks that docs/deals.md, schemas/deal.schema.json, the library and the
deal loader agree on what a deal is (tests/e2e/docs.sh runs it).

Usage:
  deals_doc.py check ROOT        one line per check, "ok NAME" or "FAIL NAME: why";
                                 exit 1 when any failed
  deals_doc.py extract DOC DIR   writes the files docs/deals.md shows under a
                                 "<!-- tests/e2e/docs.sh: NAME -->" line into DIR
  deals_doc.py links FILE...     every relative link of each Markdown file names a
                                 file that exists, and every #anchor a heading

ROOT is a project tree (the real one, or a doctored copy in a test). The
checks of `check`:
- keys: every key the schema knows (terms named in it included) has its
  section in docs/deals.md, and every key docs/deals.md documents is one the
  schema knows (a term: one the schema's terms accept and library.yaml declares);
- engine: the schema's keys, required keys and allowed values are those of the
  deal loader (assembler/deal.c, its documents those of assembler/document.c),
  and its keys those the table of fields names as keys (DF_KEY in
  assembler/deal_fields.c);
- library: the schema's allowed values are those library.yaml has words for,
  every capability and risk id matches the schema's pattern, every term the
  schema names is one library.yaml declares, with a matching kind and default;
- examples: each key's example in the schema is valid against the key's
  schema, and so is the whole deal docs/deals.md shows (its deal.yaml block).
"""
import json
import os
import re
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    """YAML as clasm reads a deal: a date stays text."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

RESULTS = []


def report(name, problems):
    RESULTS.append((name, problems))


def resolve(schema, node):
    if "$ref" not in node:
        return node
    target = schema
    for part in node["$ref"][2:].split("/"):
        target = target[part]
    merged = dict(resolve(schema, target))
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    return merged


def schema_keys(schema):
    """{path: node} for every key of a deal the schema names."""
    out = {}

    def walk(node, prefix):
        node = resolve(schema, node)
        for name, sub in node.get("properties", {}).items():
            sub = resolve(schema, sub)
            out[prefix + name] = sub
            if sub.get("type") == "object":
                walk(sub, prefix + name + ".")

    walk(schema, "")
    return out


def doc_keys(text):
    """The keys docs/deals.md documents: its '### `path`' sections and the
    rows of its term table."""
    sections = re.findall(r"^### `([^`]+)`\s*$", text, re.M)
    terms = re.findall(r"^\| `terms\.([^`]+)` \|", text, re.M)
    return sections, terms


def c_array(source, name):
    m = re.search(r"\b%s\[\]\s*=\s*\{(.*?)\};" % re.escape(name), source, re.S)
    if not m:
        return None
    return re.findall(r'"([^"]*)"', m.group(1))


def c_field_keys(source):
    """The paths of assembler/deal_fields.c's table whose uses include a
    deal file's key (DF_KEY, or KV/KVF, which hold it)."""
    m = re.search(r"\bdeal_fields\[\]\s*=\s*\{(.*?)\n\};", source, re.S)
    if not m:
        return None
    rows = re.findall(r'\{"([^"]+)",\s*([A-Z_ |]+?)\s*,', m.group(1))
    return [path for path, uses in rows
            if re.search(r"\b(DF_KEY|KV|KVF)\b", uses)]


def check(root):
    schema = json.load(open(os.path.join(root, "schemas/deal.schema.json"), encoding="utf-8"))
    library = yaml.safe_load(open(os.path.join(root, "clauses/library.yaml"), encoding="utf-8"))
    risks = yaml.safe_load(open(os.path.join(root, "clauses/risks.yaml"), encoding="utf-8"))
    doc = open(os.path.join(root, "docs/deals.md"), encoding="utf-8").read()
    deal_c = open(os.path.join(root, "assembler/deal.c"), encoding="utf-8").read()
    document_c = open(os.path.join(root, "assembler/document.c"), encoding="utf-8").read()
    fields_c = open(os.path.join(root, "assembler/deal_fields.c"), encoding="utf-8").read()

    keys = schema_keys(schema)
    terms_node = keys["terms"]
    schema_terms = set(terms_node.get("properties", {}))
    plain = {k for k in keys if not k.startswith("terms.")}
    sections, doc_terms = doc_keys(doc)
    lib_terms = library.get("terms", {})

    # ---- keys, both ways
    missing = sorted(plain - set(sections)) + sorted(
        "terms." + t for t in schema_terms - set(doc_terms))
    report("every key of the schema has its place in docs/deals.md",
           ["not documented: " + ", ".join(missing)] if missing else [])
    name_rx = terms_node.get("propertyNames", {}).get("pattern", "")
    unknown = sorted(set(sections) - plain)
    unknown += sorted("terms." + t for t in doc_terms
                      if not (t in schema_terms or (re.search(name_rx, t) and t in lib_terms
                                                     and terms_node.get("additionalProperties"))))
    report("every key docs/deals.md documents is a key of the schema",
           ["not in the schema: " + ", ".join(unknown)] if unknown else [])
    dups = sorted({s for s in sections if sections.count(s) > 1} |
                  {t for t in doc_terms if doc_terms.count(t) > 1})
    report("docs/deals.md documents each key once", ["twice: " + ", ".join(dups)] if dups else [])

    # ---- the engine
    problems = []

    def same(what, schema_side, engine_side):
        if engine_side is None:
            problems.append("%s: not found in the C source" % what)
        elif set(schema_side) != set(engine_side):
            a, b = set(schema_side), set(engine_side)
            problems.append("%s: only in the schema %s, only in the loader %s"
                            % (what, sorted(a - b), sorted(b - a)))

    top = resolve(schema, schema)
    same("top-level keys", top["properties"], c_array(deal_c, "top_keys"))
    same("required top-level keys", top["required"], c_array(deal_c, "top_required"))
    for party, allowed, required in (("seller", "seller_keys", "name_required"),
                                     ("customer", "customer_keys", "customer_required"),
                                     ("reseller", "reseller_keys", "name_required"),
                                     ("product", "product_keys", "name_required")):
        node = keys[party]
        same(party + " keys", node["properties"], c_array(deal_c, allowed))
        same("required " + party + " keys", node.get("required", []), c_array(deal_c, required))
    for path, array in (("customer.kind", "deal_customer_kinds"), ("deployment", "deal_deployments"),
                        ("license", "deal_licenses"), ("end_use", "deal_end_uses")):
        same(path + " values", keys[path]["enum"], c_array(deal_c, array))
    same("documents", keys["documents"]["items"]["enum"], c_array(document_c, "deal_documents"))
    # A list of records (dismissed) is a key of a deal file, not a field:
    # no spreadsheet column holds it.
    leaves = [k for k, n in keys.items()
              if n.get("type") != "object" and not k.startswith("terms")
              and not (n.get("type") == "array" and n.get("items", {}).get("type") == "object")]
    same("deal keys (deal_fields.c)", leaves, c_field_keys(fields_c))
    report("the schema and the deal loader (assembler/deal.c) agree on keys and values", problems)

    # ---- the library
    problems = []
    words = library.get("values", {}).get("words", {})
    for path, group in (("documents", "document"), ("customer.kind", "customer.kind"),
                        ("deployment", "deployment"), ("license", "license"),
                        ("end_use", "end_use")):
        node = keys[path]
        enum = node.get("enum") or node["items"]["enum"]
        if set(enum) != set(words.get(group, {})):
            problems.append("%s: the schema allows %s, library.yaml has words for %s"
                            % (path, enum, list(words.get(group, {}))))
    cap_rx = keys["product.capabilities"]["items"]["pattern"]
    problems += ["capability %s does not match the schema's %s" % (c, cap_rx)
                 for c in words.get("capabilities", {}) if not re.search(cap_rx, c)]
    risk_rx = keys["risks"]["items"]["pattern"]
    problems += ["risk %s does not match the schema's %s" % (r["id"], risk_rx)
                 for r in risks["risks"] if not re.search(risk_rx, r["id"])]
    kinds = {"days": 36500, "months": 1200}
    for t in sorted(schema_terms):
        node = terms_node["properties"][t]
        if t not in lib_terms:
            problems.append("terms.%s: the schema names it, library.yaml does not declare it" % t)
            continue
        lt = lib_terms[t]
        kind = lt.get("kind", "text")
        if kind in kinds and node.get("maximum") != kinds[kind]:
            problems.append("terms.%s: kind %s allows up to %d, the schema %s"
                            % (t, kind, kinds[kind], node.get("maximum")))
        m = re.search(r"default ([^)]+)\)", node.get("description", ""))
        if m and str(lt.get("default")) != m.group(1):
            problems.append("terms.%s: the schema says default %s, library.yaml %s"
                            % (t, m.group(1), lt.get("default")))
    report("the schema agrees with clauses/library.yaml and clauses/risks.yaml", problems)

    # ---- the examples
    problems = []
    for path, node in keys.items():
        sub = dict(node)
        sub["$defs"] = schema.get("$defs", {})
        for ex in node.get("examples", []):
            try:
                jsonschema.Draft202012Validator(sub).validate(ex)
            except jsonschema.ValidationError as e:
                problems.append("%s: example %s: %s" % (path, json.dumps(ex), e.message))
    report("each key's example in the schema is valid", problems)

    problems = []
    block = re.search(r"^<!-- tests/e2e/docs\.sh: deal\.yaml .*?\n```yaml\n(.*?)^```", doc, re.S | re.M)
    if not block:
        problems.append("docs/deals.md shows no deal.yaml block")
    else:
        try:
            jsonschema.Draft202012Validator(schema).validate(yaml.load(block.group(1), Loader))
        except (jsonschema.ValidationError, yaml.YAMLError) as e:
            problems.append(str(getattr(e, "message", e)))
    report("the whole deal docs/deals.md shows is valid against the schema", problems)

    bad = 0
    for name, probs in RESULTS:
        if probs:
            bad += 1
            print("FAIL %s: %s" % (name, "; ".join(probs)))
        else:
            print("ok %s" % name)
    return 1 if bad else 0


def extract(doc, outdir):
    lines = open(doc, encoding="utf-8").read().split("\n")
    n = 0
    for i, line in enumerate(lines):
        m = re.match(r"^<!-- tests/e2e/docs\.sh: (\S+)", line)
        if not m:
            continue
        j = i + 1
        if j >= len(lines) or not lines[j].startswith("```"):
            sys.stderr.write("%s:%d: no code block after the marker\n" % (doc, i + 1))
            return 1
        k = j + 1
        while k < len(lines) and lines[k] != "```":
            k += 1
        with open(os.path.join(outdir, m.group(1)), "w", encoding="utf-8") as f:
            f.write("\n".join(lines[j + 1:k]) + "\n")
        n += 1
    print(n)
    return 0


def anchors(text):
    out = set()
    for h in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M):
        a = re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
        base, k = a, 1
        while a in out:
            a = "%s-%d" % (base, k)
            k += 1
        out.add(a)
    return out


def links(files):
    bad = []
    for f in files:
        text = open(f, encoding="utf-8").read()
        # Links outside code spans and fenced blocks.
        body = re.sub(r"```.*?```", "", text, flags=re.S)
        body = re.sub(r"`[^`\n]*`", "", body)
        for target in re.findall(r"\]\(([^)\s]+)\)", body):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            if not os.path.exists(dest):
                bad.append("%s: %s: no such file" % (f, target))
            elif frag and dest.endswith(".md") and frag not in anchors(open(dest, encoding="utf-8").read()):
                bad.append("%s: %s: no such heading" % (f, target))
    for b in bad:
        print(b)
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) == 4 and argv[1] == "extract":
        return extract(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "links":
        return links(argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
