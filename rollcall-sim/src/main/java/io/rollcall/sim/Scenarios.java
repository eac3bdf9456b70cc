package io.rollcall.sim;

import io.rollcall.sim.report.SimReport;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.engine.EngineCounters;
import io.rollcall.core.engine.IncarnationRule;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.LeaveCompleted;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Timeouts;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Suspect;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The simulator's scenarios. Each builds a cluster, injects one kind of fault, measures what the
 * model promises about it and records any expectation that did not hold. All randomness, the
 * scenario's own choices included, derives from the options' seed.
 */
public final class Scenarios {
    /**
     * The protocol scenarios, in the order {@code all} runs them. The gray-failure scenarios
     * ({@link #GRAY_NAMES}) are longer and run as {@code gray}.
     */
    public static final List<String> NAMES = List.of("join", "crash", "leave", "partition-heal", "loss", "pause",
            "restart", "one-way", "incarnation-attack");

    /** The network-coordinate scenario (neither in {@code all} nor in {@code gray}). */
    public static final String COORDINATES = CoordinateScenario.NAME;

    /** The gray-failure scenarios of issue 21, in the order {@code gray} runs them. */
    public static final List<String> GRAY_NAMES = GrayScenarios.NAMES;

    private static final long WARM_UP_MILLIS = 5_000;
    private static final long CHECK_EVERY_MILLIS = 50;
    private static final long SETTLE_MILLIS = 30_000;

    private Scenarios() {
    }

    /**
     * @param name    one of {@link #NAMES} or {@link #GRAY_NAMES}
     * @param options parameters
     * @return the report
     * @throws IllegalArgumentException for an unknown scenario name
     */
    public static SimReport run(String name, ScenarioOptions options) {
        long wallStart = System.nanoTime();
        Run run = new Run(name, options);
        switch (name) {
            case "join" -> join(run);
            case "crash" -> crash(run);
            case "leave" -> leave(run);
            case "partition-heal" -> partitionHeal(run);
            case "loss" -> loss(run);
            case "pause" -> pause(run);
            case "restart" -> restart(run);
            case "one-way" -> oneWay(run);
            case "incarnation-attack" -> incarnationAttack(run);
            case CoordinateScenario.NAME -> CoordinateScenario.run(run);
            default -> {
                if (!GRAY_NAMES.contains(name)) {
                    throw new IllegalArgumentException("unknown scenario '" + name + "'; choose one of " + NAMES + ", "
                            + GRAY_NAMES + ", " + CoordinateScenario.NAME + ", all or gray");
                }
                GrayScenarios.run(name, run);
            }
        }
        return run.finish((System.nanoTime() - wallStart) / 1_000_000);
    }

    // ------------------------------------------------------------------ scenarios

    /** Nodes start over one second and join through node 0; until every node sees every node ALIVE. */
    private static void join(Run run) {
        int n = run.options.nodes();
        SimNode seed = run.sim.nodes().get(0);
        run.sim.start(seed, 1);
        long lastStart = 0;
        int[] joinFailures = new int[1];
        run.sim.addObserver((t, node, notification) -> {
            if (notification instanceof JoinCompleted done && done.succeeded() == 0) {
                joinFailures[0]++;
            }
        });
        for (int i = 1; i < n; i++) {
            SimNode node = run.sim.nodes().get(i);
            long at = 1 + run.random.nextLong(1_000);
            lastStart = Math.max(lastStart, at);
            run.sim.at(at, () -> {
                run.sim.start(node, 1);
                node.engine().join(List.of(seed.address()));
            });
        }
        run.windowStart();
        long converged = run.sim.runUntil(() -> allSee(run, n), CHECK_EVERY_MILLIS, lastStart + 300_000);
        run.windowEnd();
        run.report.figure("last node started at s", lastStart / 1000.0);
        run.agreement("every node sees all " + n + " alive after s", converged, lastStart);
        if (joinFailures[0] > 0) {
            run.report.fail(joinFailures[0] + " joins reached no seed");
        }
    }

    /** A converged cluster; one node is killed; until every survivor holds it DEAD. */
    private static void crash(Run run) {
        run.bootstrap();
        SimNode victim = run.pickVictim();
        // At a random point of a probe interval: a crash does not wait for a round to begin.
        long t0 = WARM_UP_MILLIS + run.random.nextLong(run.options.config().probeIntervalMillis());
        run.sim.runUntil(t0);
        run.windowStart();
        EventClock detections = run.watch(victim.name(), MembershipEvent.Failed.class);
        EventClock suspicions = run.watch(victim.name(), MembershipEvent.Suspected.class);
        run.sim.crash(victim);
        int n = run.options.nodes();
        long bound = Timeouts.crashDetectionBoundMillis(run.options.config(), n);
        long all = run.sim.runUntil(() -> allHold(run, victim.name(), s -> s == MemberState.DEAD),
                CHECK_EVERY_MILLIS, t0 + bound + 60_000);
        run.windowEnd();
        run.report.figure("first suspicion after s", suspicions.firstAfter(t0));
        run.report.figure("first failed declaration after s", detections.firstAfter(t0));
        run.agreement("failed at every survivor after s", all, t0);
        run.report.figure("model bound s", bound / 1000.0);
        if (all >= 0 && all - t0 > bound) {
            run.report.fail("detection took " + (all - t0) + " ms, beyond the model's bound of " + bound + " ms");
        }
    }

    /** A converged cluster; one node leaves and exits; until every other node holds it LEFT. */
    private static void leave(Run run) {
        run.bootstrap();
        SimNode leaver = run.pickVictim();
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        run.sim.addObserver((t, node, notification) -> {
            if (node == leaver && notification instanceof LeaveCompleted) {
                run.sim.at(t, leaver::exit);
            }
        });
        run.checker.markDeparted(leaver.name());
        leaver.engine().leave(5_000);
        long all = run.sim.runUntil(() -> allHold(run, leaver.name(), s -> s == MemberState.LEFT),
                CHECK_EVERY_MILLIS, t0 + 120_000);
        run.agreement("left at every node after s", all, t0);
        // Keep going: nothing may later turn the departure into a failure.
        run.sim.runUntil(run.sim.now() + SETTLE_MILLIS);
        run.windowEnd();
        if (!allHold(run, leaver.name(), s -> s == MemberState.LEFT)) {
            run.report.fail("some node no longer holds " + leaver.name() + " as LEFT after " + SETTLE_MILLIS + " ms more");
        }
        run.report.figure("failed declarations about the leaver", run.checker.failuresAfterLeave());
    }

    /** One side of a cut: each of the {@code n} nodes on it by a coin flip, never none and never all. */
    static BitSet randomSide(Run run, int n) {
        BitSet sideA = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (run.random.nextBoolean()) {
                sideA.set(i);
            }
        }
        if (sideA.cardinality() == 0) {
            sideA.set(0);
        }
        if (sideA.cardinality() == n) {
            sideA.clear(0);
        }
        return sideA;
    }

    /** A converged cluster split in half for a while, then healed; until it is one cluster again. */
    private static void partitionHeal(Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(60_000);
        BitSet sideA = randomSide(run, n);
        for (SimNode node : run.sim.nodes()) {
            node.markFaulted();
        }
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        run.sim.addPartition(Partition.split(sideA));
        long split = run.sim.runUntil(() -> sidesSeparated(run, sideA), CHECK_EVERY_MILLIS, t0 + duration);
        run.agreement("each side holds the other failed after s", split, t0);
        run.sim.runUntil(t0 + duration);
        run.sim.healPartitions();
        long healed = run.sim.runUntil(() -> allSee(run, n), CHECK_EVERY_MILLIS, t0 + duration + 600_000);
        run.windowEnd();
        run.report.figure("partition lasted s", duration / 1000.0);
        run.agreement("one cluster again after healing, s", healed, t0 + duration);
    }

    /** A converged cluster under datagram loss on every link; no live node may be declared DEAD. */
    private static void loss(Run run) {
        run.bootstrap();
        long duration = run.durationOr(300_000);
        run.sim.setNetwork(run.options.network().withLoss(run.options.lossRate()));
        run.sim.runUntil(WARM_UP_MILLIS);
        run.windowStart();
        run.sim.runUntil(WARM_UP_MILLIS + duration);
        run.windowEnd();
        run.report.figure("loss rate", run.options.lossRate());
        run.report.figure("loss lasted s", duration / 1000.0);
        run.report.figure("suspicions raised", run.sum(EngineCounters.Snapshot::suspicionsRaised));
        run.report.figure("refutations", run.sum(EngineCounters.Snapshot::refutations));
        int n = run.options.nodes();
        if (!allSeeLive(run, n)) {
            run.report.fail("at the end not every node holds all " + n + " members alive or suspect");
        }
    }

    /** A converged cluster; one node stalls for less than the suspicion timeout; it must never be DEAD. */
    private static void pause(Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        long minSuspicion = Timeouts.suspicionMinMillis(run.options.config().suspicionMult(), n,
                run.options.config().probeIntervalMillis());
        long pause = run.options.pauseMillis() > 0 ? run.options.pauseMillis() : minSuspicion - 1_000;
        SimNode victim = run.pickVictim();
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        EventClock failed = run.watch(victim.name(), MembershipEvent.Failed.class);
        EventClock suspected = run.watch(victim.name(), MembershipEvent.Suspected.class);
        run.sim.pause(victim);
        run.sim.at(t0 + pause, () -> run.sim.resume(victim));
        run.sim.runUntil(t0 + pause + 60_000);
        run.windowEnd();
        run.report.figure("pause s", pause / 1000.0);
        run.report.figure("minimum suspicion timeout s", minSuspicion / 1000.0);
        run.report.figure("suspected by nodes", suspected.count());
        run.report.figure("failed declarations about the paused node", failed.count());
        if (failed.count() > 0) {
            run.report.fail(victim.name() + " paused " + pause + " ms was declared failed " + failed.count() + " times");
        }
        if (!allSee(run, n)) {
            run.report.fail("60 s after the pause not every node sees all " + n + " alive");
        }
    }

    /** A crashed node restarts with its state lost (incarnation 1) and joins again; until ALIVE everywhere. */
    private static void restart(Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        SimNode victim = run.pickVictim();
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.sim.crash(victim);
        long bound = Timeouts.crashDetectionBoundMillis(run.options.config(), n);
        long dead = run.sim.runUntil(() -> allHold(run, victim.name(), s -> s == MemberState.DEAD),
                CHECK_EVERY_MILLIS, t0 + bound + 60_000);
        run.agreement("failed everywhere after s", dead, t0);
        long restartAt = run.sim.now() + 1_000;
        run.sim.runUntil(restartAt);
        run.windowStart();
        SimNode seed = run.sim.nodes().get(victim.index() == 0 ? 1 : 0);
        run.sim.start(victim, 1);
        victim.engine().join(List.of(seed.address()));
        long alive = run.sim.runUntil(() -> allSee(run, n), CHECK_EVERY_MILLIS, restartAt + 120_000);
        run.windowEnd();
        run.agreement("alive everywhere again after restart, s", alive, restartAt);
        run.report.figure("restarted node's incarnation", victim.engine().localMember().incarnation());
    }

    /**
     * A quarter of the nodes (at least one) cannot send to the others, who can still send to them.
     * The cluster must settle rather than flap: no membership change at all in the last third of
     * the partition (default 300 s); and it must merge after it heals.
     */
    private static void oneWay(Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(300_000);
        BitSet muted = new BitSet(n);
        int count = Math.max(1, n / 4);
        while (muted.cardinality() < count) {
            muted.set(run.random.nextInt(n));
        }
        for (SimNode node : run.sim.nodes()) {
            node.markFaulted();
        }
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        long[] lateEvents = new long[1];
        long lateFrom = t0 + duration * 2 / 3;
        run.sim.addObserver((t, node, notification) -> {
            if (t >= lateFrom && t < t0 + duration && notification instanceof MembershipEvent e
                    && !(e instanceof MembershipEvent.Removed)) {
                lateEvents[0]++;
            }
        });
        run.sim.addPartition(Partition.oneWay(muted));
        run.sim.runUntil(t0 + duration);
        run.report.figure("muted nodes", count);
        run.report.figure("partition lasted s", duration / 1000.0);
        run.report.figure("membership changes in the last third of the partition", lateEvents[0]);
        if (lateEvents[0] > 0) {
            run.report.fail("the cluster still changed " + lateEvents[0] + " times in the last third of the partition");
        }
        run.sim.healPartitions();
        long healed = run.sim.runUntil(() -> allSee(run, n), CHECK_EVERY_MILLIS, t0 + duration + 600_000);
        run.windowEnd();
        run.agreement("one cluster again after healing, s", healed, t0 + duration);
    }

    /**
     * A host outside the cluster, without any key, attacks one live node's incarnation (issue 15,
     * finding 11): it sends every node {@code suspect} then {@code dead} about the victim at 2^32-1,
     * then for the scenario's duration (default 60 s) accuses the victim ten times a second as far
     * above its incarnation as {@link IncarnationRule} lets it refute. The victim must never be
     * declared failed, and its incarnation must climb no faster than one refutation per probe
     * interval allows.
     */
    private static void incarnationAttack(Run run) {
        run.bootstrap();
        int n = run.options.nodes();
        long duration = run.durationOr(60_000);
        SimNode victim = run.pickVictim();
        Endpoint attacker = Endpoint.of(new byte[] {(byte) 192, 0, 2, 66}, 7946);
        long t0 = WARM_UP_MILLIS;
        run.sim.runUntil(t0);
        run.windowStart();
        EventClock failed = run.watch(victim.name(), MembershipEvent.Failed.class);
        EventClock suspected = run.watch(victim.name(), MembershipEvent.Suspected.class);
        long ceiling = 0xFFFF_FFFFL;
        List<Message> finding = List.of(new Suspect(ceiling, victim.name(), "attacker"), new Dead(ceiling, victim.name(), "attacker"));
        run.sim.at(t0, () -> run.sim.nodes().forEach(node -> node.deliverPacket(attacker, finding)));
        long before = victim.engine().localMember().incarnation();
        for (long t = t0 + 100; t < t0 + duration; t += 100) {
            run.sim.at(t, () -> {
                long mine = victim.engine().localMember().incarnation();
                // The highest accusation it still refutes: its refutation, one above, is at the bound.
                victim.deliverPacket(attacker, List.of(new Suspect(mine + IncarnationRule.MAX_INCARNATION_JUMP - 1, victim.name(),
                        "attacker")));
            });
        }
        run.sim.runUntil(t0 + duration);
        long climbed = victim.engine().localMember().incarnation() - before;
        long settled = run.sim.runUntil(() -> allSee(run, n), CHECK_EVERY_MILLIS, t0 + duration + 120_000);
        run.windowEnd();
        long intervals = duration / run.options.config().probeIntervalMillis() + 1;
        long bound = intervals * IncarnationRule.MAX_INCARNATION_JUMP;
        run.report.figure("attack lasted s", duration / 1000.0);
        run.report.figure("victim's incarnation climbed by", climbed);
        run.report.figure("climb bound (intervals x jump)", bound);
        run.report.figure("suspected by nodes", suspected.count());
        run.report.figure("failed declarations about the victim", failed.count());
        run.agreement("every node sees all " + n + " alive after the attack, s", settled, t0 + duration);
        if (failed.count() > 0) {
            run.report.fail(victim.name() + " was declared failed " + failed.count() + " times");
        }
        if (victim.engine().localMember().incarnation() >= ceiling) {
            run.report.fail(victim.name() + " was driven to the incarnation ceiling");
        }
        if (climbed > bound) {
            run.report.fail(victim.name() + "'s incarnation climbed by " + climbed + ", above the bound " + bound);
        }
    }

    // ------------------------------------------------------------------ conditions

    /** Every running node holds exactly {@code n} members ALIVE and none SUSPECT. */
    static boolean allSee(Run run, int n) {
        for (SimNode node : run.sim.nodes()) {
            if (node.isUp()) {
                MembershipEngine e = node.engine();
                if (e.countOf(MemberState.ALIVE) != n || e.countOf(MemberState.SUSPECT) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean allSeeLive(Run run, int n) {
        for (SimNode node : run.sim.nodes()) {
            if (node.isUp() && node.engine().liveMemberCount() != n) {
                return false;
            }
        }
        return true;
    }

    /** Every running node other than the subject holds the subject in a state matching {@code test}. */
    static boolean allHold(Run run, String subject, Predicate<MemberState> test) {
        for (SimNode node : run.sim.nodes()) {
            if (node.isUp() && !node.name().equals(subject)) {
                Optional<Member> m = node.engine().member(subject);
                if (m.isEmpty() || !test.test(m.get().state())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sidesSeparated(Run run, BitSet sideA) {
        List<SimNode> nodes = run.sim.nodes();
        for (SimNode observer : nodes) {
            if (!observer.isUp()) {
                continue;
            }
            int live = observer.engine().liveMemberCount();
            int sameSide = sideA.get(observer.index()) ? sideA.cardinality() : nodes.size() - sideA.cardinality();
            if (live != sameSide) {
                return false;
            }
        }
        return true;
    }

    /** Scaffolding shared by every scenario: the simulation, checker, window counters and report. */
    static final class Run {
        final ScenarioOptions options;
        final Simulation sim;
        final InvariantChecker checker;
        final SimReport report;
        final SplittableRandom random;
        private long windowStartMillis;
        private long windowEndMillis = -1;
        private long packetsAtStart;
        private long bytesAtStart;
        private long packetsInWindow;
        private long bytesInWindow;

        /** @return the {@code --duration} asked for, or the scenario's own {@code defaultMillis} if none was */
        long durationOr(long defaultMillis) {
            return options.durationMillis() > 0 ? options.durationMillis() : defaultMillis;
        }

        Run(String name, ScenarioOptions options) {
            this.options = options;
            this.sim = new Simulation(options.seed(), options.config(), options.network());
            this.report = new SimReport(name, options.nodes(), options.seed());
            this.random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
            for (int i = 0; i < options.nodes(); i++) {
                sim.addNode();
            }
            this.checker = new InvariantChecker(sim, options.nodes() <= 1_000);
            sim.addObserver(checker);
        }

        void bootstrap() {
            for (SimNode node : sim.nodes()) {
                sim.start(node, 1);
            }
            sim.bootstrapConverged();
        }

        SimNode pickVictim() {
            return sim.nodes().get(1 + random.nextInt(sim.nodes().size() - 1));
        }

        EventClock watch(String subject, Class<? extends MembershipEvent> kind) {
            EventClock clock = new EventClock(subject, kind);
            sim.addObserver(clock);
            return clock;
        }

        void windowStart() {
            windowStartMillis = sim.now();
            packetsAtStart = sim.packetsSent();
            bytesAtStart = sim.bytesSent();
        }

        void windowEnd() {
            windowEndMillis = sim.now();
            packetsInWindow = sim.packetsSent() - packetsAtStart;
            bytesInWindow = sim.bytesSent() - bytesAtStart;
        }

        /** Records how long after {@code from} a condition first held, or a failure if it never did. */
        void agreement(String figure, long at, long from) {
            if (at < 0) {
                report.figure(figure, Double.NaN);
                report.fail("'" + figure.replace(" after s", "").replace(", s", "") + "' never happened");
            } else {
                double seconds = (at - from) / 1000.0;
                report.figure(figure, seconds);
                report.figure(figure.replace(" after s", "").replace(", s", "") + ", protocol periods",
                        Math.ceil((at - from) / (double) options.config().probeIntervalMillis()));
            }
        }

        long sum(java.util.function.ToLongFunction<EngineCounters.Snapshot> counter) {
            long total = 0;
            for (SimNode node : sim.nodes()) {
                if (node.engine() != null) {
                    total += counter.applyAsLong(node.engine().counters());
                }
            }
            return total;
        }

        SimReport finish(long wallMillis) {
            if (windowEndMillis < 0) {
                windowEnd();
            }
            double windowSeconds = Math.max(0.001, (windowEndMillis - windowStartMillis) / 1000.0);
            int n = options.nodes();
            report.figure("false failure declarations", checker.falseFailures());
            report.figure("incarnation regressions", checker.incarnationRegressions());
            report.figure("messages per node per s", packetsInWindow / windowSeconds / n);
            report.figure("bytes per node per s", bytesInWindow / windowSeconds / n);
            report.figure("virtual s", sim.now() / 1000.0);
            report.figure("events", sim.eventsProcessed());
            report.figure("wall ms", wallMillis);
            report.violations(checker.violations());
            return report;
        }
    }

    /** Times at which observers published one kind of event about one subject. */
    static final class EventClock implements SimObserver {
        private final String subject;
        private final Class<? extends MembershipEvent> kind;
        private long first = -1;
        private long count;

        EventClock(String subject, Class<? extends MembershipEvent> kind) {
            this.subject = subject;
            this.kind = kind;
        }

        @Override
        public void onNotification(long timeMillis, SimNode node, io.rollcall.core.engine.Notification notification) {
            if (kind.isInstance(notification) && ((MembershipEvent) notification).member().name().equals(subject)
                    && !node.name().equals(subject)) {
                if (first < 0) {
                    first = timeMillis;
                }
                count++;
            }
        }

        double firstAfter(long t0) {
            return first < 0 ? Double.NaN : (first - t0) / 1000.0;
        }

        long count() {
            return count;
        }
    }
}
