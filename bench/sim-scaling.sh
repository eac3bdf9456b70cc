#!/usr/bin/env bash
# Simulator scaling benchmark (issue 7): converged clusters of 100, 1,000 and 10,000 simulated nodes,
# each taken through a join, a crash and a leave, for 120 virtual seconds. Writes
# bench/results/sim-scaling/scaling.json and the charts docs/img/sim-scaling-*.png; docs/PERFORMANCE.md
# ("Simulator scaling") quotes them. Extra arguments go to `rollcall sim --scaling` (see its --help),
# e.g. bench/sim-scaling.sh --nodes 100,1000 --seeds 3 --plots none
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jar=rollcall-agent/target/rollcall.jar
if [[ ! -f "$jar" ]]; then
  mvn -q -B -DskipTests package
fi
# 10,000 nodes hold 10^8 member entries, about 7 GB of live heap. A fixed heap with a fixed 2.5 GiB young
# generation: with adaptive sizing the parallel collector shrank the young generation and fell into
# back-to-back full collections (6-29 s each) once the old generation was mostly full. Short-lived
# objects (messages in flight, timers) die young; the tables are promoted once, during the bootstrap.
# Transparent huge pages (madvise mode suffices): the bootstrap's first touch of 7 GB of old generation
# was 1.8 million page faults, and the collector copying the tables into it ran at a third of the speed.
# The heap is touched at start (AlwaysPreTouch): on a VM that returns free memory to its host, the
# first run to touch fresh memory otherwise paid for it (one 10,000-node run took 87 s instead of 22).
heap="${SIM_HEAP:-13g}"
exec java -XX:+UseParallelGC -Xss4m -Xms"$heap" -Xmx"$heap" -Xmn2560m -XX:-UseAdaptiveSizePolicy \
  -XX:MaxTenuringThreshold=2 -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch -jar "$jar" sim --scaling "$@"
