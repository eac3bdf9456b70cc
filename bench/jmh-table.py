#!/usr/bin/env python3
"""The JMH table of docs/PERFORMANCE.md from a JMH JSON result (-rf json, -prof gc):
bench/jmh-table.py bench/results/jmh.json"""
import json
import sys


def per_op(ops_per_us):
    ns = 1000.0 / ops_per_us
    return f"{ns / 1000:.3g} µs" if ns >= 10_000 else f"{ns:.0f} ns"


print("| benchmark | param | throughput (ops/µs) | ± (99.9%) | time per op | allocated per op (B) |")
print("|---|---|---|---|---|---|")
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 2)
    name = name[-2] + "." + name[-1]
    param = ",".join(str(v) for v in (r.get("params") or {}).values())
    m = r["primaryMetric"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    alloc = "-" if alloc is None else f"{alloc:.0f}"
    print(f"| {name} | {param} | {m['score']:.3g} | {m['scoreError']:.3g} | {per_op(m['score'])} | {alloc} |")
