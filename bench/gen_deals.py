#!/usr/bin/python3
"""Writes N benchmark deals into a folder, cycling through the example
profiles in examples/deals: each gets a unique id (B-000000, ...), draws one
document (eula by default), and varies its risks (a seeded random subset of
the profile's, sometimes one more from the full catalogue used by
all-risks.yaml) and its customer name, so plans differ from deal to deal.
Same N and seed, same files.

usage: gen_deals.py N OUTDIR [--document eula] [--seed 7] [--examples DIR]
"""
import argparse
import copy
import glob
import os
import random
import sys

import yaml


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--document", default="eula")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--prefix", default="B")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--examples", default=os.path.join(here, "..", "examples", "deals"))
    a = ap.parse_args()

    profiles = []
    for path in sorted(glob.glob(os.path.join(a.examples, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            p = yaml.safe_load(f)
        # An addendum's deal gives no fees or term (the agreement it attaches
        # to has them): it is a profile only for addenda.
        if ("addendum" in (p.get("documents") or [])) != (a.document == "addendum"):
            continue
        profiles.append(p)
    if not profiles:
        sys.exit("gen_deals: no example deals in %s" % a.examples)
    every_risk = sorted({r for p in profiles for r in (p.get("risks") or [])})

    rng = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    width = max(6, len(str(a.n)))
    for i in range(a.n):
        d = copy.deepcopy(profiles[i % len(profiles)])
        d["id"] = "%s-%0*d" % (a.prefix, width, i)
        d["documents"] = [a.document]
        risks = [r for r in (d.get("risks") or []) if rng.random() < 0.8]
        if rng.random() < 0.3:
            extra = rng.choice(every_risk)
            if extra not in risks:
                risks.append(extra)
        d["risks"] = risks
        d["customer"]["name"] = "%s (account %d)" % (d["customer"]["name"], i)
        path = os.path.join(a.outdir, "deal-%0*d.yaml" % (width, i))
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(d, f, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
