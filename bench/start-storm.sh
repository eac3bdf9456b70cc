#!/bin/bash
# CPU of a start-up storm: starts a seed agent, waits until it answers, then starts NODES-1 more at
# once through bench/rollcall-adapter (as the harness's join scenario does), waits SLEEP s (default
# 8), and prints the machine's busy time per agent, each agent's CPU by thread kind (ms, mean over
# agents, from /proc/<pid>/task/*/schedstat; kinds under 3 ms left out), the time from the seed's
# start to the last first-join logged by any agent, and the number of failed events. Kills
# everything it started by PID.
# usage: [NODES=n] [SLEEP=s] [NET=x] bench/start-storm.sh [jvm options...]
#        (no options: the launcher's own; options given replace them all, as ROLLCALL_JAVA_OPTS does)
# Used for the start-up tables in docs/PERFORMANCE.md. Agents use 127.0.NET.1-NODES (NET default 23).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
A=$here/rollcall-adapter
n=${NODES:-32}; net=${NET:-23}
[ $# -gt 0 ] && export ROLLCALL_JAVA_OPTS="$*"
root=$(mktemp -d); pids=()
trap 'for i in $(seq $n); do [ -f $root/r$i/aux.pids ] && kill -9 $(cat $root/r$i/aux.pids) 2>/dev/null; done; kill -9 "${pids[@]}" 2>/dev/null; rm -rf $root' EXIT
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
t0=$(date +%s%3N); b0=$(busy)
pids+=("$($A start r1 127.0.$net.1 7946 - $root/r1)")
until curl -s -o /dev/null http://127.0.$net.1:8946/v1/health; do sleep 0.01; done
for i in $(seq 2 $n); do pids+=("$($A start r$i 127.0.$net.$i 7946 127.0.$net.1:7946 $root/r$i)"); done
sleep "${SLEEP:-8}"
b1=$(busy)
echo "machine busy per agent: $(( (b1 - b0) * 1000 / $(getconf CLK_TCK) / n )) ms"
# Thread names are cut to 15 characters by the kernel: "rollcall-r12-pr" is r12's protocol thread.
for p in "${pids[@]}"; do
  for t in /proc/$p/task/*; do
    echo "$(tr ' ' _ <$t/comm | sed -E 's/^rollcall-r[0-9]+-//; s/^(..).*/\1/')" "$(cut -d' ' -f1 $t/schedstat)"
  done
done 2>/dev/null | awk -v n=$n '
  BEGIN {k["pr"]="protocol"; k["ud"]="udp"; k["st"]="streams"; k["ja"]="main"; k["C1"]="compiler";
         k["VM"]="vm"; k["su"]="subscriber"; k["tc"]="tcp"; k["ro"]="agent+http"}
  {name = ($1 in k) ? k[$1] : "other"; d[name]+=$2; t+=$2}
  END {for (x in d) if (d[x]/n/1e6 > 3) printf "%s=%.0f ", x, d[x]/n/1e6; printf "total=%.0f ms per agent\n", t/n/1e6}'
last=0
for i in $(seq $n); do
  seen=$(awk '$2=="join"' $root/r$i/events.log | wc -l)
  [ "$seen" -lt $((n - 1)) ] && echo "r$i saw only $seen of $((n - 1))"
  l=$(awk '$2=="join"{print $1}' $root/r$i/events.log | sort -n | tail -1)
  [ -n "$l" ] && [ "$l" -gt $last ] && last=$l
done
echo "converged_ms=$((last - t0)) failed_events=$(cat $root/r*/events.log | awk '$2=="failed"' | wc -l)"
