package io.rollcall.core.engine;

/**
 * The engine's timing and limits. Defaults are memberlist's LAN profile; {@link #wan()} and
 * {@link #local()} are its other two. Every limit on what a peer can make us store or do is here,
 * named with its unit.
 *
 * @param probeIntervalMillis      time between probes of successive members (SWIM's protocol period)
 * @param probeTimeoutMillis       wait for a direct ack before asking others to probe; should exceed the
 *                                 99th-percentile round trip
 * @param indirectChecks           members asked to probe a target that missed its direct ack
 * @param suspicionMult            scales the minimum suspicion timeout (see {@link Timeouts})
 * @param suspicionMaxTimeoutMult  maximum suspicion timeout as a multiple of the minimum
 * @param retransmitMult           scales how often each gossip update is sent (see {@link Timeouts})
 * @param gossipIntervalMillis     time between gossip rounds
 * @param gossipNodes              members each gossip round sends to
 * @param gossipToTheDeadMillis    how long a dead member still receives gossip, so a member wrongly
 *                                 declared dead hears it and can refute
 * @param pushPullIntervalMillis   base time between full state exchanges (scaled with N)
 * @param awarenessMaxMultiplier   Lifeguard: the probe deadline stretches up to this multiple of the
 *                                 probe interval while our own health is poor
 * @param isolationHoldIntervals   beyond Lifeguard: once two of our probes within this many probe
 *                                 intervals have failed with every nack they asked for missing (nobody's
 *                                 answer reaches us: the fault is likely our own ingress), we refute
 *                                 nothing until that many intervals after the last, so a node with a gray
 *                                 link is held failed by the others, once, instead of flapping
 *                                 (docs/MODEL.md, <i>Isolation hold</i>); 0 turns it off
 * @param tcpFallbackProbe         also probe over a stream when the direct UDP ack is missing
 * @param suspectOnPortUnreachable end a probe at once, with the target suspected, when the network
 *                                 reports that nothing listens at the target's port (ICMP port
 *                                 unreachable, see {@link MembershipEngine#handleProbeUnreachable})
 * @param streamTimeoutMillis      connect and read timeout for every stream (the driver enforces it)
 * @param packetBudgetBytes        largest datagram we build (memberlist's UDPBufferSize)
 * @param reconnectIntervalMillis  how often we try a state exchange with a dead member and a seed, so
 *                                 a healed partition merges back
 * @param reapIntervalMillis       how often tombstones are checked for removal
 * @param deadRetentionMillis      how long a DEAD member is kept (and retried) before removal
 * @param leftRetentionMillis      how long a LEFT member is kept before removal
 * @param leavePropagateDelayMillis after our leave announcement has been sent its full number of times,
 *                                 keep gossiping this long before reporting the leave done
 * @param joinFollowUpSyncMillis   after a successful join, one more state exchange with a random member
 *                                 this much later (0: none), to catch members that joined concurrently
 * @param reclaimDeadNames         let a new address take over the name of a DEAD or LEFT member
 * @param maxMembers               most members kept (including tombstones); beyond it new names are
 *                                 dropped, counted, after the oldest tombstone is evicted
 * @param maxQueuedBroadcasts      most gossip updates waiting to be sent
 * @param maxPendingRelays         most indirect probes served at once on others' behalf
 * @param maxPendingStreams        most outgoing stream requests awaiting a reply
 * @param metaMaxBytes             largest member metadata accepted or sent (memberlist's MetaMaxSize)
 * @param maxMemberBytes           most heap bytes the member table may be accounted at (see
 *                                 {@link MemberFootprint}), tombstones included: like {@code maxMembers},
 *                                 the oldest tombstones are evicted first, then new names are dropped; one
 *                                 state exchange may add new members worth at most half of it
 * @param maxQueuedBroadcastBytes  most bytes of gossip updates waiting to be sent; beyond it the most-sent
 *                                 updates are evicted first
 */
public record EngineConfig(
        long probeIntervalMillis,
        long probeTimeoutMillis,
        int indirectChecks,
        int suspicionMult,
        int suspicionMaxTimeoutMult,
        int retransmitMult,
        long gossipIntervalMillis,
        int gossipNodes,
        long gossipToTheDeadMillis,
        long pushPullIntervalMillis,
        int awarenessMaxMultiplier,
        int isolationHoldIntervals,
        boolean tcpFallbackProbe,
        boolean suspectOnPortUnreachable,
        long streamTimeoutMillis,
        int packetBudgetBytes,
        long reconnectIntervalMillis,
        long reapIntervalMillis,
        long deadRetentionMillis,
        long leftRetentionMillis,
        long leavePropagateDelayMillis,
        long joinFollowUpSyncMillis,
        boolean reclaimDeadNames,
        int maxMembers,
        int maxQueuedBroadcasts,
        int maxPendingRelays,
        int maxPendingStreams,
        int metaMaxBytes,
        long maxMemberBytes,
        long maxQueuedBroadcastBytes) {

    private static final long DAY_MILLIS = 24L * 60 * 60 * 1000;

    /** Rejects settings the engine cannot run with, naming the offending field. */
    public EngineConfig {
        positive("probeIntervalMillis", probeIntervalMillis);
        positive("probeTimeoutMillis", probeTimeoutMillis);
        if (probeTimeoutMillis >= probeIntervalMillis) {
            throw new IllegalArgumentException("probeTimeoutMillis (" + probeTimeoutMillis
                    + ") must be less than probeIntervalMillis (" + probeIntervalMillis + ")");
        }
        nonNegative("indirectChecks", indirectChecks);
        positive("suspicionMult", suspicionMult);
        positive("suspicionMaxTimeoutMult", suspicionMaxTimeoutMult);
        positive("retransmitMult", retransmitMult);
        positive("gossipIntervalMillis", gossipIntervalMillis);
        positive("gossipNodes", gossipNodes);
        nonNegative("gossipToTheDeadMillis", gossipToTheDeadMillis);
        positive("pushPullIntervalMillis", pushPullIntervalMillis);
        positive("awarenessMaxMultiplier", awarenessMaxMultiplier);
        nonNegative("isolationHoldIntervals", isolationHoldIntervals);
        positive("streamTimeoutMillis", streamTimeoutMillis);
        if (packetBudgetBytes < 512 || packetBudgetBytes > 65_000) {
            throw new IllegalArgumentException("packetBudgetBytes must be 512..65000, got " + packetBudgetBytes);
        }
        positive("reconnectIntervalMillis", reconnectIntervalMillis);
        positive("reapIntervalMillis", reapIntervalMillis);
        nonNegative("deadRetentionMillis", deadRetentionMillis);
        nonNegative("leftRetentionMillis", leftRetentionMillis);
        nonNegative("leavePropagateDelayMillis", leavePropagateDelayMillis);
        nonNegative("joinFollowUpSyncMillis", joinFollowUpSyncMillis);
        positive("maxMembers", maxMembers);
        positive("maxQueuedBroadcasts", maxQueuedBroadcasts);
        positive("maxPendingRelays", maxPendingRelays);
        positive("maxPendingStreams", maxPendingStreams);
        if (metaMaxBytes < 0 || metaMaxBytes > 512) {
            throw new IllegalArgumentException("metaMaxBytes must be 0..512 (memberlist's limit), got " + metaMaxBytes);
        }
        positive("maxMemberBytes", maxMemberBytes);
        positive("maxQueuedBroadcastBytes", maxQueuedBroadcastBytes);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    /** @return memberlist's DefaultLANConfig timing with Rollcall's limits */
    public static EngineConfig lan() {
        return builder().build();
    }

    /** @return memberlist's DefaultWANConfig timing */
    public static EngineConfig wan() {
        return builder().streamTimeoutMillis(30_000).suspicionMult(6).pushPullIntervalMillis(60_000)
                .probeTimeoutMillis(3_000).probeIntervalMillis(5_000).gossipNodes(4)
                .gossipIntervalMillis(500).gossipToTheDeadMillis(60_000).joinFollowUpSyncMillis(5_000).build();
    }

    /** @return memberlist's DefaultLocalConfig timing (one host or a fast local network) */
    public static EngineConfig local() {
        return builder().streamTimeoutMillis(1_000).indirectChecks(1).retransmitMult(2).suspicionMult(3)
                .pushPullIntervalMillis(15_000).probeTimeoutMillis(200).probeIntervalMillis(1_000)
                .gossipIntervalMillis(100).gossipToTheDeadMillis(15_000).joinFollowUpSyncMillis(1_000).build();
    }

    /** @return a builder holding the LAN defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration, to override a few fields */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.probeIntervalMillis = probeIntervalMillis;
        b.probeTimeoutMillis = probeTimeoutMillis;
        b.indirectChecks = indirectChecks;
        b.suspicionMult = suspicionMult;
        b.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        b.retransmitMult = retransmitMult;
        b.gossipIntervalMillis = gossipIntervalMillis;
        b.gossipNodes = gossipNodes;
        b.gossipToTheDeadMillis = gossipToTheDeadMillis;
        b.pushPullIntervalMillis = pushPullIntervalMillis;
        b.awarenessMaxMultiplier = awarenessMaxMultiplier;
        b.isolationHoldIntervals = isolationHoldIntervals;
        b.tcpFallbackProbe = tcpFallbackProbe;
        b.suspectOnPortUnreachable = suspectOnPortUnreachable;
        b.streamTimeoutMillis = streamTimeoutMillis;
        b.packetBudgetBytes = packetBudgetBytes;
        b.reconnectIntervalMillis = reconnectIntervalMillis;
        b.reapIntervalMillis = reapIntervalMillis;
        b.deadRetentionMillis = deadRetentionMillis;
        b.leftRetentionMillis = leftRetentionMillis;
        b.leavePropagateDelayMillis = leavePropagateDelayMillis;
        b.joinFollowUpSyncMillis = joinFollowUpSyncMillis;
        b.reclaimDeadNames = reclaimDeadNames;
        b.maxMembers = maxMembers;
        b.maxQueuedBroadcasts = maxQueuedBroadcasts;
        b.maxPendingRelays = maxPendingRelays;
        b.maxPendingStreams = maxPendingStreams;
        b.metaMaxBytes = metaMaxBytes;
        b.maxMemberBytes = maxMemberBytes;
        b.maxQueuedBroadcastBytes = maxQueuedBroadcastBytes;
        return b;
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private long probeIntervalMillis = 1_000;
        private long probeTimeoutMillis = 500;
        private int indirectChecks = 3;
        private int suspicionMult = 4;
        private int suspicionMaxTimeoutMult = 6;
        private int retransmitMult = 4;
        private long gossipIntervalMillis = 200;
        private int gossipNodes = 3;
        private long gossipToTheDeadMillis = 30_000;
        private long pushPullIntervalMillis = 30_000;
        private int awarenessMaxMultiplier = 8;
        private int isolationHoldIntervals = 30;
        private boolean tcpFallbackProbe = true;
        private boolean suspectOnPortUnreachable = true;
        private long streamTimeoutMillis = 10_000;
        private int packetBudgetBytes = 1_400;
        private long reconnectIntervalMillis = 30_000;
        private long reapIntervalMillis = 15_000;
        private long deadRetentionMillis = DAY_MILLIS;
        private long leftRetentionMillis = DAY_MILLIS;
        private long leavePropagateDelayMillis = 1_000;
        private long joinFollowUpSyncMillis = 2_000;
        private boolean reclaimDeadNames = true;
        private int maxMembers = 65_536;
        private int maxQueuedBroadcasts = 8_192;
        private int maxPendingRelays = 1_024;
        private int maxPendingStreams = 256;
        private int metaMaxBytes = 512;
        // Far above what any simulated node holds; a node built from a RollcallConfig takes both from
        // its memory budget, sized to its heap.
        private long maxMemberBytes = 256L * 1024 * 1024;
        private long maxQueuedBroadcastBytes = 64L * 1024 * 1024;

        private Builder() {
        }

        /** @param v see {@link EngineConfig#probeIntervalMillis()} @return this */
        public Builder probeIntervalMillis(long v) { probeIntervalMillis = v; return this; }
        /** @param v see {@link EngineConfig#probeTimeoutMillis()} @return this */
        public Builder probeTimeoutMillis(long v) { probeTimeoutMillis = v; return this; }
        /** @param v see {@link EngineConfig#indirectChecks()} @return this */
        public Builder indirectChecks(int v) { indirectChecks = v; return this; }
        /** @param v see {@link EngineConfig#suspicionMult()} @return this */
        public Builder suspicionMult(int v) { suspicionMult = v; return this; }
        /** @param v see {@link EngineConfig#suspicionMaxTimeoutMult()} @return this */
        public Builder suspicionMaxTimeoutMult(int v) { suspicionMaxTimeoutMult = v; return this; }
        /** @param v see {@link EngineConfig#retransmitMult()} @return this */
        public Builder retransmitMult(int v) { retransmitMult = v; return this; }
        /** @param v see {@link EngineConfig#gossipIntervalMillis()} @return this */
        public Builder gossipIntervalMillis(long v) { gossipIntervalMillis = v; return this; }
        /** @param v see {@link EngineConfig#gossipNodes()} @return this */
        public Builder gossipNodes(int v) { gossipNodes = v; return this; }
        /** @param v see {@link EngineConfig#gossipToTheDeadMillis()} @return this */
        public Builder gossipToTheDeadMillis(long v) { gossipToTheDeadMillis = v; return this; }
        /** @param v see {@link EngineConfig#pushPullIntervalMillis()} @return this */
        public Builder pushPullIntervalMillis(long v) { pushPullIntervalMillis = v; return this; }
        /** @param v see {@link EngineConfig#awarenessMaxMultiplier()} @return this */
        public Builder awarenessMaxMultiplier(int v) { awarenessMaxMultiplier = v; return this; }

        /** @param v see {@link EngineConfig#isolationHoldIntervals()} @return this */
        public Builder isolationHoldIntervals(int v) { isolationHoldIntervals = v; return this; }
        /** @param v see {@link EngineConfig#tcpFallbackProbe()} @return this */
        public Builder tcpFallbackProbe(boolean v) { tcpFallbackProbe = v; return this; }
        /** @param v see {@link EngineConfig#suspectOnPortUnreachable()} @return this */
        public Builder suspectOnPortUnreachable(boolean v) { suspectOnPortUnreachable = v; return this; }
        /** @param v see {@link EngineConfig#streamTimeoutMillis()} @return this */
        public Builder streamTimeoutMillis(long v) { streamTimeoutMillis = v; return this; }
        /** @param v see {@link EngineConfig#packetBudgetBytes()} @return this */
        public Builder packetBudgetBytes(int v) { packetBudgetBytes = v; return this; }
        /** @param v see {@link EngineConfig#reconnectIntervalMillis()} @return this */
        public Builder reconnectIntervalMillis(long v) { reconnectIntervalMillis = v; return this; }
        /** @param v see {@link EngineConfig#reapIntervalMillis()} @return this */
        public Builder reapIntervalMillis(long v) { reapIntervalMillis = v; return this; }
        /** @param v see {@link EngineConfig#deadRetentionMillis()} @return this */
        public Builder deadRetentionMillis(long v) { deadRetentionMillis = v; return this; }
        /** @param v see {@link EngineConfig#leftRetentionMillis()} @return this */
        public Builder leftRetentionMillis(long v) { leftRetentionMillis = v; return this; }
        /** @param v see {@link EngineConfig#leavePropagateDelayMillis()} @return this */
        public Builder leavePropagateDelayMillis(long v) { leavePropagateDelayMillis = v; return this; }
        /** @param v see {@link EngineConfig#joinFollowUpSyncMillis()} @return this */
        public Builder joinFollowUpSyncMillis(long v) { joinFollowUpSyncMillis = v; return this; }
        /** @param v see {@link EngineConfig#reclaimDeadNames()} @return this */
        public Builder reclaimDeadNames(boolean v) { reclaimDeadNames = v; return this; }
        /** @param v see {@link EngineConfig#maxMembers()} @return this */
        public Builder maxMembers(int v) { maxMembers = v; return this; }
        /** @param v see {@link EngineConfig#maxQueuedBroadcasts()} @return this */
        public Builder maxQueuedBroadcasts(int v) { maxQueuedBroadcasts = v; return this; }
        /** @param v see {@link EngineConfig#maxPendingRelays()} @return this */
        public Builder maxPendingRelays(int v) { maxPendingRelays = v; return this; }
        /** @param v see {@link EngineConfig#maxPendingStreams()} @return this */
        public Builder maxPendingStreams(int v) { maxPendingStreams = v; return this; }
        /** @param v see {@link EngineConfig#metaMaxBytes()} @return this */
        public Builder metaMaxBytes(int v) { metaMaxBytes = v; return this; }
        /** @param v see {@link EngineConfig#maxMemberBytes()} @return this */
        public Builder maxMemberBytes(long v) { maxMemberBytes = v; return this; }
        /** @param v see {@link EngineConfig#maxQueuedBroadcastBytes()} @return this */
        public Builder maxQueuedBroadcastBytes(long v) { maxQueuedBroadcastBytes = v; return this; }

        /** @return the validated configuration */
        public EngineConfig build() {
            return new EngineConfig(probeIntervalMillis, probeTimeoutMillis, indirectChecks, suspicionMult,
                    suspicionMaxTimeoutMult, retransmitMult, gossipIntervalMillis, gossipNodes, gossipToTheDeadMillis,
                    pushPullIntervalMillis, awarenessMaxMultiplier, isolationHoldIntervals, tcpFallbackProbe, suspectOnPortUnreachable, streamTimeoutMillis,
                    packetBudgetBytes, reconnectIntervalMillis, reapIntervalMillis, deadRetentionMillis,
                    leftRetentionMillis, leavePropagateDelayMillis, joinFollowUpSyncMillis, reclaimDeadNames, maxMembers, maxQueuedBroadcasts,
                    maxPendingRelays, maxPendingStreams, metaMaxBytes, maxMemberBytes, maxQueuedBroadcastBytes);
        }
    }
}
