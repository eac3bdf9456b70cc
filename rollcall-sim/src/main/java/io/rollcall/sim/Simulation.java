package io.rollcall.sim;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.engine.Clock;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.LocalIdentity;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.StreamFailure;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.WireSizes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Many real {@link MembershipEngine}s on a simulated network in virtual time. Everything random
 * (latency, loss, every engine's choices) derives from one seed, and events at equal times run in
 * the order they were scheduled, so a run is reproduced exactly by its seed.
 */
public final class Simulation {
    /** Port every simulated node listens on. */
    public static final int PORT = 7946;

    private final long seed;
    private final EngineConfig config;
    private final SplittableRandom master;
    private final SplittableRandom networkRandom;
    /**
     * Draws for the per-node faults (ingress loss), from a generator of their own: a run without such
     * a fault makes exactly the draws it made before they existed.
     */
    private final SplittableRandom faultRandom;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<Endpoint, SimNode> byEndpoint = new HashMap<>();
    private final List<Partition> partitions = new ArrayList<>();
    private final List<SimObserver> observers = new ArrayList<>();
    private NetworkModel network;
    private LinkDelays linkDelays = LinkDelays.NONE;
    private java.util.function.BiConsumer<SimNode, MembershipEngine> engineSetup = (node, engine) -> { };
    private long now;
    private long sequence;
    private long eventsProcessed;
    private long packetsSent;
    private long bytesSent;
    private long streamBytesSent;
    private long packetsLost;
    private long streamsOpened;

    /**
     * @param seed    the seed every random choice derives from
     * @param config  engine configuration for every node
     * @param network the network model
     */
    public Simulation(long seed, EngineConfig config, NetworkModel network) {
        this.seed = seed;
        this.config = config;
        this.network = network;
        this.master = new SplittableRandom(seed);
        this.networkRandom = master.split();
        this.faultRandom = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
    }

    // ------------------------------------------------------------------ cluster control

    /**
     * Adds a node (not started). Node i listens on 127.a.b.c:7946, an address used only as a name
     * inside the simulation; no packet ever leaves the process.
     *
     * @return the node
     */
    public SimNode addNode() {
        return addNode("node-" + nodes.size());
    }

    /**
     * Adds a node (not started) with the given name, at the address {@link #addNode()} would give it.
     *
     * @param name the node's name, unique in the simulation
     * @return the node
     */
    public SimNode addNode(String name) {
        int index = nodes.size();
        int host = index + 1;
        Endpoint address = Endpoint.of(new byte[] {127, (byte) (host >>> 16), (byte) (host >>> 8), (byte) host}, PORT);
        SimNode node = new SimNode(this, index, name, address);
        nodes.add(node);
        byEndpoint.put(address, node);
        return node;
    }

    /**
     * Starts a node's engine (a new life), with the given incarnation.
     *
     * @param node        the node
     * @param incarnation its starting incarnation
     */
    public void start(SimNode node, long incarnation) {
        start(node, incarnation, Bytes.EMPTY);
    }

    /**
     * Starts a node's engine (a new life), with the given incarnation and metadata.
     *
     * @param node        the node
     * @param incarnation its starting incarnation
     * @param meta        its metadata
     */
    public void start(SimNode node, long incarnation, Bytes meta) {
        MembershipEngine engine = new MembershipEngine(new LocalIdentity(node.name(), node.address(), meta, incarnation),
                config, clockOf(node), master.split(), node);
        engineSetup.accept(node, engine);
        node.beginLife(engine);
        engine.start();
    }

    /**
     * A node's clock: the virtual time, and as its wall clock the virtual time plus the node's own
     * offset when the network model has clock skew (a drawing per node, the same in every life).
     */
    private Clock clockOf(SimNode node) {
        long skew = network.clockSkewMaxMillis();
        long offset = skew == 0 ? 0 : new SplittableRandom(seed * 31 + node.index()).nextLong(-skew, skew + 1);
        return new Clock() {
            @Override
            public long nowMillis() {
                return now;
            }

            @Override
            public long wallMillis() {
                return now + offset;
            }
        };
    }

    /**
     * Makes every running node know every other as ALIVE without any traffic: a converged cluster to
     * start large scenarios from.
     */
    public void bootstrapConverged() {
        List<PushNodeState> all = new ArrayList<>();
        for (SimNode n : nodes) {
            if (n.isUp()) {
                Member m = n.engine().localMember();
                all.add(new PushNodeState(m.name(), m.address(), m.meta(), m.incarnation(), MemberState.ALIVE, VersionVector.ROLLCALL));
            }
        }
        // In the probe ring's order, so that no node has to sort 10,000 members to take them in.
        all.sort(Comparator.comparing(PushNodeState::name, MembershipEngine.probeRingOrder()));
        for (SimNode n : nodes) {
            if (n.isUp()) {
                n.engine().learnWithoutGossip(all);
            }
        }
    }

    /** @param node the node to kill: it stops at once, silently */
    public void crash(SimNode node) {
        node.crash();
    }

    /** @param node the node to stall: everything addressed to it waits until {@link #resume} */
    public void pause(SimNode node) {
        node.pause();
    }

    /** @param node a paused node: it processes its backlog now, seeing the current time */
    public void resume(SimNode node) {
        node.resume();
    }

    /** @param partition a rule to add */
    public void addPartition(Partition partition) {
        partitions.add(partition);
    }

    /** @param partition a rule added earlier, to remove; the others stay */
    public void removePartition(Partition partition) {
        partitions.remove(partition);
    }

    /** Removes every partition. */
    public void healPartitions() {
        partitions.clear();
    }

    /** @param delays a fixed one-way delay per pair of nodes, added to every datagram between them */
    public void setLinkDelays(LinkDelays delays) {
        this.linkDelays = java.util.Objects.requireNonNull(delays, "delays");
    }

    /**
     * @param setup run on every new engine before it starts, e.g. to install a delegate; it must take
     *              its randomness from a generator of its own, so runs without it stay the same
     */
    public void setEngineSetup(java.util.function.BiConsumer<SimNode, MembershipEngine> setup) {
        this.engineSetup = java.util.Objects.requireNonNull(setup, "setup");
    }

    /** @param model the network model from now on */
    public void setNetwork(NetworkModel model) {
        this.network = model;
    }

    /** @param observer told of every notification every engine publishes */
    public void addObserver(SimObserver observer) {
        observers.add(observer);
    }

    /** @param observer an observer added earlier, to be told nothing more */
    public void removeObserver(SimObserver observer) {
        observers.remove(observer);
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs events until virtual time {@code until} (inclusive).
     *
     * @param until absolute virtual milliseconds
     */
    public void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time <= until) {
            Scheduled next = queue.poll();
            now = next.time;
            eventsProcessed++;
            next.action.run();
        }
        now = Math.max(now, until);
    }

    /**
     * Runs until the condition holds (checked every {@code checkEveryMillis}) or {@code deadline}.
     *
     * @param condition        what to wait for
     * @param checkEveryMillis how often to check
     * @param deadline         absolute virtual milliseconds to give up at
     * @return the virtual time the condition first held, or -1 if it did not by the deadline
     */
    public long runUntil(BooleanSupplier condition, long checkEveryMillis, long deadline) {
        while (now <= deadline) {
            if (condition.getAsBoolean()) {
                return now;
            }
            runUntil(Math.min(deadline, now + checkEveryMillis));
            if (now >= deadline) {
                return condition.getAsBoolean() ? now : -1;
            }
        }
        return -1;
    }

    /**
     * Runs {@code action} at virtual time {@code at}.
     *
     * @param at     absolute virtual milliseconds
     * @param action what to do
     */
    public void at(long at, Runnable action) {
        schedule(Math.max(at, now), action);
    }

    // ------------------------------------------------------------------ the network (used by SimNode)

    void schedule(long time, Runnable action) {
        queue.add(new Scheduled(time, sequence++, action));
    }

    void sendPacket(SimNode from, Endpoint to, List<Message> messages) {
        int total = 0;
        for (Message m : messages) {
            total += WireSizes.of(m);
        }
        int bytes = WireSizes.packet(messages.size(), total);
        packetsSent++;
        bytesSent += bytes;
        from.countSent(bytes);
        SimNode target = byEndpoint.get(to);
        if (target == null || blocked(from, target) || networkRandom.nextDouble() < network.lossRate()
                || lostAtIngress(target)) {
            packetsLost++;
            return;
        }
        Endpoint source = from.address();
        schedule(now + latency() + linkDelays.oneWayMillis(from, target) + target.extraDelayMillis()
                + target.inboundLagMillis(), () -> target.deliverPacket(source, messages));
    }

    /** A probe's datagram: as {@link #sendPacket}, and the port-unreachable answer if the model has one. */
    void sendProbe(SimNode from, long seqNo, Endpoint to, List<Message> messages) {
        sendPacket(from, to, messages);
        SimNode target = byEndpoint.get(to);
        if (!network.portUnreachable() || target == null || target.isUp() || target.status() == SimNode.Status.PAUSED
                || blocked(from, target) || blocked(target, from)) {
            return;
        }
        // The answer is a datagram too: it can be lost on its way back.
        if (networkRandom.nextDouble() < network.lossRate()) {
            return;
        }
        int life = from.life();
        schedule(now + 2 * latency() + from.extraDelayMillis(), () -> from.deliverPortUnreachable(life, seqNo));
    }

    void openStream(SimNode from, long requestId, Endpoint to, Message request) {
        streamsOpened++;
        SimNode target = byEndpoint.get(to);
        StreamCall call = new StreamCall(from, from.life(), requestId);
        long timeout = config.streamTimeoutMillis();
        schedule(now + timeout, () -> call.fail(StreamFailure.Kind.TIMED_OUT, "timed out after " + timeout + " ms"));
        // A TCP connection needs both directions (the handshake), so a one-way partition blocks it too.
        if (target != null && failsLocally(from, target)) {
            schedule(now, () -> call.fail(StreamFailure.Kind.FAILED, "network is unreachable"));
            return;
        }
        if (target == null || blocked(from, target) || blocked(target, from) || lostAtIngress(target)) {
            return;
        }
        Endpoint source = from.address();
        schedule(now + latency() + target.extraDelayMillis() + target.inboundLagMillis(),
                () -> target.acceptStream(source, request, call));
    }

    /**
     * The server took the connection, so the client sent its request. Counted here, not when the
     * stream was opened: a connection to a crashed or unreachable node carries no request bytes.
     */
    void streamAccepted(StreamCall call, Message request) {
        int bytes = WireSizes.of(request);
        bytesSent += bytes;
        streamBytesSent += bytes;
        call.client().countSent(bytes);
    }

    void replyStream(SimNode server, StreamCall call, Message reply) {
        if (reply == null) {
            schedule(now + latency(), () -> call.fail(StreamFailure.Kind.FAILED, "stream closed without a reply"));
            return;
        }
        int bytes = WireSizes.of(reply);
        bytesSent += bytes;
        streamBytesSent += bytes;
        server.countSent(bytes);
        if (blocked(server, call.client()) || lostAtIngress(call.client())) {
            return;
        }
        schedule(now + latency() + call.client().extraDelayMillis() + call.client().inboundLagMillis(),
                () -> call.complete(reply));
    }

    void refuseStream(StreamCall call) {
        schedule(now + latency(), () -> call.fail(StreamFailure.Kind.REFUSED, "connection refused"));
    }

    void publish(SimNode node, Notification notification) {
        for (SimObserver o : observers) {
            o.onNotification(now, node, notification);
        }
    }

    private boolean blocked(SimNode from, SimNode to) {
        for (Partition p : partitions) {
            if (p.blocks(from.index(), to.index())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether what arrives at {@code target} is lost to its ingress loss. A stream meets it once, for
     * its request or its reply: TCP's retransmissions would get some of those through late, so this
     * errs on the side of making the faulty node harder to reach.
     */
    private boolean lostAtIngress(SimNode target) {
        double rate = target.ingressLossRate();
        return rate > 0 && faultRandom.nextDouble() < rate;
    }

    private boolean failsLocally(SimNode from, SimNode to) {
        for (Partition p : partitions) {
            if (p.failsLocally() && (p.blocks(from.index(), to.index()) || p.blocks(to.index(), from.index()))) {
                return true;
            }
        }
        return false;
    }

    private long latency() {
        double extra = network.latencyJitterMeanMillis() <= 0 ? 0
                : -Math.log(1 - networkRandom.nextDouble()) * network.latencyJitterMeanMillis();
        double ms = Math.min(network.latencyMaxMillis(), network.latencyMinMillis() + extra);
        return Math.max(0, Math.round(ms));
    }

    // ------------------------------------------------------------------ inspection

    /** @return the virtual time of the next scheduled event, or -1 if none is scheduled */
    public long nextEventTime() {
        Scheduled next = queue.peek();
        return next == null ? -1 : next.time;
    }

    /** @return virtual milliseconds since the start */
    public long now() {
        return now;
    }

    /** @return the seed of this run */
    public long seed() {
        return seed;
    }

    /** @return the engine configuration */
    public EngineConfig config() {
        return config;
    }

    /** @return every node, by index */
    public List<SimNode> nodes() {
        return nodes;
    }

    /** @return events run so far */
    public long eventsProcessed() {
        return eventsProcessed;
    }

    /** @return datagrams sent */
    public long packetsSent() {
        return packetsSent;
    }

    /** @return datagrams dropped by loss or partitions */
    public long packetsLost() {
        return packetsLost;
    }

    /** @return bytes sent in datagrams and streams */
    public long bytesSent() {
        return bytesSent;
    }

    /** @return bytes sent in streams (state exchanges), requests and replies; included in {@link #bytesSent} */
    public long streamBytesSent() {
        return streamBytesSent;
    }

    /** @return streams opened */
    public long streamsOpened() {
        return streamsOpened;
    }

    /** An event in virtual time; ties are broken by scheduling order, which keeps runs reproducible. */
    private record Scheduled(long time, long sequence, Runnable action) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
