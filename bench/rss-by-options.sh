#!/bin/bash
# Idle cost of the agent under given JVM options: starts a cluster of NODES agents (default 8) on
# 127.0.20.1-NODES through bench/rollcall-adapter, waits SETTLE s (default 25), then prints the CPU
# per node over the next 60 s (%) and each agent's mean VmRSS (MiB), and kills them by PID.
# usage: [NODES=n] [SETTLE=s] bench/rss-by-options.sh <label> [jvm options...]
#        (no options: the launcher's own)
# Environment passes through (e.g. MALLOC_ARENA_MAX). Used for the tables in docs/PERFORMANCE.md.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
label=$1; shift
[ $# -gt 0 ] && export ROLLCALL_JAVA_OPTS="$*"
A=$here/rollcall-adapter
root=$(mktemp -d); pids=()
n=${NODES:-8}
trap 'for i in $(seq $n); do [ -f $root/r$i/aux.pids ] && kill -9 $(cat $root/r$i/aux.pids) 2>/dev/null; done; kill -9 "${pids[@]}" 2>/dev/null; rm -rf $root' EXIT
pids+=("$($A start r1 127.0.20.1 7946 - $root/r1)")
until curl -s -o /dev/null http://127.0.20.1:8946/v1/health; do sleep 0.01; done
for i in $(seq 2 $n); do pids+=("$($A start r$i 127.0.20.$i 7946 127.0.20.1:7946 $root/r$i)"); done
sleep ${SETTLE:-25}
ticks() { for p in "${pids[@]}"; do awk '{print $14+$15}' /proc/$p/stat; done | awk '{s+=$1} END {print s}'; }
a=$(ticks); sleep 60; b=$(ticks)
hz=$(getconf CLK_TCK)
cpu=$(awk -v a="$a" -v b="$b" -v hz="$hz" -v n="$n" 'BEGIN {printf "%.2f", (b-a)/hz/n/60*100}')
rss=$(for p in "${pids[@]}"; do awk '/VmRSS/{print $2}' /proc/$p/status; done | awk '{s+=$1} END {printf "%.1f", s/NR/1024}')
echo "$label cpu_pct_per_node=$cpu rss_mib_mean=$rss members=$($A members $root/r$n | wc -l)"
