#!/usr/bin/env bash
# Behaviour stays exactly the same: records the simulator's full output for a fixed set of scenarios
# and seeds, and compares a later build's output with it, line by line. Used around refactors of the
# engine (docs/MODEL.md and README: "the house" refactor): a refactor that changes any figure of any
# run, by one event or one byte, shows up here.
#
#   bench/sim-identity.sh record [DIR]   build, run every case, write DIR/<case>.txt (default
#                                        bench/results/sim-identity)
#   bench/sim-identity.sh check [DIR]    build, run every case again, diff against DIR; exit 1 on a
#                                        difference
#
# The cases: every scenario at 100 nodes with seeds 1-3, with ICMP answers (seed 1) and without the
# TCP fallback (seed 1), and at 1,000 nodes (seed 1). Wall-clock lines ("wall ms") are left out:
# they are the only figures a run does not determine. About 3 minutes on the 2-core machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-}"
dir="${2:-bench/results/sim-identity}"
case "$mode" in
  record|check) ;;
  *) echo "usage: bench/sim-identity.sh record|check [DIR]" >&2; exit 2 ;;
esac

mvn -q -B -ntp -DskipTests package >&2
jar=rollcall-agent/target/rollcall.jar

cases=(
  "n100-s1:--nodes 100 --seed 1"
  "n100-s2:--nodes 100 --seed 2"
  "n100-s3:--nodes 100 --seed 3"
  "n100-s1-icmp:--nodes 100 --seed 1 --icmp"
  "n100-s1-udp-only:--nodes 100 --seed 1 --udp-only"
  "n1000-s1:--nodes 1000 --seed 1"
)

out="$dir"
if [[ "$mode" == check ]]; then
  [[ -d "$dir" ]] || { echo "sim-identity: no recording in $dir (run record first)" >&2; exit 2; }
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

for c in "${cases[@]}"; do
  name="${c%%:*}"
  read -r -a args <<< "${c#*:}"
  # A scenario that misses its expectations exits 1; its output is still what is compared.
  java -XX:+UseParallelGC -Xss4m -jar "$jar" sim --scenario all "${args[@]}" \
      | grep -v '^  wall ms ' > "$out/$name.txt" || true
  echo "sim-identity: $name: $(grep -c '^scenario ' "$out/$name.txt") scenario runs" >&2
done

if [[ "$mode" == check ]]; then
  status=0
  for c in "${cases[@]}"; do
    name="${c%%:*}"
    if ! diff -u "$dir/$name.txt" "$out/$name.txt"; then
      echo "sim-identity: $name DIFFERS" >&2
      status=1
    fi
  done
  [[ $status == 0 ]] && echo "sim-identity: every case identical to $dir" >&2
  exit $status
fi
echo "sim-identity: recorded in $dir" >&2
