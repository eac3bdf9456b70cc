#!/usr/bin/env python3
"""Prints the docs/PERFORMANCE.md tables ("Simulator scaling") from a `rollcall sim --scaling` JSON file.

usage: bench/sim-scaling-table.py [bench/results/sim-scaling/scaling.json]
Each cell: the median over the runs at that cluster size, then min-max when they differ.
"""
import json
import statistics
import sys


def spread(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    med, lo, hi = (fmt.format(v) for v in (statistics.median(values), min(values), max(values)))
    return med if lo == hi else f"{med} ({lo}-{hi})"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/sim-scaling/scaling.json"
    with open(path) as f:
        data = json.load(f)
    runs = data["runs"]
    sizes = sorted({r["nodes"] for r in runs})
    by_size = {n: [r for r in runs if r["nodes"] == n] for n in sizes}
    print(f"JVM: {data['jvm']}; options: {data['jvm_args']}; process peak RSS {data['process_peak_rss_kib'] / 1024:,.0f} MiB")
    print()
    print("| N | runs | join: periods | join: s | crash: periods | crash: s | crash: first declaration, s "
          "| crash: first to last, s | leave: periods | leave: s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        rs = by_size[n]
        row = [f"{n:,}", str(len(rs))]
        for kind in ("join", "crash", "leave"):
            cs = [next(c for c in r["changes"] if c["kind"] == kind) for r in rs]
            done = [c for c in cs if c["ms_to_all"] >= 0]
            row.append(spread([c["periods_to_all"] for c in done], "{:.0f}") + ("" if len(done) == len(cs) else f", {len(cs) - len(done)} incomplete"))
            row.append(spread([c["ms_to_all"] / 1000 for c in done], "{:.2f}"))
            if kind == "crash":
                row.append(spread([c["ms_to_first"] / 1000 for c in cs], "{:.2f}"))
                row.append(spread([(c["ms_to_all"] - c["ms_to_first"]) / 1000 for c in done], "{:.2f}"))
        print("| " + " | ".join(row) + " |")
    print()
    print("| N | msgs/node/s | datagram bytes/node/s | state-exchange bytes/node/s "
          "| whole run: msgs/node/s | whole run: datagram bytes/node/s | whole run: state-exchange bytes/node/s |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        rs = by_size[n]
        print(f"| {n:,} | {spread([r['steady_msgs_per_node_per_s'] for r in rs], '{:.2f}')}"
              f" | {spread([r['steady_bytes_per_node_per_s'] - r['steady_stream_bytes_per_node_per_s'] for r in rs], '{:,.0f}')}"
              f" | {spread([r['steady_stream_bytes_per_node_per_s'] for r in rs], '{:,.0f}')}"
              f" | {spread([r['run_msgs_per_node_per_s'] for r in rs], '{:.2f}')}"
              f" | {spread([r['run_bytes_per_node_per_s'] - r['run_stream_bytes_per_node_per_s'] for r in rs], '{:,.0f}')}"
              f" | {spread([r['run_stream_bytes_per_node_per_s'] for r in rs], '{:,.0f}')} |")
    print()
    print("| N | heap bytes per member entry | setup (bootstrap) wall s | wall s for 120 virtual s | wall s per virtual s | false failures |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        rs = by_size[n]
        mem = [r["heap_bytes_per_member"] for r in rs if r["heap_bytes_per_member"] is not None]
        print(f"| {n:,} | {spread(mem, '{:.1f}') if mem else 'not measured'}"
              f" | {spread([r['setup_wall_s'] for r in rs], '{:.2f}')}"
              f" | {spread([r['run_wall_s'] for r in rs], '{:.2f}')}"
              f" | {spread([r['wall_s_per_virtual_s'] for r in rs], '{:.4f}')}"
              f" | {sum(r['false_failures'] for r in rs)} |")
    print()
    for r in by_size[sizes[-1]]:
        marks = ", ".join(f"{m:.1f}" for m in r["wall_s_every_10_virtual_s"])
        print(f"N={r['nodes']:,} seed {r['seed']}: wall s at virtual 0, 10, 20, ... s: {marks}")


if __name__ == "__main__":
    main()
