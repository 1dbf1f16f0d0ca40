#!/usr/bin/python3
"""Stamps each line of stdin with the monotonic time it arrived, so the gaps
between clasm batch's per-deal lines (one per finished deal, flushed) give
per-deal latency at --jobs 1."""
import sys
import time

for line in sys.stdin:
    sys.stdout.write("%.6f %s" % (time.monotonic(), line))
    sys.stdout.flush()
