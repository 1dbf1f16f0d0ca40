#!/usr/bin/python3
"""docxtpl doing clasm batch's job: for each prepared deal (prepare.py's
data/<deal>.json) render the derived template and write OUTDIR/<deal>.docx.
docxtpl renders a template object once, so each document loads it afresh
(from bytes read once). Prints one line per document, "<seconds> <output>".

usage: peer_docxtpl.py TEMPLATE OUTDIR DATA.json...
"""
import io
import json
import os
import sys
import time

from docxtpl import DocxTemplate


def main():
    tpl_path, outdir, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(tpl_path, "rb") as f:
        template = f.read()
    lines = []
    for path in inputs:
        t0 = time.perf_counter()
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(data, autoescape=True)
        out = os.path.join(outdir, os.path.splitext(os.path.basename(path))[0] + ".docx")
        doc.save(out + ".tmp")
        os.replace(out + ".tmp", out)
        lines.append("%.6f %s" % (time.perf_counter() - t0, out))
    sys.stdout.write("".join(l + "\n" for l in lines))


if __name__ == "__main__":
    main()
