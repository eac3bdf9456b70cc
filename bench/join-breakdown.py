#!/usr/bin/env python3
"""Splits Rollcall join convergence into start-up and protocol time.
bench/join-breakdown.py RESULTS.json LOGDIR   (LOGDIR: bench.py --save-logs of the same run)
For each join run: t0 = harness start of the seed; 'last listening' = the latest of the agents'
"listening on" log lines (the JVM is up, the node is about to join); converged = every node saw
every other. Prints seconds after t0, and converged minus last listening (the protocol's share)."""
import datetime
import json
import os
import re
import statistics
import sys
import tarfile


def iso_ms(s):
    d = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return d.timestamp() * 1000


def main(results, logdir):
    runs = [r for r in json.load(open(results))["runs"]
            if r["scenario"] == "join" and r["ok"] and r["impl"].startswith("rollcall")]
    rows = []
    for r in runs:
        tag = f"{r['impl']}-n{r['nodes']}-join-r{r['rep']}"
        path = os.path.join(logdir, tag + ".tar.gz")
        if not os.path.exists(path):
            continue
        listening, lastjoin = {}, {}
        with tarfile.open(path) as tf:
            for m in tf.getmembers():
                node = m.name.split("/")[1] if m.name.count("/") >= 2 else None
                if m.name.endswith("node.log"):
                    for line in tf.extractfile(m).read().decode(errors="replace").splitlines():
                        if "listening on" in line:
                            listening[node] = iso_ms(line.split()[0])
                            break
        conv = r["raw"]["node_converge_ms"]
        last_join = r["raw"]["node_last_join"]
        # t0 from any node: epoch of its last join minus its converge time after t0
        with tarfile.open(path) as tf:
            n1 = next(iter(conv))
            ev = tf.extractfile(f"{tag}/{n1}/events.log").read().decode().split("\n")
            who = last_join[n1][0]
            ts = [int(l.split()[0]) for l in ev if l.strip() and l.split()[1] == "join" and l.split()[2] == who]
            t0 = ts[0] - conv[n1]
        last_listen = max(listening.values()) - t0
        converged = max(conv.values())
        rows.append((r["rep"], r["raw"]["launch"]["all_launched_ms"] / 1000, last_listen / 1000,
                     converged / 1000, (converged - last_listen) / 1000))
    print("rep  all_launched_s  last_agent_listening_s  converged_s  protocol_share_s")
    for row in rows:
        print(f"{row[0]:3d}  {row[1]:14.2f}  {row[2]:22.2f}  {row[3]:11.2f}  {row[4]:16.2f}")
    if rows:
        for i, name in ((2, "last listening"), (3, "converged"), (4, "protocol share")):
            v = [x[i] for x in rows]
            print(f"{name}: median {statistics.median(v):.2f} s, min {min(v):.2f}, max {max(v):.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
