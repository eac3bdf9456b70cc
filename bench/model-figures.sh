#!/usr/bin/env bash
# Regenerates the simulator figures quoted in docs/MODEL.md (LAN profile, LAN network model).
# Usage: bench/model-figures.sh [OUTPUT_FILE]   (takes a few minutes on 2 cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/dev/stdout}"
{
  for n in 3 10 100; do
    for s in join crash leave pause restart; do
      "$here/rollcall" sim --nodes "$n" --scenario "$s" --seeds 10 || true
    done
  done
  for s in crash leave pause restart; do
    "$here/rollcall" sim --nodes 1000 --scenario "$s" --seeds 5 || true
  done
  "$here/rollcall" sim --nodes 1000 --scenario join --seeds 3 || true
  for n in 10 100; do
    "$here/rollcall" sim --nodes "$n" --scenario partition-heal --seeds 10 || true
    "$here/rollcall" sim --nodes "$n" --scenario one-way --seeds 5 || true
  done
  "$here/rollcall" sim --nodes 100 --scenario loss --seeds 5 || true
  "$here/rollcall" sim --nodes 100 --scenario loss --seeds 5 --loss 0.2 || true
} > "$out" 2>&1
