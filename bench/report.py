#!/usr/bin/python3
"""Turns bench/run.sh's measurements into the results table (Markdown):
docs/second, per-document latency (median, p99), peak RSS, and the ratios
of clasm to each peer and to the floor. Writes RESULTS and prints it.

usage: report.py WORKDIR RESULTS.md
WORKDIR holds, per tool T listed in WORKDIR/tools (lines "T|label"):
  T.wall (seconds), T.time (/usr/bin/time -v), T.lat (per-document seconds,
  one a line; may be empty), T.count (documents written); and machine.txt,
  notes.txt (free text appended under the table).
Everything in RESULTS from the profile-notes marker on is kept.
"""
import os
import sys

MARKER = "<!-- profile notes: kept by report.py across runs -->"


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def rss_kib(path):
    with open(path) as f:
        for line in f:
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1])
    return None


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def main():
    w, results = sys.argv[1], sys.argv[2]
    rows = {}
    order = []
    for line in read(os.path.join(w, "tools")).splitlines():
        t, label = line.split("|", 1)
        wall = float(read(os.path.join(w, t + ".wall"), "nan"))
        count = int(read(os.path.join(w, t + ".count"), "0"))
        lat = [float(x) for x in read(os.path.join(w, t + ".lat")).split()]
        rows[t] = dict(label=label, wall=wall, count=count, rate=count / wall if wall else 0,
                       med=pct(lat, 50), p99=pct(lat, 99),
                       rss=rss_kib(os.path.join(w, t + ".time")))
        order.append(t)

    def ms(x):
        return "—" if x is None else "%.2f" % (x * 1000)

    out = []
    out.append("# clasm batch benchmark\n")
    out.append(read(os.path.join(w, "machine.txt")) + "\n")
    out.append("| tool | documents | wall s | docs/s | median ms | p99 ms | peak RSS MiB "
               "| clasm --jobs 1 ÷ this (throughput) |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = rows.get("clasm-j1")
    for t in order:
        r = rows[t]
        ratio = "%.2fx" % (base["rate"] / r["rate"]) if base and r["rate"] else "—"
        out.append("| %s | %d | %.2f | %.1f | %s | %s | %s | %s |" % (
            r["label"], r["count"], r["wall"], r["rate"], ms(r["med"]), ms(r["p99"]),
            "—" if r["rss"] is None else "%.1f" % (r["rss"] / 1024.0), ratio))
    out.append("")
    if base:
        def target(name, peer, want):
            if peer not in rows or not rows[peer]["rate"]:
                return "- %s: not measured" % name
            x = base["rate"] / rows[peer]["rate"]
            return "- %s: %.2fx (target ≥%gx) — %s" % (name, x, want, "met" if x >= want else "MISSED")
        out.append("Targets (issue 16), clasm at --jobs 1:")
        out.append(target("throughput vs docxtemplater (paragraph loop)", "docxtemplater", 10))
        out.append(target("throughput vs docxtemplater (clasm's XML as {@raw})",
                          "docxtemplater-raw", 5))
        out.append(target("throughput vs docxtpl", "docxtpl", 30))
        for floor, label in (("write-floor", "write floor"), ("floor", "template-copy floor")):
            if floor in rows and rows[floor]["rate"]:
                x = rows[floor]["rate"] / base["rate"]
                out.append("- %s ÷ clasm throughput: %.2fx%s" % (
                    label, x, (" (target ≤ 2x) — %s" % ("met" if x <= 2 else "MISSED"))
                    if floor == "write-floor" else " (for reference)"))
        if "clasm-jall" in rows and rows["clasm-jall"]["rate"] and base["rate"]:
            jobs = os.cpu_count() or 1
            x = rows["clasm-jall"]["rate"] / base["rate"]
            out.append("- --jobs %d scaling: %.2fx (target ≥ %.1fx) — %s"
                       % (jobs, x, 0.8 * jobs, "met" if x >= 0.8 * jobs else "MISSED"))
        peak = max((rows[t]["rss"] or 0) for t in order if t.startswith("clasm"))
        out.append("- clasm peak RSS: %.1f MiB (target < 32 MiB) — %s"
                   % (peak / 1024.0, "met" if peak < 32 * 1024 else "MISSED"))
        out.append("")
    notes = read(os.path.join(w, "notes.txt"))
    if notes:
        out.append(notes + "\n")
    text = "\n".join(out) + "\n"
    # The profile notes below the marker are written by hand and kept.
    kept = read(results)
    if MARKER in kept:
        text += "\n" + kept[kept.index(MARKER):] + "\n"
    with open(results, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
