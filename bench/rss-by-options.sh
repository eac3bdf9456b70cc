#!/bin/bash
# Idle cost of the agent under given JVM options: starts an 8-agent cluster on 127.0.20.1-8
# through bench/rollcall-adapter, waits 25 s, then prints the CPU per node over the next 60 s (%)
# and each agent's mean VmRSS (MiB), and kills them by PID.
# usage: bench/rss-by-options.sh <label> [jvm options...]   (no options: the launcher's own)
# Environment passes through (e.g. MALLOC_ARENA_MAX). Used for the tables in docs/PERFORMANCE.md.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
label=$1; shift
[ $# -gt 0 ] && export ROLLCALL_JAVA_OPTS="$*"
A=$here/rollcall-adapter
root=$(mktemp -d); pids=()
trap 'for i in $(seq 8); do [ -f $root/r$i/aux.pids ] && kill -9 $(cat $root/r$i/aux.pids) 2>/dev/null; done; kill -9 "${pids[@]}" 2>/dev/null; rm -rf $root' EXIT
pids+=("$($A start r1 127.0.20.1 7946 - $root/r1)")
until curl -s -o /dev/null http://127.0.20.1:8946/v1/health; do sleep 0.01; done
for i in 2 3 4 5 6 7 8; do pids+=("$($A start r$i 127.0.20.$i 7946 127.0.20.1:7946 $root/r$i)"); done
sleep 25
ticks() { for p in "${pids[@]}"; do awk '{print $14+$15}' /proc/$p/stat; done | awk '{s+=$1} END {print s}'; }
a=$(ticks); sleep 60; b=$(ticks)
hz=$(getconf CLK_TCK)
cpu=$(awk -v a="$a" -v b="$b" -v hz="$hz" 'BEGIN {printf "%.2f", (b-a)/hz/8/60*100}')
rss=$(for p in "${pids[@]}"; do awk '/VmRSS/{print $2}' /proc/$p/status; done | awk '{s+=$1} END {printf "%.1f", s/NR/1024}')
echo "$label cpu_pct_per_node=$cpu rss_mib_mean=$rss members=$($A members $root/r8 | wc -l)"
