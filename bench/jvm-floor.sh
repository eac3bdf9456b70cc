#!/bin/bash
# The start-up floor of a JVM agent: how long N JVMs started at once take when each does no more
# than the least a joining node must do (bind a UDP socket on loopback and send one datagram).
# Compared in docs/PERFORMANCE.md with the time Serf's whole cluster needs to converge, to show
# what no JVM agent can beat on this machine, however little its own code does.
# Each JVM runs with a class-data archive of the program's own classes (Java 17) or an AOT cache
# (Java 25, JEP 483/515, when JAVA25 names a Java 25 launcher), serial collector, C1 only, no
# perf-data file. The processes end by themselves; the script waits for each by PID.
# usage: [JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java] [REPS=2] bench/jvm-floor.sh [N...]
#        (default N: 8 32 64). Datagrams go to 127.0.41.250:7946, where nothing listens.
set -u
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(8 32 64)
reps=${REPS:-2}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cat > "$dir/Floor.java" <<'EOF'
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

public class Floor {
    public static void main(String[] args) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.41." + args[0], 7946))) {
            byte[] b = {1};
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.41.250", 7946)));
        }
    }
}
EOF
# A jar, not a class directory: class-data archives refuse a non-empty directory on the class path.
mkdir "$dir/classes" && javac --release 17 -d "$dir/classes" "$dir/Floor.java" || exit 1
jar --create --file "$dir/floor.jar" -C "$dir/classes" . || exit 1
common="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp $dir/floor.jar Floor"
java -XX:ArchiveClassesAtExit="$dir/floor.jsa" $common 1 >/dev/null 2>&1 && [ -s "$dir/floor.jsa" ] \
  || { echo "jvm-floor: could not make the class-data archive" >&2; exit 1; }
runs=("java17+cds|java -Xshare:on -XX:SharedArchiveFile=$dir/floor.jsa")
if [ -n "${JAVA25:-}" ]; then
  "$JAVA25" -XX:AOTCacheOutput="$dir/floor.aot" $common 1 >/dev/null 2>&1 && [ -s "$dir/floor.aot" ] \
    || { echo "jvm-floor: could not make the AOT cache" >&2; exit 1; }
  runs+=("java25+aot|$JAVA25 -XX:AOTMode=on -XX:AOTCache=$dir/floor.aot")
fi
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
for run in "${runs[@]}"; do
  label=${run%%|*}; cmd=${run#*|}
  for n in "${sizes[@]}"; do
    for r in $(seq "$reps"); do
      b0=$(busy); t0=$(date +%s%N); pids=()
      for i in $(seq "$n"); do $cmd $common "$i" & pids+=($!); done
      wait "${pids[@]}"
      t1=$(date +%s%N); b1=$(busy)
      echo "$label n=$n all_done_ms=$(( (t1 - t0) / 1000000 ))" \
        "busy_per_jvm_ms=$(( (b1 - b0) * 1000 / $(getconf CLK_TCK) / n ))"
    done
  done
done
