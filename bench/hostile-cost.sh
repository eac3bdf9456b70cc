#!/usr/bin/env bash
# The worst case each limit allows against one agent, started through ./rollcall agent (the launcher's
# JVM options, 64 MiB heap), a fresh agent per attack: bytes the attacker sent, the agent's CPU time
# and peak resident memory (VmHWM), whether it survived, and the drops it counted by reason. Prints a
# Markdown table (docs/SECURITY.md, "Cost of the worst case per limit"). Loopback 127.104.50-51.x only;
# every agent is killed by PID. Run it inside a network namespace if other builds use loopback ports.
# usage: bench/hostile-cost.sh [attack-name-substring ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -ntp ${MVN_OFFLINE:+-o} -pl rollcall-agent -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
cp="rollcall-agent/target/test-classes:rollcall-agent/target/rollcall.jar:$(cat rollcall-agent/target/bench.classpath)"
exec java -Xmx2g -Drollcall.jar="$PWD/rollcall-agent/target/rollcall.jar" -cp "$cp" io.rollcall.agent.HostileCost "$@"
