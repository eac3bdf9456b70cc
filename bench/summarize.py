#!/usr/bin/env python3
"""Issue-7 table from bench/cluster results: bench/summarize.py RESULTS.json [...] > table.md
Medians/min/max over the successful runs of each (impl, N, scenario); ratio = Rollcall median /
Serf median from the same file(s)."""
import json
import statistics
import sys

ROWS = [  # (scenario, metric, label, goal)
    ("join", "converge_all_s", "join convergence, all nodes (s)", "ratio <= 1.0"),
    ("join", "failed_events_during_join", "failed events during join", "0"),
    ("failure", "detect_first_s", "crash detection, first survivor (s)", "ratio <= 1.0"),
    ("failure", "detect_all_s", "crash detection, all survivors (s)", "ratio <= 0.9"),
    ("failure", "false_failed_events", "false failed events (crash)", "0"),
    ("leave", "leave_all_s", "graceful leave, all survivors (s)", "ratio <= 1.0"),
    ("leave", "failed_also", "survivors that saw 'failed' for the leaver", "0"),
    ("steady", "bytes_per_node_s_mean", "idle bytes/node/s", "ratio <= 1.0"),
    ("steady", "cpu_pct_per_node_mean", "idle CPU % per node", "ratio <= 2.0"),
    ("steady", "rss_mib_mean", "RSS per agent, mean (MiB)", "<= 40 MiB"),
    ("steady", "rss_mib_max", "RSS per agent, max (MiB)", "<= 40 MiB"),
    ("flaky", "fp_failed_healthy", "stalls: failed about never-paused nodes", "0"),
    ("flaky", "failed_about_victims", "stalls: failed about paused nodes", "-"),
    ("flaky", "reconverge_s", "stalls: reconvergence (s)", "-"),
]


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)


def main(paths):
    runs = []
    for p in paths:
        runs += json.load(open(p))["runs"]
    impls = []
    for r in runs:
        if r["impl"] not in impls:
            impls.append(r["impl"])
    rc = next(i for i in impls if i.startswith("rollcall"))
    sf = next((i for i in impls if i.startswith("serf")), None)
    for n in sorted({r["nodes"] for r in runs}):
        print(f"\n### N = {n}\n")
        print(f"| measure | goal | {rc} median (min-max) | {sf} median (min-max) | ratio | runs ok |")
        print("|---|---|---|---|---|---|")
        for scen, metric, label, goal in ROWS:
            cells = []
            meds = {}
            oks = []
            for impl in (rc, sf):
                sel = [r for r in runs if r["impl"] == impl and r["nodes"] == n and r["scenario"] == scen]
                ok = [r for r in sel if r["ok"]]
                vals = [r["metrics"].get(metric) for r in ok]
                vals = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
                oks.append(f"{len(ok)}/{len(sel)}")
                if vals:
                    meds[impl] = statistics.median(vals)
                    cells.append(f"{fmt(meds[impl])} ({fmt(min(vals))}-{fmt(max(vals))})")
                else:
                    cells.append("-")
            if not any(c != "-" for c in cells):
                continue
            ratio = "-"
            if rc in meds and sf in meds and meds[sf]:
                ratio = f"{meds[rc] / meds[sf]:.2f}"
            print(f"| {label} | {goal} | {cells[0]} | {cells[1]} | {ratio} | {' / '.join(oks)} |")
        loads = [r.get("foreign_cpu_s_approx") for r in runs if r["nodes"] == n]
        loads = [x for x in loads if isinstance(x, (int, float))]
        if loads:
            print(f"\nForeign CPU during these runs (other users of the machine, harness estimate): "
                  f"median {statistics.median(loads):.1f} s per run, max {max(loads):.1f} s.")


if __name__ == "__main__":
    main(sys.argv[1:])
