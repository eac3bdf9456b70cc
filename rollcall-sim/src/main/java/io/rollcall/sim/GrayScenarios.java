package io.rollcall.sim;

import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.engine.LeaveCompleted;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Timeouts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gray-failure scenarios of issue 21: faults that are neither a crash nor a clean partition, and
 * events at a scale where plain SWIM implementations are known to misbehave. Each checks the issue's
 * goal as its expectation, so a run that misses it says so and exits 1. They run the engine as it is;
 * a goal the engine misses shows up as a failed expectation with the measured figure.
 */
final class GrayScenarios {
    /** Every gray-failure scenario, in the order {@code gray} runs them. */
    static final List<String> NAMES = List.of("flip-flop", "lossy", "slow", "mass-restart", "mass-restart-lost",
            "leave-at-scale", "cut-drop", "cut-link-down");

    private static final long WARM_UP_MILLIS = 5_000;
    private static final long SAMPLE_EVERY_MILLIS = 100;
    private static final long CHECK_EVERY_MILLIS = 50;

    /** flip-flop: the faulty nodes' ingress is cut this long, then restored this long, over and over. */
    static final long FLIP_FLOP_HALF_PERIOD_MILLIS = 20_000;
    /** flip-flop goal: at most this many state changes of a faulty node, as one healthy node sees it ... */
    static final int FLAP_LIMIT_CHANGES = 2;
    /** ... within any window this long. */
    static final long FLAP_WINDOW_MILLIS = 300_000;
    /** flip-flop goal: healthy nodes disagree on a faulty node's state for at most this long at a time. */
    static final long AGREEMENT_LIMIT_MILLIS = 10_000;
    /** lossy: the share of everything sent to a faulty node that is lost. */
    static final double LOSSY_INGRESS_LOSS = 0.80;
    /** lossy goal: every healthy node holds each faulty node failed within this long of the loss starting. */
    static final long LOSSY_VERDICT_LIMIT_MILLIS = 60_000;
    /** slow: the share of nodes that process what they receive late. */
    static final double SLOW_SHARE = 0.10;
    /** slow goal: Lifeguard off must declare at least this many times more healthy nodes failed. */
    static final int LIFEGUARD_GAIN = 50;
    /** slow: healthy nodes crashed during the run, to compare crash detection with and without Lifeguard. */
    static final int SLOW_CRASHES = 3;
    /** mass restart: the share of nodes that restart at once. */
    static final double RESTART_SHARE = 0.30;
    /** mass restart goal: every node is alive at every node this long after the restart. */
    static final long RESTART_LIMIT_MILLIS = 10_000;
    /** leave at scale: the share of nodes that leave ... */
    static final double LEAVE_SHARE = 0.05;
    /** ... within this long. */
    static final long LEAVE_SPREAD_MILLIS = 1_000;
    /** leave at scale goal: this share of (observer, leaver) pairs shows the leaver left ... */
    static final double LEAVE_PAIR_SHARE = 0.999;
    /** ... within this long of its leave. */
    static final long LEAVE_LIMIT_MILLIS = 5_000;
    /** cuts: one cluster again this long after the network returns. */
    static final long HEAL_LIMIT_MILLIS = 5_000;

    private GrayScenarios() {
    }

    static void run(String name, Scenarios.Run run) {
        switch (name) {
            case "flip-flop" -> flipFlop(run);
            case "lossy" -> lossy(run);
            case "slow" -> slow(run);
            case "mass-restart" -> massRestart(run, true);
            case "mass-restart-lost" -> massRestart(run, false);
            case "leave-at-scale" -> leaveAtScale(run);
            case "cut-drop" -> cut(run, false);
            case "cut-link-down" -> cut(run, true);
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "'");
        }
    }

    // ------------------------------------------------------------------ flip-flop

    /**
     * 1% of the nodes (at least one) lose all their ingress for 20 s, get it back for 20 s, and so on
     * for the scenario's duration (default 10 minutes), as in the Rapid paper's experiment against
     * memberlist. The goal: each faulty node changes state at most twice in any 5 minutes as any
     * healthy node sees it, healthy nodes agree on its state within 10 s, and no healthy node is
     * declared failed.
     */
    private static void flipFlop(Scenarios.Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(600_000);
        List<SimNode> faulty = pick(run, Math.max(1, n / 100));
        BitSet faultySet = indices(faulty);
        faulty.forEach(SimNode::markFaulted);
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        HeldStates views = new HeldStates(run.sim, faulty, complement(faultySet, n));
        run.sim.addObserver(views);
        long[] failedByHealthy = countHealthyFailedByHealthy(run, faultySet);
        Partition cut = Partition.ingress(faultySet);
        for (long t = t0; t < t0 + duration; t += FLIP_FLOP_HALF_PERIOD_MILLIS) {
            boolean down = (t - t0) / FLIP_FLOP_HALF_PERIOD_MILLIS % 2 == 0;
            run.sim.at(t, down ? () -> run.sim.addPartition(cut) : () -> run.sim.removePartition(cut));
        }
        long longest = longestDisagreement(run, views, t0, t0 + duration);
        run.sim.removePartition(cut);
        long healed = run.sim.runUntil(() -> Scenarios.allSee(run, n), CHECK_EVERY_MILLIS, t0 + duration + 120_000);
        run.windowEnd();
        int most = views.mostChangesWithin(FLAP_WINDOW_MILLIS);
        int healthy = n - faulty.size();
        run.report.figure("faulty nodes", faulty.size());
        run.report.figure("fault lasted s", duration / 1000.0);
        run.report.figure("most state changes of a faulty node seen by one healthy node in 5 min", most);
        run.report.figure("state changes per faulty node per healthy node",
                views.changesBetween(t0, t0 + duration) / (double) (faulty.size() * (long) healthy));
        run.report.figure("longest disagreement of healthy nodes on a faulty node, s", longest / 1000.0);
        run.report.figure("healthy nodes declared failed by healthy nodes", failedByHealthy[0]);
        run.agreement("one cluster again after the fault ends, s", healed, t0 + duration);
        if (most > FLAP_LIMIT_CHANGES) {
            run.report.fail("a healthy node saw a faulty node change state " + most + " times within "
                    + FLAP_WINDOW_MILLIS / 1000 + " s (goal: at most " + FLAP_LIMIT_CHANGES + ")");
        }
        if (longest > AGREEMENT_LIMIT_MILLIS) {
            run.report.fail("healthy nodes disagreed on a faulty node's state for " + longest / 1000.0
                    + " s (goal: at most " + AGREEMENT_LIMIT_MILLIS / 1000 + " s)");
        }
    }

    /**
     * Runs until {@code to}, sampling every 100 ms whether every observer holds each subject in the
     * same state.
     *
     * @return the longest stretch, in milliseconds, during which some subject was not agreed on
     */
    private static long longestDisagreement(Scenarios.Run run, HeldStates views, long from, long to) {
        long[] since = new long[views.subjects()];
        Arrays.fill(since, -1);
        long longest = 0;
        for (long t = from; t <= to; t += SAMPLE_EVERY_MILLIS) {
            run.sim.runUntil(t);
            for (int s = 0; s < since.length; s++) {
                if (views.agreed(s)) {
                    if (since[s] >= 0) {
                        longest = Math.max(longest, t - since[s]);
                        since[s] = -1;
                    }
                } else if (since[s] < 0) {
                    since[s] = t;
                }
            }
        }
        for (long start : since) {
            if (start >= 0) {
                longest = Math.max(longest, to - start);
            }
        }
        return longest;
    }

    // ------------------------------------------------------------------ lossy

    /**
     * 1% of the nodes (at least one) lose 80% of everything sent to them for the scenario's duration
     * (default 5 minutes). The goal: every healthy node holds each of them failed within 60 s, and
     * keeps holding it so until the loss ends; no healthy node is declared failed.
     */
    private static void lossy(Scenarios.Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(300_000);
        List<SimNode> faulty = pick(run, Math.max(1, n / 100));
        BitSet faultySet = indices(faulty);
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        HeldStates views = new HeldStates(run.sim, faulty, complement(faultySet, n));
        run.sim.addObserver(views);
        long[] failedByHealthy = countHealthyFailedByHealthy(run, faultySet);
        faulty.forEach(node -> node.setIngressLossRate(LOSSY_INGRESS_LOSS));
        long[] verdict = new long[faulty.size()];
        Arrays.fill(verdict, -1);
        long[] reachableAfterVerdict = new long[faulty.size()];
        for (long t = t0; t < t0 + duration; t += SAMPLE_EVERY_MILLIS) {
            run.sim.runUntil(t);
            for (int s = 0; s < faulty.size(); s++) {
                boolean downEverywhere = views.allHold(s, st -> st == MemberState.DEAD || st == MemberState.LEFT);
                if (verdict[s] < 0 && downEverywhere) {
                    verdict[s] = t;
                } else if (verdict[s] >= 0 && !downEverywhere) {
                    reachableAfterVerdict[s] += SAMPLE_EVERY_MILLIS;
                }
            }
        }
        run.sim.runUntil(t0 + duration);
        faulty.forEach(node -> node.setIngressLossRate(0));
        long back = run.sim.runUntil(() -> Scenarios.allSee(run, n), CHECK_EVERY_MILLIS, t0 + duration + 120_000);
        run.windowEnd();
        long slowest = 0;
        int never = 0;
        long mostReachable = 0;
        for (int s = 0; s < faulty.size(); s++) {
            if (verdict[s] < 0) {
                never++;
            } else {
                slowest = Math.max(slowest, verdict[s] - t0);
            }
            mostReachable = Math.max(mostReachable, reachableAfterVerdict[s]);
        }
        int healthy = n - faulty.size();
        run.report.figure("faulty nodes", faulty.size());
        run.report.figure("ingress loss", LOSSY_INGRESS_LOSS);
        run.report.figure("loss lasted s", duration / 1000.0);
        run.report.figure("faulty nodes never failed at every healthy node", never);
        run.report.figure("failed at every healthy node after s", never > 0 ? Double.NaN : slowest / 1000.0);
        run.report.figure("reachable again at some healthy node after that, s", mostReachable / 1000.0);
        run.report.figure("state changes per faulty node per healthy node",
                views.changesBetween(t0, t0 + duration) / (double) (faulty.size() * (long) healthy));
        run.report.figure("healthy nodes declared failed by healthy nodes", failedByHealthy[0]);
        run.agreement("alive everywhere again after the loss ends, s", back, t0 + duration);
        if (never > 0) {
            run.report.fail(never + " of " + faulty.size() + " faulty nodes were never failed at every healthy node");
        } else if (slowest > LOSSY_VERDICT_LIMIT_MILLIS) {
            run.report.fail("a faulty node was failed at every healthy node only after " + slowest / 1000.0
                    + " s (goal: " + LOSSY_VERDICT_LIMIT_MILLIS / 1000 + " s)");
        }
        if (mostReachable > 0) {
            run.report.fail("a faulty node was reachable again at some healthy node for " + mostReachable / 1000.0
                    + " s after it was failed everywhere, before the loss ended");
        }
    }

    // ------------------------------------------------------------------ slow

    /**
     * Lifeguard's claim. 10% of the nodes (at least one) process everything they receive late, by a
     * lag drawn for each from half to twice the minimum suspicion timeout, while their timers fire on
     * time: plain SWIM's suspicions at such a node run out before it reads the refutations. Three
     * healthy nodes crash during the run. The same run (same seed, same slow nodes, same lags) is made
     * twice, as configured and with Lifeguard off ({@link Lifeguard#off}). The goal: at least 50
     * times fewer false failure declarations about healthy nodes with Lifeguard, and its median crash
     * detection no slower.
     */
    private static void slow(Scenarios.Run run) {
        SlowOutcome with = slowRun(run);
        Scenarios.Run twin = new Scenarios.Run("slow", run.options.withConfig(Lifeguard.off(run.options.config())));
        SlowOutcome without = slowRun(twin);
        run.report.figure("slow nodes", with.slowNodes);
        run.report.figure("inbound lag of the slow nodes, median s", with.medianLagMillis / 1000.0);
        run.report.figure("slowness lasted s", with.durationMillis / 1000.0);
        run.report.figure("healthy nodes declared failed", with.falseFailures);
        run.report.figure("healthy nodes declared failed, Lifeguard off", without.falseFailures);
        run.report.figure("healthy nodes declared failed by healthy nodes", with.failedByHealthy);
        run.report.figure("healthy nodes declared failed by healthy nodes, Lifeguard off", without.failedByHealthy);
        run.report.figure("crash detected at every healthy node, median s", with.medianDetectionSeconds);
        run.report.figure("crash detected at every healthy node, median s, Lifeguard off", without.medianDetectionSeconds);
        if (without.falseFailures == 0) {
            run.report.fail("the lags made plain SWIM misjudge no healthy node: the comparison says nothing");
        } else if (with.falseFailures * LIFEGUARD_GAIN > without.falseFailures) {
            run.report.fail("Lifeguard declared " + with.falseFailures + " healthy nodes failed against "
                    + without.falseFailures + " without it (goal: " + LIFEGUARD_GAIN + " times fewer)");
        }
        if (!(with.medianDetectionSeconds <= without.medianDetectionSeconds)) {
            run.report.fail("median crash detection with Lifeguard " + with.medianDetectionSeconds + " s, without "
                    + without.medianDetectionSeconds + " s");
        }
    }

    private record SlowOutcome(int slowNodes, long medianLagMillis, long durationMillis, long falseFailures,
                               long failedByHealthy, double medianDetectionSeconds) {
    }

    private static SlowOutcome slowRun(Scenarios.Run run) {
        run.checker.measureFalseFailures();
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(300_000);
        long interval = run.options.config().probeIntervalMillis();
        long minSuspicion = Timeouts.suspicionMinMillis(run.options.config().suspicionMult(), n, interval);
        int slowCount = Math.max(1, (int) Math.round(n * SLOW_SHARE));
        List<SimNode> slowNodes = pick(run, slowCount);
        BitSet slowSet = indices(slowNodes);
        long[] lags = new long[slowCount];
        for (int i = 0; i < slowCount; i++) {
            lags[i] = minSuspicion / 2 + run.random.nextLong(minSuspicion * 3 / 2);
        }
        List<SimNode> victims = new ArrayList<>();
        while (victims.size() < Math.min(SLOW_CRASHES, n - slowCount - 1)) {
            SimNode v = run.sim.nodes().get(run.random.nextInt(n));
            if (!slowSet.get(v.index()) && !victims.contains(v)) {
                victims.add(v);
            }
        }
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        BitSet watchers = complement(slowSet, n);
        victims.forEach(v -> watchers.clear(v.index()));
        HeldStates views = new HeldStates(run.sim, victims, watchers);
        run.sim.addObserver(views);
        BitSet notHealthy = (BitSet) slowSet.clone();
        victims.forEach(v -> notHealthy.set(v.index()));
        long[] failedByHealthy = countHealthyFailedByHealthy(run, notHealthy);
        for (int i = 0; i < slowCount; i++) {
            slowNodes.get(i).setInboundLagMillis(lags[i]);
        }
        long[] crashAt = new long[victims.size()];
        for (int i = 0; i < victims.size(); i++) {
            SimNode victim = victims.get(i);
            crashAt[i] = t0 + duration * (i + 1) / (victims.size() + 1) + run.random.nextLong(interval);
            run.sim.at(crashAt[i], () -> run.sim.crash(victim));
        }
        long[] detected = new long[victims.size()];
        Arrays.fill(detected, -1);
        for (long t = t0; t < t0 + duration; t += CHECK_EVERY_MILLIS) {
            run.sim.runUntil(t);
            for (int i = 0; i < victims.size(); i++) {
                if (detected[i] < 0 && t >= crashAt[i] && views.allHold(i, s -> s == MemberState.DEAD)) {
                    detected[i] = t - crashAt[i];
                }
            }
        }
        run.sim.runUntil(t0 + duration);
        slowNodes.forEach(node -> node.setInboundLagMillis(0));
        run.windowEnd();
        double[] detections = Arrays.stream(detected).mapToDouble(d -> d < 0 ? Double.POSITIVE_INFINITY : d / 1000.0)
                .sorted().toArray();
        double medianDetection = detections.length == 0 ? Double.NaN : detections[detections.length / 2];
        long[] sortedLags = lags.clone();
        Arrays.sort(sortedLags);
        return new SlowOutcome(slowCount, sortedLags[slowCount / 2], duration, run.checker.falseFailures(),
                failedByHealthy[0], Double.isInfinite(medianDetection) ? Double.NaN : medianDetection);
    }

    // ------------------------------------------------------------------ mass restart

    /**
     * 30% of the nodes crash at once and, after the scenario's duration (default 30 s: long enough
     * for the rest to hold them failed), restart at once under the same names, each joining through
     * three random other nodes: with their stored incarnation (one above the last they used), or
     * with their data lost (incarnation 1). The goal: every node alive at every node within 10 s of
     * the restart, none stuck failed.
     */
    private static void massRestart(Scenarios.Run run, boolean dataKept) {
        run.bootstrap();
        int n = run.options.nodes();
        long downtime = run.durationOr(30_000);
        List<SimNode> restarting = pick(run, Math.max(1, (int) Math.round(n * RESTART_SHARE)));
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        long[] lastIncarnation = new long[restarting.size()];
        for (int i = 0; i < restarting.size(); i++) {
            lastIncarnation[i] = restarting.get(i).engine().localMember().incarnation();
            run.sim.crash(restarting.get(i));
        }
        long restartAt = t0 + downtime;
        run.sim.runUntil(restartAt);
        int heldFailed = 0;
        for (SimNode observer : run.sim.nodes()) {
            if (observer.isUp()) {
                heldFailed += observer.engine().countOf(MemberState.DEAD);
            }
        }
        run.windowStart();
        List<List<Endpoint>> seeds = new ArrayList<>();
        for (SimNode node : restarting) {
            List<Endpoint> three = new ArrayList<>();
            while (three.size() < 3) {
                SimNode seed = run.sim.nodes().get(run.random.nextInt(n));
                if (seed != node && !three.contains(seed.address())) {
                    three.add(seed.address());
                }
            }
            seeds.add(three);
        }
        for (int i = 0; i < restarting.size(); i++) {
            SimNode node = restarting.get(i);
            run.sim.start(node, dataKept ? lastIncarnation[i] + 1 : 1);
            node.engine().join(seeds.get(i));
        }
        long alive = run.sim.runUntil(() -> Scenarios.allSee(run, n), CHECK_EVERY_MILLIS, restartAt + 120_000);
        int stuck = 0;
        for (SimNode observer : run.sim.nodes()) {
            stuck += observer.engine().countOf(MemberState.DEAD);
        }
        run.windowEnd();
        run.report.figure("restarted nodes", restarting.size());
        run.report.figure("down for s", downtime / 1000.0);
        run.report.figure("failed entries held when they restarted", heldFailed);
        run.agreement("alive everywhere after the restart, s", alive, restartAt);
        run.report.figure("failed entries held 120 s after the restart", alive >= 0 ? 0 : stuck);
        if (alive >= 0 && alive - restartAt > RESTART_LIMIT_MILLIS) {
            run.report.fail("every node was alive everywhere only " + (alive - restartAt) / 1000.0
                    + " s after the restart (goal: " + RESTART_LIMIT_MILLIS / 1000 + " s)");
        }
    }

    // ------------------------------------------------------------------ leave at scale

    /**
     * 5% of the nodes (at least one) leave within one second and exit (the case is N =
     * 4,000: {@code --nodes 4000}). The goal: at least 99.9% of (observer, leaver) pairs show the
     * leaver left within 5 s of its leave; no leaver is ever declared failed.
     */
    private static void leaveAtScale(Scenarios.Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        List<SimNode> leavers = pick(run, Math.max(1, (int) Math.round(n * LEAVE_SHARE)));
        BitSet leaving = indices(leavers);
        Map<String, Integer> leaverIndex = new HashMap<>();
        for (int i = 0; i < leavers.size(); i++) {
            leaverIndex.put(leavers.get(i).name(), i);
        }
        long[][] leftAt = new long[leavers.size()][n];
        for (long[] row : leftAt) {
            Arrays.fill(row, -1);
        }
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        run.sim.addObserver((t, node, notification) -> {
            if (notification instanceof MembershipEvent.Left left && !leaving.get(node.index())) {
                Integer i = leaverIndex.get(left.member().name());
                if (i != null && leftAt[i][node.index()] < 0) {
                    leftAt[i][node.index()] = t;
                }
            } else if (notification instanceof LeaveCompleted && leaving.get(node.index())) {
                run.sim.at(t, node::exit);
            }
        });
        long[] leaveAt = new long[leavers.size()];
        for (int i = 0; i < leavers.size(); i++) {
            SimNode leaver = leavers.get(i);
            leaveAt[i] = t0 + run.random.nextLong(LEAVE_SPREAD_MILLIS);
            run.sim.at(leaveAt[i], () -> {
                run.checker.markDeparted(leaver.name());
                leaver.engine().leave(5_000);
            });
        }
        run.sim.runUntil(t0 + LEAVE_SPREAD_MILLIS + 30_000);
        run.windowEnd();
        long pairs = 0;
        long within = 0;
        long never = 0;
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < leavers.size(); i++) {
            for (int o = 0; o < n; o++) {
                if (leaving.get(o)) {
                    continue;
                }
                pairs++;
                if (leftAt[i][o] < 0) {
                    never++;
                    continue;
                }
                long took = leftAt[i][o] - leaveAt[i];
                times.add(took);
                if (took <= LEAVE_LIMIT_MILLIS) {
                    within++;
                }
            }
        }
        times.sort(null);
        double share = within / (double) pairs;
        run.report.figure("leavers", leavers.size());
        run.report.figure("(observer, leaver) pairs", pairs);
        run.report.figure("share of pairs left within 5 s", share);
        run.report.figure("pair left after s, median", quantile(times, 0.5) / 1000.0);
        run.report.figure("pair left after s, 99.9th percentile", quantile(times, 0.999) / 1000.0);
        run.report.figure("pair left after s, max", times.isEmpty() ? Double.NaN : times.get(times.size() - 1) / 1000.0);
        run.report.figure("pairs never left within 31 s", never);
        run.report.figure("failed declarations about the leavers", run.checker.failuresAfterLeave());
        if (share < LEAVE_PAIR_SHARE) {
            run.report.fail(String.format(java.util.Locale.ROOT, "only %.4f of (observer, leaver) pairs showed left within %d s (goal: %.3f)",
                    share, LEAVE_LIMIT_MILLIS / 1000, LEAVE_PAIR_SHARE));
        }
    }

    private static double quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
        return sorted.get(Math.max(0, i));
    }

    // ------------------------------------------------------------------ cuts

    /**
     * A random half of the nodes is cut off from the rest for the scenario's duration (default 60 s):
     * datagrams and streams dropped silently on the way, or, with {@code linkDown}, the link down so
     * that a stream across fails at once at its sender. The goal: one cluster again within 5 s after
     * the network returns.
     */
    private static void cut(Scenarios.Run run, boolean linkDown) {
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(60_000);
        BitSet sideA = Scenarios.randomSide(run, n);
        run.sim.nodes().forEach(SimNode::markFaulted);
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        Partition partition = linkDown ? Partition.linkDown(sideA) : Partition.split(sideA);
        run.sim.addPartition(partition);
        run.sim.runUntil(t0 + duration);
        int failedAcross = 0;
        for (SimNode observer : run.sim.nodes()) {
            failedAcross += observer.engine().countOf(MemberState.DEAD);
        }
        run.sim.removePartition(partition);
        long healed = run.sim.runUntil(() -> Scenarios.allSee(run, n), CHECK_EVERY_MILLIS, t0 + duration + 600_000);
        run.windowEnd();
        run.report.figure("side sizes, smaller", Math.min(sideA.cardinality(), n - sideA.cardinality()));
        run.report.figure("cut lasted s", duration / 1000.0);
        run.report.figure("failed entries held when the network returned", failedAcross);
        run.agreement("one cluster again after the network returns, s", healed, t0 + duration);
        if (healed >= 0 && healed - (t0 + duration) > HEAL_LIMIT_MILLIS) {
            run.report.fail("one cluster again only " + (healed - t0 - duration) / 1000.0 + " s after the network returned (goal: "
                    + HEAL_LIMIT_MILLIS / 1000 + " s)");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** @return {@code count} distinct nodes drawn from the scenario's random */
    private static List<SimNode> pick(Scenarios.Run run, int count) {
        int n = run.sim.nodes().size();
        BitSet chosen = new BitSet(n);
        List<SimNode> picked = new ArrayList<>();
        while (picked.size() < Math.min(count, n - 1)) {
            int i = run.random.nextInt(n);
            if (!chosen.get(i)) {
                chosen.set(i);
                picked.add(run.sim.nodes().get(i));
            }
        }
        return picked;
    }

    private static BitSet indices(List<SimNode> nodes) {
        BitSet set = new BitSet();
        nodes.forEach(node -> set.set(node.index()));
        return set;
    }

    private static BitSet complement(BitSet set, int n) {
        BitSet other = new BitSet(n);
        other.set(0, n);
        other.andNot(set);
        return other;
    }

    /** Counts failure declarations made by a healthy node about a healthy node, from now on. */
    private static long[] countHealthyFailedByHealthy(Scenarios.Run run, BitSet unhealthy) {
        Map<String, Integer> index = new HashMap<>();
        for (SimNode node : run.sim.nodes()) {
            index.put(node.name(), node.index());
        }
        long[] count = new long[1];
        run.sim.addObserver((t, node, notification) -> {
            if (notification instanceof MembershipEvent.Failed failed && !unhealthy.get(node.index())) {
                Integer subject = index.get(failed.member().name());
                if (subject != null && !unhealthy.get(subject)) {
                    count[0]++;
                }
            }
        });
        return count;
    }
}
