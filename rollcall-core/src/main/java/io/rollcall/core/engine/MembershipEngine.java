package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One node's SWIM + Lifeguard protocol engine: it owns the node's membership table and reacts to
 * received messages, fired timers and local commands by asking its {@link Outbox} to send messages,
 * set timers and publish events. It performs no I/O, reads time only from its {@link Clock} and
 * randomness only from its {@link RandomGenerator}, and has no threads: every method must be called
 * from the one thread that owns it. The same engine runs on the network transport and in the
 * simulator. docs/MODEL.md describes the behaviour it implements.
 */
public final class MembershipEngine {

    /** Where the engine is in its life. */
    public enum Phase {
        /** Built, not started. */
        CREATED,
        /** Probing, gossiping and answering. */
        RUNNING,
        /** Announcing our departure; still gossiping and answering, no longer probing. */
        LEAVING,
        /** Departure announced; answering only. */
        LEFT,
        /** Stopped; ignores all input. */
        STOPPED
    }


    private final EngineConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final Outbox out;
    private final String selfName;
    private final MemberEntry self;
    private final MemberTable table = new MemberTable();
    private final ProbeRing ring = new ProbeRing();
    private final Dissemination dissemination;
    private final Awareness awareness;
    private final Suspicions suspicions;
    private final MemberTableRules tableRules;
    private final DecisionRecords records;
    private final Isolation isolation;
    private final PendingStreams streams;
    private final Prober prober;
    private final StateExchange exchange;
    private final GossipRules gossipRules;
    private final EngineCounters counters = new EngineCounters();

    private final Departure departure;
    private final UserMessages userMessages;
    private final TimerRoutes timerRoutes;
    private final MessageRoutes messageRoutes;

    private Phase phase = Phase.CREATED;
    private UserDelegate delegate = UserDelegate.NONE;
    private PingDelegate pingDelegate = PingDelegate.NONE;

    /**
     * @param identity who this node is
     * @param config   timing and limits
     * @param clock    monotonic time source
     * @param random   randomness; seed it for reproducible runs
     * @param out      where effects go
     */
    public MembershipEngine(LocalIdentity identity, EngineConfig config, Clock clock, RandomGenerator random, Outbox out) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.out = Objects.requireNonNull(out, "out");
        Objects.requireNonNull(identity, "identity");
        if (identity.meta().length() > config.metaMaxBytes()) {
            throw new IllegalArgumentException("metadata is " + identity.meta().length() + " bytes; limit is "
                    + config.metaMaxBytes());
        }
        this.selfName = identity.name();
        this.self = new MemberEntry(identity.name(), identity.address(), identity.meta(), VersionVector.ROLLCALL,
                identity.incarnation(), MemberState.ALIVE, clock.nowMillis());
        EngineContext context = new EngineContext(config, clock, random, out, table, self, counters);
        PartHooks hooks = new PartHooks();
        this.dissemination = new Dissemination(context);
        this.awareness = new Awareness(config.awarenessMaxMultiplier());
        // The records make room through the table rules, which are built after the suspicions that record.
        this.records = new DecisionRecords(context, this::makeRoom);
        this.isolation = new Isolation(context);
        this.suspicions = new Suspicions(context, dissemination, awareness, records, isolation, hooks::running);
        this.tableRules = new MemberTableRules(context, ring, suspicions);
        this.gossipRules = new GossipRules(context, dissemination, suspicions, tableRules, records, hooks);
        this.streams = new PendingStreams(config.maxPendingStreams(), counters);
        this.prober = new Prober(context, ring, awareness, dissemination, streams, isolation, hooks);
        this.exchange = new StateExchange(context, ring, dissemination, streams, hooks);
        this.departure = new Departure(context, dissemination);
        this.userMessages = new UserMessages(context, dissemination, streams);
        this.timerRoutes = new TimerRoutes(this, prober, exchange, suspicions, gossipRules);
        this.messageRoutes = new MessageRoutes(prober, gossipRules, exchange, streams, counters, () -> delegate);
    }

    // ------------------------------------------------------------------ commands

    /**
     * Installs the layer above. Call before {@link #start()}.
     *
     * @param userDelegate the delegate
     */
    public void setUserDelegate(UserDelegate userDelegate) {
        if (phase != Phase.CREATED) {
            throw new IllegalStateException("set the delegate before starting the engine");
        }
        this.delegate = Objects.requireNonNull(userDelegate, "userDelegate");
    }

    /**
     * Installs what fills our acks' payloads and hears of our acknowledged probes. Call before
     * {@link #start()}.
     *
     * @param ping the delegate
     */
    public void setPingDelegate(PingDelegate ping) {
        if (phase != Phase.CREATED) {
            throw new IllegalStateException("set the ping delegate before starting the engine");
        }
        this.pingDelegate = Objects.requireNonNull(ping, "ping");
    }

    /**
     * Sends a user message to one member: in a datagram when it fits the packet budget, otherwise over
     * a stream (memberlist's reliable user message), so large payloads are never cut or lost to the
     * datagram size limit.
     *
     * @param to      the member's address
     * @param payload the message, without memberlist's type byte
     */
    public void sendUserMessage(Endpoint to, Bytes payload) {
        if (phase != Phase.STOPPED && phase != Phase.CREATED) {
            userMessages.send(to, payload);
        }
    }

    /**
     * Gossips a user message to the cluster: piggybacked and sent in gossip rounds like membership
     * updates, the same number of times. A newer message with the same key replaces a queued one.
     *
     * @param key     what the message is about; messages with distinct keys are all kept
     * @param payload the message, without memberlist's type byte
     */
    public void broadcastUser(String key, Bytes payload) {
        if (phase != Phase.STOPPED && phase != Phase.CREATED) {
            userMessages.broadcast(key, payload);
        }
    }

    /** Starts probing, gossiping and anti-entropy. Call once. */
    public void start() {
        if (phase != Phase.CREATED) {
            throw new IllegalStateException("engine already started (phase " + phase + ")");
        }
        phase = Phase.RUNNING;
        tableRules.add(self);
        out.notify(new MembershipEvent.Joined(self.snapshot()));
        // Random stagger so nodes started together do not probe and gossip in lockstep.
        out.setTimer(new Timer.ProbeTick(), random.nextLong(config.probeIntervalMillis()));
        out.setTimer(new Timer.GossipTick(), random.nextLong(config.gossipIntervalMillis()));
        exchange.scheduleFirstExchanges();
        out.setTimer(new Timer.ReapTick(), config.reapIntervalMillis());
    }

    /**
     * Joins through the given seeds: a full state exchange with each. The outcome arrives as one
     * {@link JoinCompleted}. The seeds are also remembered and retried while any member is DEAD,
     * which heals partitions.
     *
     * @param seedAddresses addresses of existing members
     * @return the id the {@link JoinCompleted} will carry
     */
    public long join(Collection<Endpoint> seedAddresses) {
        requirePhase(Phase.RUNNING, "join");
        return exchange.join(seedAddresses);
    }

    /**
     * Announces a voluntary departure: every other node will mark us LEFT. Probing stops at once;
     * gossip goes on until the announcement has been sent its full number of times plus the
     * propagation delay, or until {@code timeoutMillis}; then {@link LeaveCompleted} is published and
     * the owner may {@link #stop()}.
     *
     * @param timeoutMillis the most to wait for the announcement to go out
     */
    public void leave(long timeoutMillis) {
        if (phase == Phase.LEAVING || phase == Phase.LEFT) {
            return;
        }
        requirePhase(Phase.RUNNING, "leave");
        phase = Phase.LEAVING;
        prober.endProbe();
        Member before = self.snapshot();
        table.setState(self, MemberState.LEFT, clock.nowMillis());
        out.notify(new MembershipEvent.Left(self.snapshot()));
        if (departure.announce(new Dead(before.incarnation(), selfName, selfName), delegate.announcement(true))) {
            out.setTimer(new Timer.LeaveDeadline(), timeoutMillis);
        } else {
            completeLeave(false);
        }
    }

    /**
     * Changes our metadata and gossips it under a new incarnation, once {@link Outbox#storeSelf}
     * has stored both.
     *
     * @param meta the new metadata
     * @throws SelfStateNotStoredException if the new state could not be stored; nothing changed
     */
    public void updateMetadata(Bytes meta) {
        requirePhase(Phase.RUNNING, "update metadata");
        if (meta.length() > config.metaMaxBytes()) {
            throw new IllegalArgumentException("metadata is " + meta.length() + " bytes; limit is " + config.metaMaxBytes());
        }
        long incarnation = IncarnationRule.next(self.incarnation);
        // Stored first: if it cannot be, this throws and nothing has changed.
        out.storeSelf(new SelfState(incarnation, meta));
        Member before = self.snapshot();
        self.meta = meta;
        self.incarnation = incarnation;
        dissemination.enqueue(selfName, self.aliveClaim());
        out.notify(new MembershipEvent.Updated(self.snapshot(), before));
    }

    /**
     * Learns members from a trusted listing without gossiping what was learned: the rules are those
     * of a state exchange, but no updates are queued, because every member already knows what they
     * would say. The simulator uses it to start a large cluster already converged.
     *
     * <p>The listing stands in for a state exchange, so the next periodic exchange is rescheduled to
     * a random point within one exchange interval for the cluster size now known, as in a cluster
     * that has been running for a while. Otherwise every node would make its first exchange at the
     * interval chosen when it started alone (30 to 60 s at LAN settings): in a converged cluster of
     * 10,000 that is 10,000 exchanges of the whole member list within 30 s, ten times the rate at
     * which such a cluster makes them afterwards.
     *
     * @param known members to learn
     */
    public void learnWithoutGossip(List<PushNodeState> known) {
        requirePhase(Phase.RUNNING, "learn members");
        exchange.learnWithoutGossip(known);
    }

    /**
     * @return the order of every node's probe ring, by member name: a list of members given to
     *         {@link #learnWithoutGossip} in this order is taken in without sorting
     */
    public static Comparator<String> probeRingOrder() {
        return ProbeRing.ORDER;
    }

    /** Stops the engine: later input is ignored and no further effects are produced. */
    public void stop() {
        phase = Phase.STOPPED;
        prober.stop(); // silently: a stopped engine produces no effects; the driver closes its sockets
    }

    // ------------------------------------------------------------------ inputs

    /**
     * A message that arrived in a datagram (the codec has already taken compounds apart).
     *
     * @param from    the datagram's source address
     * @param message the message
     */
    public void handlePacket(Endpoint from, Message message) {
        if (phase == Phase.CREATED || phase == Phase.STOPPED) {
            counters.drop(DropReason.STOPPED);
            return;
        }
        messageRoutes.packet(from, message);
    }

    /**
     * A request that arrived on an inbound stream.
     *
     * @param from    the peer's address
     * @param request the request
     * @return the reply to write back, or null to just close the stream
     */
    public Message handleStream(Endpoint from, Message request) {
        if (phase == Phase.CREATED || phase == Phase.STOPPED) {
            counters.drop(DropReason.STOPPED);
            return null;
        }
        return messageRoutes.stream(from, request);
    }

    /**
     * The reply to a stream request we sent.
     *
     * @param requestId the id from {@link Outbox#sendStream}
     * @param reply     the reply
     */
    public void handleStreamReply(long requestId, Message reply) {
        messageRoutes.streamReply(requestId, reply, phase == Phase.STOPPED);
    }

    /**
     * A stream request we sent failed (could not connect, timed out, broke).
     *
     * @param requestId the id from {@link Outbox#sendStream}
     * @param failure   what went wrong and why
     */
    public void handleStreamFailure(long requestId, StreamFailure failure) {
        messageRoutes.streamFailure(requestId, failure);
    }

    /**
     * The network reported that nothing listens at the target's port for probe {@code seqNo} (an
     * ICMP port unreachable answering the ping). That answer came from the target's host, so the
     * path to it works and its process is gone: asking others to probe it cannot succeed, and
     * waiting for the deadline only delays the suspicion. The target is suspected now; the suspicion
     * still runs its full timeout, so a member that is in fact running (restarted on the same port,
     * say) refutes it as it would any other. Our own health score is left as it is: the failure
     * is not ours. A report for any probe but the current one is ignored.
     *
     * @param seqNo the probe the report is about
     */
    public void handleProbeUnreachable(long seqNo) {
        prober.onProbeUnreachable(seqNo);
    }

    /**
     * A timer the engine set has fired.
     *
     * @param timer the timer
     */
    public void handleTimer(Timer timer) {
        if (phase == Phase.STOPPED || phase == Phase.CREATED) {
            return;
        }
        timer.dispatchTo(timerRoutes);
    }

    // ------------------------------------------------------------------ queries

    /** @return every member this node knows, tombstones and itself included */
    public List<Member> members() {
        List<Member> all = new ArrayList<>(table.size());
        for (MemberEntry e : table.all()) {
            all.add(e.snapshot());
        }
        return all;
    }

    /**
     * @param name a member name
     * @return this node's view of it, if known
     */
    public Optional<Member> member(String name) {
        MemberEntry e = table.get(name);
        return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    /** @return this node as it announces itself */
    public Member localMember() {
        return self.snapshot();
    }

    /** @return this node's name */
    public String name() {
        return selfName;
    }

    /** @return members ALIVE or SUSPECT, ourselves included (while not leaving) */
    public int liveMemberCount() {
        return table.liveCount();
    }

    /**
     * @param state a state
     * @return how many members (ourselves included) this node holds in that state
     */
    public int countOf(MemberState state) {
        return table.count(state);
    }

    /** @return number of entries in the member table, tombstones included */
    public int memberCount() {
        return table.size();
    }

    /** @return the heap bytes the member table is accounted at, against {@link EngineConfig#maxMemberBytes()} */
    public long memberTableBytes() {
        return table.bytes();
    }

    /**
     * @param name a member's name (ours included)
     * @return the decisions recorded about it, oldest first; empty if we hold no such member
     */
    public List<DecisionRecord> decisionRecords(String name) {
        MemberEntry entry = table.get(name);
        return entry == null ? List.of() : DecisionRecords.of(entry);
    }

    /** @return every known member's round-trip times, direct and via helpers, read in one walk of the table */
    public RoundTripTimes.PerMember roundTripsByMember() {
        return RoundTripTimes.PerMember.of(table.all());
    }

    /** @return the node's probe round-trip histograms */
    public RoundTripTimes roundTripTimes() {
        return prober.roundTrips();
    }

    /** @return true while this node holds still because its own ingress looks broken ({@link EngineConfig#isolationHoldIntervals()}) */
    public boolean isolationHold() {
        return isolation.holding();
    }

    /** @return Lifeguard's local health score: 0 is healthy, higher means our own probes are unreliable */
    public int healthScore() {
        return awareness.score();
    }

    /** @return where the engine is in its life */
    public Phase phase() {
        return phase;
    }

    /** @return gossip updates waiting to be sent */
    public int pendingBroadcasts() {
        return dissemination.pending();
    }

    /** @return counters for metrics */
    public EngineCounters.Snapshot counters() {
        dissemination.reportDrops();
        return counters.snapshot();
    }

    /** @return the configuration in force */
    public EngineConfig config() {
        return config;
    }

    /**
     * @param join whether the exchange is part of a join
     * @return our full state as sent in a state exchange
     */
    public PushPull localState(boolean join) {
        return exchange.localState(join);
    }

    // ------------------------------------------------------------------ the engine's own timers

    /** A gossip round: queued updates to random members, then the rounds' bookkeeping. */
    void onGossipTick() {
        if (phase != Phase.RUNNING && phase != Phase.LEAVING) {
            return;
        }
        out.setTimer(new Timer.GossipTick(), config.gossipIntervalMillis());
        gossipRules.newRound();
        dissemination.gossipRound();
        if (dissemination.sendDirectAnnouncements()) {
            checkLeaveProgress();
        }
        suspicions.onGossipRound();
        checkLeaveProgress();
    }

    void onReapTick() {
        if (phase == Phase.RUNNING || phase == Phase.LEAVING) {
            tableRules.onReapTick();
        }
    }

    /** Our leave's deadline passed ({@code timedOut}) or its announcement has propagated. */
    void onLeaveTimer(boolean timedOut) {
        if (phase == Phase.LEAVING) {
            completeLeave(timedOut);
        }
    }

    private void checkLeaveProgress() {
        if (phase == Phase.LEAVING) {
            departure.checkProgress();
        }
    }

    private void completeLeave(boolean timedOut) {
        phase = Phase.LEFT;
        out.notify(new LeaveCompleted(timedOut));
    }

    private boolean makeRoom(long bytes, MemberEntry keep) {
        return tableRules.makeRoom(bytes, keep);
    }

    private void requirePhase(Phase required, String action) {
        if (phase != required) {
            throw new IllegalStateException("cannot " + action + " while " + phase);
        }
    }

    /** What the parts ask of the engine and of each other; one implementation, so alike asks are answered alike. */
    private final class PartHooks implements Prober.Hooks, GossipRules.Hooks, StateExchange.Hooks {
        @Override
        public boolean running() {
            return phase == Phase.RUNNING;
        }

        @Override
        public void gossipSent() {
            checkLeaveProgress();
        }

        @Override
        public void ourNameClaimedAt(Endpoint address) {
            exchange.ourNameClaimedAt(address);
        }

        @Override
        public void suspect(Suspect claim) {
            gossipRules.onSuspect(claim, ClaimSource.STATE_EXCHANGE);
        }

        @Override
        public void suspect(Suspect accusation, DecisionRecord.ProbeEvidence evidence) {
            gossipRules.onSuspect(accusation, ClaimSource.probe(evidence));
        }

        @Override
        public void alive(Alive claim, boolean fromItself) {
            gossipRules.onAlive(claim, ClaimSource.STATE_EXCHANGE, fromItself);
        }

        @Override
        public void dead(Dead claim) {
            gossipRules.onDead(claim, ClaimSource.STATE_EXCHANGE);
        }

        @Override
        public void joined() {
            if (dissemination.announceDirectly(self.aliveClaim(), delegate.announcement(false))) {
                checkLeaveProgress();
            }
        }

        @Override
        public PingDelegate pingDelegate() {
            return pingDelegate;
        }

        @Override
        public UserDelegate delegate() {
            return delegate;
        }

        @Override
        public void limitNewMemberBytes(long bytes) {
            tableRules.limitNewMemberBytes(bytes);
        }
    }
}
