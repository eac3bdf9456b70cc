package io.rollcall.sim;

import io.rollcall.sim.report.LinePlot;
import io.rollcall.sim.report.DisseminationCurve;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.LeaveCompleted;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Timeouts;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * {@code rollcall sim --scaling}: how dissemination, traffic, memory and simulation speed scale with
 * the cluster size. Each run starts N nodes already converged (every node bootstrapped with the same
 * full membership, no traffic), measures steady-state traffic, then makes three changes one after the
 * other, each once the previous one has reached every node: a new node joins through node 0, a
 * random node crashes, another random node leaves. It records when each node learned of each
 * change, and goes on to the requested virtual duration. Results go to a JSON file and PNG charts.
 */
public final class ScalingReport {
    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: rollcall sim --scaling [--nodes N,N,...] [--seeds K,K,...] [--seed S] [--virtual-seconds V]",
            "                              [--out FILE] [--plots DIR|none] [--no-memory]",
            "  --nodes           cluster sizes (default 100,1000,10000)",
            "  --seeds           runs per size, seeds S, S+1, ...; one count, or one per size (default 5,3,1)",
            "  --seed S          first seed (default 1)",
            "  --virtual-seconds length of each run in virtual time (default 120)",
            "  --out FILE        JSON results (default bench/results/sim-scaling/scaling.json)",
            "  --plots DIR       where the PNG charts go, or none (default docs/img)",
            "  --no-memory       skip the heap measurement (full collections; first seed of sizes >= 1000 only)");

    /** Virtual time before the steady-state window: every node has started probing and gossiping. */
    static final long WARM_UP_MILLIS = 5_000;
    /** Length of the steady-state traffic window. */
    static final long STEADY_MILLIS = 20_000;
    /** Pause between one change reaching every node and the next change. */
    static final long SETTLE_MILLIS = 5_000;
    /** How long a join or leave may take to reach every node before the run records it incomplete. */
    static final long CHANGE_DEADLINE_MILLIS = 60_000;
    private static final long CHECK_EVERY_MILLIS = 50;
    /** Virtual interval between wall-clock marks, to see which part of a run costs the time. */
    static final long MARK_EVERY_MILLIS = 10_000;

    private ScalingReport() {
    }

    /**
     * How one change spread.
     *
     * @param kind        join, crash or leave
     * @param subject     the member that joined, crashed or left
     * @param startMillis virtual time of the change
     * @param curve       when each node learned
     */
    public record Change(String kind, String subject, long startMillis, DisseminationCurve curve) {
    }

    /**
     * One run at one cluster size and seed.
     *
     * @param nodes                 converged cluster size N (the joiner is one more)
     * @param seed                  seed
     * @param probeIntervalMillis   the protocol period
     * @param setupWallSeconds      wall time to build and bootstrap the converged cluster
     * @param runWallSeconds        wall time to run the virtual duration
     * @param virtualSeconds        virtual duration run
     * @param events                simulator events run
     * @param steadyMessagesPerNodePerSecond datagrams sent per node per virtual second in the steady window
     * @param steadyBytesPerNodePerSecond    bytes (datagrams and streams) sent per node per second in the window
     * @param steadyStreamBytesPerNodePerSecond the part of those bytes sent in streams (state exchanges)
     * @param runMessagesPerNodePerSecond    the same over the whole run, changes included
     * @param runBytesPerNodePerSecond       the same over the whole run, changes included
     * @param runStreamBytesPerNodePerSecond the part of those bytes sent in streams
     * @param heapBeforeBytes       heap used after a full collection before the cluster was built; -1 if not measured
     * @param heapWithClusterBytes  heap used after a full collection once the cluster was bootstrapped; -1 if not measured
     * @param heapAfterBytes        heap used after a full collection once the run was over and the simulation
     *                              dropped; -1 if not measured
     * @param falseFailures         failure declarations about members that never faulted
     * @param changes               join, crash, leave
     * @param wallMarks             wall seconds since the run started, at every
     *                              {@value ScalingReport#MARK_EVERY_MILLIS} ms of virtual time
     */
    public record Run(int nodes, long seed, long probeIntervalMillis, double setupWallSeconds, double runWallSeconds,
                      double virtualSeconds, long events, double steadyMessagesPerNodePerSecond,
                      double steadyBytesPerNodePerSecond, double steadyStreamBytesPerNodePerSecond,
                      double runMessagesPerNodePerSecond, double runBytesPerNodePerSecond,
                      double runStreamBytesPerNodePerSecond, long heapBeforeBytes, long heapWithClusterBytes,
                      long heapAfterBytes, long falseFailures, List<Change> changes,
                      double[] wallMarks) {
        /** Copies the lists. */
        public Run {
            changes = List.copyOf(changes);
            wallMarks = wallMarks.clone();
        }

        /**
         * @return the heap the bootstrapped cluster held (heap with it less heap once it was dropped),
         *         divided by its N * N member-table entries: engines, tables and simulator included;
         *         NaN if not measured
         */
        public double bytesPerMember() {
            if (heapWithClusterBytes < 0 || heapAfterBytes < 0) {
                return Double.NaN;
            }
            return (heapWithClusterBytes - heapAfterBytes) / ((double) nodes * nodes);
        }

        Run withHeapAfter(long bytes) {
            return new Run(nodes, seed, probeIntervalMillis, setupWallSeconds, runWallSeconds, virtualSeconds, events,
                    steadyMessagesPerNodePerSecond, steadyBytesPerNodePerSecond, steadyStreamBytesPerNodePerSecond,
                    runMessagesPerNodePerSecond, runBytesPerNodePerSecond, runStreamBytesPerNodePerSecond, heapBeforeBytes, heapWithClusterBytes, bytes, falseFailures, changes,
                    wallMarks);
        }
    }

    /** @param args command-line arguments after {@code sim --scaling} */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param args command-line arguments after {@code sim --scaling}
     * @param out  where progress and the summary go
     * @param err  where errors go
     * @return exit status: 0 if every change reached every node with no false failure, 1 if not, 2
     *         for bad arguments or an unwritable output
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        int[] sizes = {100, 1_000, 10_000};
        int[] seeds = {5, 3, 1};
        long firstSeed = 1;
        long virtualMillis = 120_000;
        Path outFile = Path.of("bench/results/sim-scaling/scaling.json");
        Path plots = Path.of("docs/img");
        boolean memory = true;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--nodes" -> sizes = parseInts(arg, value(args, ++i, arg), 2, 100_000);
                    case "--seeds" -> seeds = parseInts(arg, value(args, ++i, arg), 1, 1_000);
                    case "--seed" -> firstSeed = parseLong(arg, value(args, ++i, arg));
                    case "--virtual-seconds" -> virtualMillis = 1000L * parseInts(arg, value(args, ++i, arg), 1, 86_400)[0];
                    case "--out" -> outFile = Path.of(value(args, ++i, arg));
                    case "--plots" -> {
                        String v = value(args, ++i, arg);
                        plots = v.equals("none") ? null : Path.of(v);
                    }
                    case "--no-memory" -> memory = false;
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (seeds.length != 1 && seeds.length != sizes.length) {
                throw new IllegalArgumentException("--seeds takes one count or one per cluster size");
            }
        } catch (IllegalArgumentException e) {
            err.println("rollcall sim --scaling: " + e.getMessage());
            err.println("run 'rollcall sim --scaling --help' for usage");
            return 2;
        }

        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            int k = seeds.length == 1 ? seeds[0] : seeds[i];
            for (int s = 0; s < k; s++) {
                // Below 1,000 nodes the tables (under 10^6 entries) are lost in the noise of the heap measurement.
                boolean measure = memory && s == 0 && sizes[i] >= 1_000;
                Run r = runOnce(sizes[i], firstSeed + s, virtualMillis, measure, EngineConfig.lan(),
                        (what, value) -> { });
                if (measure) {
                    // The baseline is taken once the simulation is gone rather than before it was built:
                    // in one process after earlier runs, the heap before was up to 36 MB higher than after,
                    // which halved the figure at 1,000 nodes.
                    r = r.withHeapAfter(heapUsedAfterGc());
                }
                runs.add(r);
                out.print(formatRun(r));
                out.printf(Locale.ROOT, "  process peak RSS so far    %.0f MiB%n", peakRssKib() / 1024.0);
                out.flush();
            }
        }
        long peakRss = peakRssKib();
        try {
            write(outFile, toJson(runs, virtualMillis, peakRss));
            out.println("results: " + outFile);
            if (plots != null) {
                for (Path p : writePlots(runs, plots)) {
                    out.println("chart: " + p);
                }
            }
        } catch (IOException e) {
            err.println("rollcall sim --scaling: cannot write results: " + e.getMessage());
            return 2;
        }
        boolean ok = runs.stream().allMatch(r -> r.falseFailures() == 0
                && r.changes().stream().allMatch(c -> c.curve().complete()));
        return ok ? 0 : 1;
    }

    /**
     * One run: a converged cluster of {@code n}, then a join, a crash and a leave.
     *
     * @param n             converged cluster size
     * @param seed          seed
     * @param virtualMillis virtual duration (extended if the changes need longer)
     * @param measureMemory whether to measure heap per member (two full collections)
     * @param config        engine configuration
     * @param progress      told of phases as they end (name, seconds), for logging
     * @return what was measured
     */
    public static Run runOnce(int n, long seed, long virtualMillis, boolean measureMemory, EngineConfig config,
                              BiConsumer<String, Double> progress) {
        long heapBefore = measureMemory ? heapUsedAfterGc() : -1;
        long wall0 = System.nanoTime();
        Simulation sim = new Simulation(seed, config, NetworkModel.lan());
        for (int i = 0; i <= n; i++) {
            sim.addNode();
        }
        List<SimNode> nodes = sim.nodes();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5CA1AB1EL);
        // No incarnation tracking: it holds N * N entries of its own, which would distort the heap measurement.
        InvariantChecker checker = new InvariantChecker(sim, false);
        sim.addObserver(checker);
        for (int i = 0; i < n; i++) {
            sim.start(nodes.get(i), 1);
        }
        sim.bootstrapConverged();
        double setupWall = (System.nanoTime() - wall0) / 1e9;
        progress.accept("setup", setupWall);
        long heapWithCluster = measureMemory ? heapUsedAfterGc() : -1;

        long wall1 = System.nanoTime();
        List<Double> marks = new ArrayList<>();
        // A simulator event that only reads the clock: it does not touch any engine, so the run is
        // the same with or without it.
        Runnable[] mark = new Runnable[1];
        mark[0] = () -> {
            marks.add((System.nanoTime() - wall1) / 1e9);
            sim.at(sim.now() + MARK_EVERY_MILLIS, mark[0]);
        };
        sim.at(0, mark[0]);
        sim.runUntil(WARM_UP_MILLIS);
        long packets0 = sim.packetsSent();
        long bytes0 = sim.bytesSent();
        long streamBytes0 = sim.streamBytesSent();
        sim.runUntil(WARM_UP_MILLIS + STEADY_MILLIS);
        double steadySeconds = STEADY_MILLIS / 1000.0;
        double steadyMessages = (sim.packetsSent() - packets0) / steadySeconds / n;
        double steadyBytes = (sim.bytesSent() - bytes0) / steadySeconds / n;
        double steadyStreamBytes = (sim.streamBytesSent() - streamBytes0) / steadySeconds / n;

        List<Change> changes = new ArrayList<>();
        // join: node n, not bootstrapped, joins through node 0; all n others must learn of it
        SimNode joiner = nodes.get(n);
        changes.add(change(sim, "join", joiner, MembershipEvent.Joined.class, n, CHANGE_DEADLINE_MILLIS, () -> {
            sim.start(joiner, 1);
            joiner.engine().join(List.of(nodes.get(0).address()));
        }));
        sim.runUntil(sim.now() + SETTLE_MILLIS);

        // crash: every survivor (n - 1 bootstrapped nodes and the joiner) must declare it failed
        SimNode victim = nodes.get(1 + random.nextInt(n - 1));
        long bound = Timeouts.crashDetectionBoundMillis(config, n + 1);
        changes.add(change(sim, "crash", victim, MembershipEvent.Failed.class, n, bound + CHANGE_DEADLINE_MILLIS,
                () -> sim.crash(victim)));
        sim.runUntil(sim.now() + SETTLE_MILLIS);

        // leave: every node still running other than the leaver must hold it left
        SimNode leaver;
        do {
            leaver = nodes.get(1 + random.nextInt(n - 1));
        } while (leaver == victim);
        SimNode departing = leaver;
        sim.addObserver((t, node, notification) -> {
            if (node == departing && notification instanceof LeaveCompleted) {
                sim.at(t, departing::exit);
            }
        });
        checker.markDeparted(departing.name());
        changes.add(change(sim, "leave", departing, MembershipEvent.Left.class, n - 1, CHANGE_DEADLINE_MILLIS,
                () -> departing.engine().leave(5_000)));

        sim.runUntil(Math.max(virtualMillis, sim.now()));
        double runWall = (System.nanoTime() - wall1) / 1e9;
        progress.accept("run", runWall);
        double virtualSeconds = sim.now() / 1000.0;
        return new Run(n, seed, config.probeIntervalMillis(), setupWall, runWall, virtualSeconds, sim.eventsProcessed(),
                steadyMessages, steadyBytes, steadyStreamBytes, sim.packetsSent() / virtualSeconds / n,
                sim.bytesSent() / virtualSeconds / n, sim.streamBytesSent() / virtualSeconds / n,
                heapBefore, heapWithCluster, -1, checker.falseFailures(), changes, marks.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static Change change(Simulation sim, String kind, SimNode subject, Class<? extends MembershipEvent> event,
                                 int expected, long deadlineMillis, Runnable make) {
        long start = sim.now();
        DisseminationTracker tracker = new DisseminationTracker(subject.name(), event, start, sim.nodes().size());
        sim.addObserver(tracker);
        make.run();
        sim.runUntil(() -> tracker.learned() >= expected, CHECK_EVERY_MILLIS, start + deadlineMillis);
        sim.removeObserver(tracker);
        return new Change(kind, subject.name(), start, tracker.curve(expected));
    }

    // ------------------------------------------------------------------ measuring the process

    private static long heapUsedAfterGc() {
        // Two collections: the first may leave objects with finalizers or reference processing behind.
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** @return the process's peak resident set (VmHWM) in KiB, or -1 where /proc is not available */
    static long peakRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    // ------------------------------------------------------------------ output

    static String formatRun(Run r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "scaling, %,d nodes, seed %d%n", r.nodes(), r.seed()));
        sb.append(String.format(Locale.ROOT, "  setup (bootstrap) wall s    %.2f%n", r.setupWallSeconds()));
        sb.append(String.format(Locale.ROOT, "  run wall s                  %.2f for %.1f virtual s (%.3f wall s per virtual s)%n",
                r.runWallSeconds(), r.virtualSeconds(), r.runWallSeconds() / r.virtualSeconds()));
        sb.append(String.format(Locale.ROOT, "  steady msgs / bytes per node per s  %.2f / %.0f (%.0f in state exchanges)%n",
                r.steadyMessagesPerNodePerSecond(), r.steadyBytesPerNodePerSecond(), r.steadyStreamBytesPerNodePerSecond()));
        sb.append(String.format(Locale.ROOT, "  whole-run msgs / bytes per node per s  %.2f / %.0f (%.0f in state exchanges)%n",
                r.runMessagesPerNodePerSecond(), r.runBytesPerNodePerSecond(), r.runStreamBytesPerNodePerSecond()));
        if (!Double.isNaN(r.bytesPerMember())) {
            sb.append(String.format(Locale.ROOT, "  heap bytes per member entry %.1f%n", r.bytesPerMember()));
        }
        for (Change c : r.changes()) {
            DisseminationCurve k = c.curve();
            sb.append(String.format(Locale.ROOT, "  %-5s %s: %d of %d learned; first %s, 50%% %s, 99%% %s, 100%% %s (%s periods)%n",
                    c.kind(), c.subject(), k.learned(), k.expected(), seconds(k.millisToReach(1.0 / k.expected())),
                    seconds(k.millisToReach(0.5)), seconds(k.millisToReach(0.99)), seconds(k.millisToReach(1)),
                    periodsText(k, r.probeIntervalMillis())));
        }
        sb.append("  wall s at every 10 virtual s  ");
        for (double m : r.wallMarks()) {
            sb.append(String.format(Locale.ROOT, " %.1f", m));
        }
        sb.append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "  false failure declarations  %d%n", r.falseFailures()));
        return sb.toString();
    }

    private static String seconds(long millis) {
        return millis < 0 ? "never" : String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    private static String periodsText(DisseminationCurve k, long probeIntervalMillis) {
        long ms = k.millisToReach(1);
        return ms < 0 ? "never" : Long.toString(periods(ms, probeIntervalMillis));
    }

    /** @return whole protocol periods needed to cover {@code millis} (a partial period counts as one) */
    static long periods(long millis, long probeIntervalMillis) {
        return (millis + probeIntervalMillis - 1) / probeIntervalMillis;
    }

    static String toJson(List<Run> runs, long virtualMillis, long peakRssKib) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n");
        sb.append("  \"benchmark\": \"rollcall sim --scaling\",\n");
        sb.append("  \"cluster_start\": \"converged bootstrap (every node given the full membership, no traffic)\",\n");
        sb.append("  \"profile\": \"lan\",\n");
        sb.append("  \"virtual_seconds_requested\": ").append(virtualMillis / 1000.0).append(",\n");
        sb.append("  \"jvm\": ").append(quote(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))).append(",\n");
        sb.append("  \"jvm_args\": ").append(quote(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))).append(",\n");
        sb.append("  \"available_processors\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        sb.append("  \"max_heap_bytes\": ").append(Runtime.getRuntime().maxMemory()).append(",\n");
        sb.append("  \"process_peak_rss_kib\": ").append(peakRssKib).append(",\n");
        sb.append("  \"runs\": [\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", r.nodes());
            m.put("seed", r.seed());
            m.put("probe_interval_ms", r.probeIntervalMillis());
            m.put("setup_wall_s", r.setupWallSeconds());
            m.put("run_wall_s", r.runWallSeconds());
            m.put("virtual_s", r.virtualSeconds());
            m.put("wall_s_per_virtual_s", r.runWallSeconds() / r.virtualSeconds());
            m.put("events", r.events());
            m.put("steady_msgs_per_node_per_s", r.steadyMessagesPerNodePerSecond());
            m.put("steady_bytes_per_node_per_s", r.steadyBytesPerNodePerSecond());
            m.put("steady_stream_bytes_per_node_per_s", r.steadyStreamBytesPerNodePerSecond());
            m.put("run_msgs_per_node_per_s", r.runMessagesPerNodePerSecond());
            m.put("run_bytes_per_node_per_s", r.runBytesPerNodePerSecond());
            m.put("run_stream_bytes_per_node_per_s", r.runStreamBytesPerNodePerSecond());
            m.put("heap_before_bytes", r.heapBeforeBytes());
            m.put("heap_with_cluster_bytes", r.heapWithClusterBytes());
            m.put("heap_after_bytes", r.heapAfterBytes());
            m.put("heap_bytes_per_member", r.bytesPerMember());
            m.put("false_failures", r.falseFailures());
            sb.append("    {");
            for (Map.Entry<String, Object> e : m.entrySet()) {
                sb.append(quote(e.getKey())).append(": ").append(number(e.getValue())).append(", ");
            }
            sb.append("\"wall_s_every_10_virtual_s\": ").append(Arrays.toString(r.wallMarks())).append(", ");
            sb.append("\"changes\": [");
            for (int j = 0; j < r.changes().size(); j++) {
                Change c = r.changes().get(j);
                DisseminationCurve k = c.curve();
                long full = k.millisToReach(1);
                sb.append(j == 0 ? "\n" : ",\n").append("      {\"kind\": ").append(quote(c.kind()))
                        .append(", \"subject\": ").append(quote(c.subject()))
                        .append(", \"start_virtual_ms\": ").append(c.startMillis())
                        .append(", \"expected\": ").append(k.expected())
                        .append(", \"learned\": ").append(k.learned())
                        .append(", \"ms_to_first\": ").append(k.millisToReach(1.0 / k.expected()))
                        .append(", \"ms_to_50pct\": ").append(k.millisToReach(0.5))
                        .append(", \"ms_to_90pct\": ").append(k.millisToReach(0.9))
                        .append(", \"ms_to_99pct\": ").append(k.millisToReach(0.99))
                        .append(", \"ms_to_all\": ").append(full)
                        .append(", \"periods_to_all\": ").append(full < 0 ? -1 : periods(full, r.probeIntervalMillis()))
                        .append(", \"learned_ms\": ").append(Arrays.toString(k.sortedMillis()))
                        .append('}');
            }
            sb.append("\n    ]}").append(i + 1 < runs.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        return sb.toString();
    }

    private static String number(Object v) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "null";
        }
        return String.valueOf(v);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * Draws, for each change, the fraction of nodes that know of it against time, one colour per
     * cluster size (every seed drawn), and the periods until every node knew against cluster size.
     *
     * @param runs what was measured
     * @param dir  where the PNGs go
     * @return the files written
     * @throws IOException if one cannot be written
     */
    static List<Path> writePlots(List<Run> runs, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Integer> sizes = runs.stream().map(Run::nodes).distinct().sorted().toList();
        List<Path> written = new ArrayList<>();
        Map<String, String> titles = Map.of(
                "join", "Join: fraction of nodes that know the new member",
                "crash", "Crash: fraction of survivors that hold the member failed",
                "leave", "Leave: fraction of nodes that hold the member left");
        List<String> kinds = List.of("join", "crash", "leave");
        for (String kind : kinds) {
            LinePlot plot = new LinePlot(titles.get(kind), "seconds since the change", "fraction of nodes").yRange(0, 1);
            for (int i = 0; i < sizes.size(); i++) {
                int size = sizes.get(i);
                List<double[][]> lines = new ArrayList<>();
                for (Run r : runs) {
                    if (r.nodes() == size) {
                        lines.add(changeOf(r, kind).curve().steps());
                    }
                }
                plot.add(new LinePlot.Series(String.format(Locale.ROOT, "N = %,d (%d run%s)", size, lines.size(),
                        lines.size() == 1 ? "" : "s"), LinePlot.PALETTE.get(i % LinePlot.PALETTE.size()), lines, false));
            }
            Path file = dir.resolve("sim-scaling-" + kind + ".png");
            plot.writePng(file, 900, 560);
            written.add(file);
        }
        if (sizes.size() > 1) {
            // Fractional periods (time / protocol period) rather than whole ones: a join reaches everyone
            // within one or two periods at any of these sizes, and whole periods would hide its growth.
            LinePlot plot = new LinePlot("Time until every node knows, in protocol periods (median of runs)",
                    "cluster size N", "protocol periods").logX().legendTopLeft();
            for (int k = 0; k < kinds.size(); k++) {
                String kind = kinds.get(k);
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int size : sizes) {
                    double[] periods = runs.stream().filter(r -> r.nodes() == size)
                            .filter(r -> changeOf(r, kind).curve().complete())
                            .mapToDouble(r -> changeOf(r, kind).curve().millisToReach(1) / (double) r.probeIntervalMillis())
                            .sorted().toArray();
                    if (periods.length > 0) {
                        xs.add((double) size);
                        ys.add(median(periods));
                    }
                }
                double[][] line = {xs.stream().mapToDouble(Double::doubleValue).toArray(),
                        ys.stream().mapToDouble(Double::doubleValue).toArray()};
                plot.add(new LinePlot.Series(kind, LinePlot.PALETTE.get(k), List.<double[][]>of(line), true));
            }
            Path file = dir.resolve("sim-scaling-periods.png");
            plot.writePng(file, 900, 560);
            written.add(file);
        }
        return written;
    }

    private static Change changeOf(Run r, String kind) {
        return r.changes().stream().filter(c -> c.kind().equals(kind)).findFirst().orElseThrow();
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    // ------------------------------------------------------------------ arguments

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int[] parseInts(String option, String text, int min, int max) {
        String[] parts = text.split(",");
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " expects whole numbers separated by commas, got '" + text + "'");
            }
            if (values[i] < min || values[i] > max) {
                throw new IllegalArgumentException(option + " values must be " + min + ".." + max + ", got " + values[i]);
            }
        }
        return values;
    }

    private static long parseLong(String option, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a whole number, got '" + text + "'");
        }
    }
}
