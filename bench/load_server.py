#!/usr/bin/python3
"""Load test of `clasm serve`: CLIENTS concurrent clients post the bench's deals to /api/assemble
for SECONDS seconds, each request waiting for the whole DOCX; prints throughput and the p50, p90
and p99 latency, and fails when a request fails.

    /usr/bin/python3 bench/load_server.py URL DEALS_DIR [CLIENTS] [SECONDS]

URL is the server's base ("http://127.0.0.1:8080"); the deals are YAML files (bench/gen_deals.py)
sent as JSON, in turn. Needs Debian's python3-yaml. The clients are threads of one process: they
wait on the network, not on Python, while clasm assembles.
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

import yaml


def load_bodies(folder):
    bodies = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                deal = yaml.safe_load(f)
            bodies.append(json.dumps(json.loads(json.dumps(deal, default=str))).encode())
    if not bodies:
        sys.exit("load_server.py: no .yaml deal in %s" % folder)
    return bodies


def client(url, bodies, start, stop_at, out, failures):
    host = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    k = start
    while time.monotonic() < stop_at:
        body = bodies[k % len(bodies)]
        k += 1
        t0 = time.monotonic()
        try:
            conn.request("POST", "/api/assemble", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            failures.append(str(e))
            conn.close()
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            continue
        t1 = time.monotonic()
        if resp.status != 200 or not data.startswith(b"PK"):
            failures.append("HTTP %d: %s" % (resp.status, data[:200]))
            continue
        out.append((t1, t1 - t0))
    conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))
    return sorted_values[i]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    url, folder = argv[1], argv[2]
    clients = int(argv[3]) if len(argv) > 3 else 50
    seconds = float(argv[4]) if len(argv) > 4 else 20.0
    bodies = load_bodies(folder)
    start = time.monotonic()
    stop_at = start + seconds
    results, failures, threads = [], [], []
    for c in range(clients):
        t = threading.Thread(target=client, args=(url, bodies, c, stop_at, results, failures))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    lat = sorted(x[1] for x in results)
    print("clients %d, %.1f s: %d drafts, %.1f drafts/s; latency p50 %.1f ms, p90 %.1f ms, "
          "p99 %.1f ms; %d failed"
          % (clients, elapsed, len(results), len(results) / elapsed, 1000 * percentile(lat, 50),
             1000 * percentile(lat, 90), 1000 * percentile(lat, 99), len(failures)))
    for f in failures[:5]:
        print("  failed:", f)
    return 1 if failures or not results else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
