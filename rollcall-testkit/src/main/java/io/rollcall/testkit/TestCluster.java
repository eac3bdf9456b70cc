package io.rollcall.testkit;

import io.rollcall.ClusterMember;
import io.rollcall.MemberStatus;
import io.rollcall.MembershipView;
import io.rollcall.Profile;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.LeaveCompleted;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.sim.NetworkModel;
import io.rollcall.sim.Partition;
import io.rollcall.sim.SimNode;
import io.rollcall.sim.Simulation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A Rollcall cluster in one JVM, on the simulator's virtual network and clock: the real protocol
 * engine in every node, no sockets, no threads, no waiting. Time passes only when the test says so
 * ({@link #advance}, {@link #awaitConverged}), so a failure detection that takes seconds on a network
 * takes microseconds here, and a run is reproduced exactly by its {@link Builder#seed seed}.
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.of(5)) {        // n1..n5, joined and converged
 *     MyRouter router = new MyRouter(cluster.node("n1"));  // your code, given a Membership
 *     cluster.crash("n2");
 *     cluster.awaitConverged();                            // n2 is FAILED everywhere
 *     assertThat(router.targets()).doesNotContain("n2");
 * }
 * }</pre>
 *
 * <p>Each node is a {@link TestNode}, which implements {@link io.rollcall.Membership}: the view,
 * subscriptions, the Flow publisher and {@code whenReachable} behave exactly as on a real node, with
 * one difference that makes tests simple: deliveries to subscribers given no executor happen on the
 * thread driving the cluster, between two simulation events. Drive a cluster from one thread.
 */
public final class TestCluster implements AutoCloseable {
    /** Wall-clock time of virtual time zero: a fixed instant, so runs are reproducible. */
    public static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");
    /** How long {@link #awaitConverged()} lets virtual time run before it gives up. */
    public static final Duration DEFAULT_CONVERGENCE_LIMIT = Duration.ofMinutes(5);
    private static final long LEAVE_TIMEOUT_MILLIS = 5_000;

    private final Simulation sim;
    private final Map<String, TestNode> nodes = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> deliveries = new ArrayDeque<>();
    private final Executor delivery = deliveries::add;
    private final Clock clock;
    /** The same time for the views' change stamps: the one clock type core takes. */
    private final io.rollcall.core.engine.Clock viewClock;
    private boolean delivering;
    private boolean closed;

    private TestCluster(Builder b) {
        NetworkModel network = NetworkModel.lan().withLoss(b.lossRate).withPortUnreachable(b.portUnreachable);
        this.sim = new Simulation(b.seed, b.engine, network);
        this.clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException("the test kit's clock is UTC");
            }

            @Override
            public Instant instant() {
                return EPOCH.plusMillis(sim.now());
            }
        };
        this.viewClock = new io.rollcall.core.engine.Clock() {
            @Override
            public long nowMillis() {
                return sim.now();
            }

            @Override
            public long wallMillis() {
                return EPOCH.toEpochMilli() + sim.now();
            }
        };
        sim.addObserver((time, simNode, notification) -> {
            TestNode node = nodes.get(simNode.name());
            if (node == null || node.simNode() != simNode || node.life() != simNode.life()) {
                return;
            }
            node.tracker().accept(notification);
            if (notification instanceof LeaveCompleted) {
                // The process exits after its departure went out, as Rollcall.close() does.
                sim.at(sim.now(), () -> {
                    if (node.life() == simNode.life()) {
                        simNode.exit();
                        node.end();
                    }
                });
            }
        });
    }

    /**
     * @param size how many nodes, named {@code n1} to {@code n<size>}
     * @return a cluster of that many nodes on the LAN profile, joined and converged
     */
    public static TestCluster of(int size) {
        return builder().nodes(size).build();
    }

    /** @return a builder: seed, profile, loss, and the nodes to start with */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ the nodes

    /**
     * @param name a node's name
     * @return its current life
     * @throws IllegalArgumentException if the cluster has no such node
     */
    public TestNode node(String name) {
        return locked(() -> {
            TestNode n = nodes.get(Objects.requireNonNull(name, "name"));
            if (n == null) {
                throw new IllegalArgumentException("no node named " + name + "; the cluster has " + nodes.keySet());
            }
            return n;
        });
    }

    /** @return every node's current life, in the order they were added */
    public List<TestNode> nodes() {
        return locked(() -> List.copyOf(nodes.values()));
    }

    /** @return the nodes running now (not crashed, left or paused) */
    public List<TestNode> upNodes() {
        return locked(() -> nodes.values().stream().filter(TestNode::isUp).toList());
    }

    /**
     * Starts a new node and joins it through a running one, as a real node's {@code join()} does.
     * Time does not pass: {@link #advance} or {@link #awaitConverged} for the join to spread.
     *
     * @param name     its name, new in the cluster
     * @param metadata its metadata
     * @return the node
     */
    public TestNode add(String name, Map<String, String> metadata) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metadata, "metadata");
        return locked(() -> {
            requireOpen();
            if (nodes.containsKey(name)) {
                throw new IllegalArgumentException("the cluster already has a node named " + name);
            }
            SimNode simNode = sim.addNode(name);
            return startLife(simNode, 1, metadata);
        });
    }

    /**
     * @param name its name, new in the cluster
     * @return the node, without metadata; see {@link #add(String, Map)}
     */
    public TestNode add(String name) {
        return add(name, Map.of());
    }

    /**
     * Kills a node at once, silently, as a crashed process: the others suspect it, then declare it
     * failed. Its handle is closed.
     *
     * @param name the node
     */
    public void crash(String name) {
        locked(() -> {
            TestNode n = node(name);
            sim.crash(n.simNode());
            n.end();
            deliver();
            return null;
        });
    }

    /**
     * Leaves gracefully, as {@link io.rollcall.Rollcall#close()}: announces the departure, runs virtual
     * time until it has gone out (at most 5 s), then the process exits. The others see it LEFT.
     *
     * @param name the node
     */
    public void leave(String name) {
        locked(() -> {
            TestNode n = node(name);
            MembershipEngine engine = n.simNode().engine();
            if (!n.isUp() || engine.phase() != MembershipEngine.Phase.RUNNING) {
                throw new IllegalStateException("node " + name + " is not running");
            }
            engine.leave(LEAVE_TIMEOUT_MILLIS);
            deliver();
            runUntil(n::isClosed, Duration.ofMillis(LEAVE_TIMEOUT_MILLIS + 1_000));
            return null;
        });
    }

    /**
     * Starts a crashed or departed node again: a new life with a higher incarnation, joining through a
     * running node, as a restarted process would. Its old handle stays closed.
     *
     * @param name the node
     * @return the new life
     */
    public TestNode restart(String name) {
        return locked(() -> {
            TestNode old = node(name);
            if (!old.isClosed()) {
                throw new IllegalStateException("node " + name + " is still running; crash or leave it first");
            }
            long incarnation = old.simNode().engine().localMember().incarnation() + 1;
            Map<String, String> metadata = SerfTags.decode(old.simNode().engine().localMember().meta());
            return startLife(old.simNode(), incarnation, metadata);
        });
    }

    /**
     * Stalls a node, as a long GC pause or SIGSTOP: everything addressed to it waits, and the others
     * may suspect it. Its handle stays open.
     *
     * @param name the node
     */
    public void pause(String name) {
        locked(() -> {
            sim.pause(node(name).simNode());
            return null;
        });
    }

    /** @param name a paused node: it handles its backlog now and refutes any suspicion */
    public void resume(String name) {
        locked(() -> {
            sim.resume(node(name).simNode());
            deliver();
            return null;
        });
    }

    /**
     * Cuts the cluster in two: nothing crosses between the named nodes and the others, in either
     * direction, until {@link #heal()}.
     *
     * @param side the nodes on one side
     */
    public void partition(String... side) {
        locked(() -> {
            sim.addPartition(Partition.split(indexes(side)));
            return null;
        });
    }

    /**
     * Drops everything the named nodes send to the others, while what the others send still arrives,
     * until {@link #heal()}.
     *
     * @param senders the nodes whose outgoing traffic is lost
     */
    public void partitionOneWay(String... senders) {
        locked(() -> {
            sim.addPartition(Partition.oneWay(indexes(senders)));
            return null;
        });
    }

    /** Removes every partition; the sides find each other again through reconnection and gossip. */
    public void heal() {
        locked(() -> {
            sim.healPartitions();
            return null;
        });
    }

    // ------------------------------------------------------------------ time

    /**
     * Runs virtual time forward: every probe, gossip, timeout and delivery due in that time happens,
     * in order, on this thread.
     *
     * @param duration how much virtual time
     * @throws IllegalArgumentException if it is negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration: " + duration);
        }
        locked(() -> {
            long until = sim.now() + duration.toMillis();
            runUntil(() -> false, until);
            return null;
        });
    }

    /**
     * Runs virtual time until every running node sees exactly the running nodes as alive, and every
     * other node as not reachable (failed, left or removed): the cluster agrees on who is there.
     *
     * @return how much virtual time that took
     * @throws AssertionError naming every node's view if it did not happen within
     *                        {@link #DEFAULT_CONVERGENCE_LIMIT} of virtual time
     */
    public Duration awaitConverged() {
        return awaitConverged(DEFAULT_CONVERGENCE_LIMIT);
    }

    /**
     * @param limit the most virtual time to run
     * @return how much virtual time convergence took; see {@link #awaitConverged()}
     */
    public Duration awaitConverged(Duration limit) {
        return await("the cluster to converge", this::converged, limit);
    }

    /**
     * Runs virtual time until {@code condition} holds.
     *
     * @param what      what is awaited, for the failure message
     * @param condition checked after every event
     * @param limit     the most virtual time to run
     * @return how much virtual time it took
     * @throws AssertionError naming every node's view if it did not hold within {@code limit}
     */
    public Duration await(String what, BooleanSupplier condition, Duration limit) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(limit, "limit");
        return locked(() -> {
            long start = sim.now();
            if (!runUntil(condition, Duration.ofMillis(limit.toMillis()))) {
                throw new AssertionError("waited " + limit + " of virtual time for " + what + " (seed " + sim.seed()
                        + "); views: " + describe());
            }
            return Duration.ofMillis(sim.now() - start);
        });
    }

    /** @return virtual time since the cluster was made */
    public Duration elapsed() {
        return locked(() -> Duration.ofMillis(sim.now()));
    }

    /** @return the virtual clock, starting at {@link #EPOCH}; the time stamped on every change */
    public Clock clock() {
        return clock;
    }

    /** @return the seed this run is reproduced from */
    public long seed() {
        return sim.seed();
    }

    /** @return every node's view in one line, for assertion messages */
    public String describe() {
        return locked(() -> nodes.values().stream().map(n -> n.name() + (n.isUp() ? "" : "(" + n.simNode().status() + ")")
                + "=" + n.view().members().stream().map(m -> m.name() + ":" + m.status()).collect(Collectors.joining(",")))
                .collect(Collectors.joining(" | ")));
    }

    /** Ends every node's streams (their subscribers get {@code onClosed} / {@code onComplete}). */
    @Override
    public void close() {
        locked(() -> {
            if (!closed) {
                closed = true;
                for (TestNode n : nodes.values()) {
                    n.end();
                }
                deliver();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ internals

    synchronized <T> T locked(Supplier<T> work) {
        return work.get();
    }

    /** Runs the deliveries queued so far (and those they cause), unless already doing so. */
    void deliver() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            Runnable r;
            while ((r = deliveries.poll()) != null) {
                r.run();
            }
        } finally {
            delivering = false;
        }
    }

    private boolean runUntil(BooleanSupplier condition, Duration limit) {
        return runUntil(condition, sim.now() + limit.toMillis());
    }

    /** One event time at a time, delivering between, until the condition or the time. */
    private boolean runUntil(BooleanSupplier condition, long until) {
        deliver();
        while (!condition.getAsBoolean()) {
            long next = sim.nextEventTime();
            if (next < 0 || next > until) {
                sim.runUntil(until);
                deliver();
                return condition.getAsBoolean();
            }
            sim.runUntil(next);
            deliver();
        }
        return true;
    }

    private TestNode startLife(SimNode simNode, long incarnation, Map<String, String> metadata) {
        List<Endpoint> seeds = nodes.values().stream().filter(TestNode::isUp).map(n -> n.simNode().address()).limit(1).toList();
        sim.start(simNode, incarnation, SerfTags.encode(metadata));
        TestNode node = new TestNode(this, simNode, viewClock, delivery);
        nodes.put(simNode.name(), node);
        // The engine announced itself before the tracker existed: start it from the engine's own member.
        node.tracker().accept(new io.rollcall.core.engine.MembershipEvent.Joined(simNode.engine().localMember()));
        if (!seeds.isEmpty()) {
            simNode.engine().join(seeds);
        }
        deliver();
        return node;
    }

    private boolean converged() {
        Set<String> up = new TreeSet<>();
        for (TestNode n : nodes.values()) {
            if (n.isUp()) {
                up.add(n.name());
            }
        }
        for (TestNode n : nodes.values()) {
            if (!n.isUp()) {
                continue;
            }
            MembershipView v = n.view();
            Set<String> alive = new TreeSet<>();
            for (ClusterMember m : v.members()) {
                if (m.status() == MemberStatus.ALIVE) {
                    alive.add(m.name());
                } else if (m.status() == MemberStatus.SUSPECT) {
                    return false;
                }
            }
            if (!alive.equals(up)) {
                return false;
            }
        }
        return true;
    }

    private BitSet indexes(String... names) {
        BitSet set = new BitSet();
        for (String name : names) {
            set.set(node(name).simNode().index());
        }
        return set;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the test cluster is closed");
        }
    }

    /** What a cluster starts with. */
    public static final class Builder {
        private long seed = 1;
        private EngineConfig engine = EngineConfig.lan();
        private double lossRate;
        private boolean portUnreachable = true;
        private final List<String> names = new ArrayList<>();
        private final Map<String, Map<String, String>> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param value the seed every random choice (latency, loss, probe order) derives from; a run
         *              is reproduced exactly by it (default 1)
         * @return this
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param profile the timing preset every node runs with (default {@link Profile#LAN}, a real
         *                node's default, so detection times are those of production)
         * @return this
         */
        public Builder profile(Profile profile) {
            this.engine = switch (Objects.requireNonNull(profile, "profile")) {
                case LAN -> EngineConfig.lan();
                case WAN -> EngineConfig.wan();
                case LOCAL -> EngineConfig.local();
            };
            return this;
        }

        /**
         * @param rate the probability that a datagram is lost, 0..1 (default 0)
         * @return this
         */
        public Builder lossRate(double rate) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("lossRate must be within 0..1, got " + rate);
            }
            this.lossRate = rate;
            return this;
        }

        /**
         * @param answered whether a probe of a gone process is answered with ICMP port unreachable, as
         *                 on loopback and most LANs (default true); false as behind a firewall
         * @return this
         */
        public Builder portUnreachable(boolean answered) {
            this.portUnreachable = answered;
            return this;
        }

        /**
         * @param count nodes to start with, named {@code n1} to {@code n<count>}
         * @return this
         */
        public Builder nodes(int count) {
            if (count < 0 || count > 10_000) {
                throw new IllegalArgumentException("nodes must be within 0..10000, got " + count);
            }
            names.clear();
            metadata.clear();
            for (int i = 1; i <= count; i++) {
                names.add("n" + i);
            }
            return this;
        }

        /**
         * @param nodeNames the nodes to start with, by name
         * @return this
         */
        public Builder nodes(String... nodeNames) {
            names.clear();
            metadata.clear();
            for (String n : nodeNames) {
                node(n, Map.of());
            }
            return this;
        }

        /**
         * Adds one node to start with.
         *
         * @param name     its name
         * @param nodeMetadata its metadata
         * @return this
         */
        public Builder node(String name, Map<String, String> nodeMetadata) {
            if (names.contains(Objects.requireNonNull(name, "node name"))) {
                throw new IllegalArgumentException("node name " + name + " is given twice");
            }
            names.add(name);
            metadata.put(name, Map.copyOf(Objects.requireNonNull(nodeMetadata, "metadata")));
            return this;
        }

        /**
         * Starts the nodes, each joining through the first, and runs virtual time until they agree.
         *
         * @return the cluster
         * @throws AssertionError if the nodes did not converge within {@link #DEFAULT_CONVERGENCE_LIMIT}
         */
        public TestCluster build() {
            TestCluster cluster = new TestCluster(this);
            for (String name : names) {
                cluster.add(name, metadata.getOrDefault(name, Map.of()));
            }
            if (!names.isEmpty()) {
                cluster.awaitConverged();
            }
            return cluster;
        }
    }
}
