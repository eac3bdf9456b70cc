#!/bin/bash
# Resident memory of the agent under given JVM options: starts a 4-node cluster on 127.0.20.1-4
# through bench/rollcall-adapter, waits 45 s, prints each agent's VmRSS (MiB), kills them by PID.
# usage: bench/rss-by-options.sh <label> [jvm options...]   (no options: the launcher's own)
# Environment passes through (e.g. MALLOC_ARENA_MAX). Used for the table in docs/PERFORMANCE.md.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
label=$1; shift
[ $# -gt 0 ] && export ROLLCALL_JAVA_OPTS="$*"
A=$here/rollcall-adapter
root=$(mktemp -d); pids=()
trap 'for i in 1 2 3 4; do [ -f $root/r$i/aux.pids ] && kill -9 $(cat $root/r$i/aux.pids) 2>/dev/null; done; kill -9 "${pids[@]}" 2>/dev/null; rm -rf $root' EXIT
t0=$(date +%s%N)
pids+=("$($A start r1 127.0.20.1 7946 - $root/r1)")
until curl -s -o /dev/null http://127.0.20.1:8946/v1/health; do sleep 0.01; done
t1=$(date +%s%N)
for i in 2 3 4; do pids+=("$($A start r$i 127.0.20.$i 7946 127.0.20.1:7946 $root/r$i)"); done
sleep 45
out="$label seed_http_ms=$(( (t1 - t0) / 1000000 )) rss_mib="
for p in "${pids[@]}"; do out+=" $(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$p/status)"; done
echo "$out members=$($A members $root/r4 | wc -l)"
