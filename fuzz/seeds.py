#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz harnesses from the project's own
fixtures: fuzz/seeds.py OUTDIR writes OUTDIR/<target>/<name> for every target
(deal, library, expr, placeholder, markup, package, assemble, template, memo, csv, screen). Standard
library only; clause texts and `when` expressions are read with a small line
reader rather than a YAML parser so that it runs anywhere."""
import glob
import hashlib
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rel(*parts):
    return os.path.join(ROOT, *parts)


def files(pattern):
    return sorted(glob.glob(rel(pattern), recursive=True))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def save(out, target, data, name=None):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def block_scalar(lines, key):
    """The text of `key: |` block scalars and of one-line `key: value`."""
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(key + ":"):
            rest = line[len(key) + 1:].strip()
            if rest in ("|", ">", "|-", ">-"):
                body = []
                i += 1
                while i < len(lines) and (lines[i].startswith("  ") or not lines[i].strip()):
                    body.append(lines[i][2:])
                    i += 1
                found.append("\n".join(body).strip("\n") + "\n")
                continue
            if rest:
                if rest[0] in "\"'" and rest[-1] == rest[0]:
                    rest = rest[1:-1]
                found.append(rest)
        i += 1
    return found


def docx_parts(path):
    try:
        with zipfile.ZipFile(path) as z:
            return [(n, z.read(n)) for n in z.namelist()
                    if n.startswith("word/") and n.endswith(".xml")]
    except zipfile.BadZipFile:
        return []


def main():
    out = sys.argv[1]
    deals = files("examples/deals/*.yaml") + files("tests/fixtures/**/*deal*.yaml")
    clause_files = files("clauses/*/*.yaml") + files("tests/fixtures/libraries/*/*/*.yaml")
    catalogues = (files("clauses/risks.yaml") + files("tests/fixtures/libraries/*/risks.yaml")
                  + files("clauses/countries.yaml"))
    settings = files("clauses/library.yaml") + files("tests/fixtures/libraries/*/library.yaml")
    docx = files("templates/*.docx") + files("tests/fixtures/**/*.docx")
    bad = os.environ.get("BAD_BUILD")  # generated hostile packages, when built

    for p in deals + files("tests/bad/yaml/*.yaml"):
        save(out, "deal", read(p))
    for p in clause_files + catalogues + settings:
        save(out, "library", read(p))
    for cat in sorted({os.path.dirname(p) for p in files("clauses/*/*.yaml")}):
        group = [read(p) for p in files(os.path.join(cat, "*.yaml"))]
        save(out, "library", b"\n#~\n".join(group))
    exprs = {"reseller and end_use == \"unknown\"", "tier >= high", "not (a or b)",
             "customer.kind in [\"government-agency\", \"security-service\"]",
             "capabilities contains \"biometric-identification\"", "score > 10 and risk.*",
             "regime.* and deployment != \"cloud\"", "clauses.export-control"}
    for p in clause_files:
        lines = read(p).decode("utf-8", "replace").splitlines()
        exprs.update(block_scalar(lines, "when"))
        for t in block_scalar(lines, "text"):
            save(out, "markup", t.encode())
    for p in docx:
        for name, data in docx_parts(p):
            if "document" in name or "header" in name or "footer" in name:
                save(out, "placeholder", data)
            if name == "word/document.xml":
                save(out, "template", data)
                save(out, "memo", data)
        data = read(p)
        save(out, "package", data)
        save(out, "assemble", data)
    for e in sorted(exprs):
        save(out, "expr", e.encode())
    save(out, "expr", b"regime.*\nregime.data-localization")
    # Spreadsheets of deals: quoted cells, line breaks, lists, short rows,
    # and a base deal of its own after "#~base".
    csvs = [
        b"id,customer.name,customer.country,terms.fees,risks,documents\r\n"
        b"S-1,\"Acme, Inc.\",DE,\"1,000\",,contract\r\n"
        b"S-2,\"Quote \"\"Q\"\" Ltd\",FR,2000,end-user.poor-record;product.biometric-identification,contract;eula\r\n"
        b"S-3,\"Two\r\nLines\",XB,5,,contract\r\nS-4,Short\r\n",
        b"\xef\xbb\xbfid,reseller.name,reseller.country,product.capabilities\nR-1,Res,FR,face-recognition; video-analytics\n\n",
        b"id,customer.contry,id\nX,DE,X\n",
        b"id,customer.name\nA,\"open\n",
    ]
    for c in csvs:
        save(out, "csv", c)
    for p in files("examples/deals/*.yaml")[:3]:
        save(out, "csv", b"id,customer.name\nB-1,Base Row\n\n#~base\n" +
             b"\n".join(l for l in read(p).splitlines() if not l.startswith(b"id:")))
    # Screening lists in the Consolidated Screening List's CSV layout: a
    # small list from tests/screen/gen_list.py (its header, quoting and
    # invented names), the required columns alone in another order, and
    # lists the reader refuses.
    import importlib.util
    import io
    import random
    spec = importlib.util.spec_from_file_location("gen_list", rel("tests/screen/gen_list.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    import csv as csvmod
    for seed, n in ((1, 12), (2, 40)):
        r = random.Random(seed)
        f = io.StringIO()
        w = csvmod.writer(f, quoting=csvmod.QUOTE_ALL, lineterminator="\n")
        w.writerow(gen.HEADER)
        for e in gen.build_entries(r, n):
            w.writerow(gen.row(e, r))
        save(out, "screen", f.getvalue().encode())
    screens = [
        b"type,name,alt_names,addresses,programs,source\r\n"
        b"Individual,\"VELTRASKI, Mohammed Karim\",Muhammad VELTRASKI; and M. VELTRASKY,"
        b"\"12 Orlin Street, Norvask, AE; Tehran, IR\",SDGT,SDN\r\n"
        b"Entity,Tervalon Trading LLC,OOO Tervalon,CY,,EL\r\n"
        b"Entity,\xc3\x9cmit \xc3\x87elik GmbH & Co. KG,,\"Berlin, DE\",,EL\r\n",
        b"source,name,alt_names,addresses,programs\nEL,A,,,\nEL,B,,\n",
        b"source,name,alt_names,addresses,programs,type\n",
        b"source,name,alt_names,addresses,programs,type\nEL,\"open\n",
        b"source,name,alt_names,addresses,programs,type\nEL,Caf\xe9,,,,\n",
    ]
    for c in screens:
        save(out, "screen", c)
    # Inputs that once crashed a harness stay seeds: fuzz/regressions/<target>/.
    for p in files("fuzz/regressions/*/*"):
        save(out, os.path.basename(os.path.dirname(p)), read(p))
    if bad and os.path.isdir(bad):
        for p in sorted(glob.glob(os.path.join(bad, "*.docx"))):
            if os.path.getsize(p) < 1 << 20:
                save(out, "package", read(p))
    return 0


if __name__ == "__main__":
    sys.exit(main())
