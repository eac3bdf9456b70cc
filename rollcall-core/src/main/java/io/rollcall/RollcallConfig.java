package io.rollcall;

import io.rollcall.core.Endpoint;
import io.rollcall.core.MemoryBudget;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.EngineConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link Rollcall} node needs, immutable; build one with {@link #builder(String)}.
 * Timing starts from a {@link Profile} (memberlist's LAN, WAN or local configuration) and any field
 * can be overridden. Invalid settings are rejected by {@link Builder#build()} with a one-line message
 * naming the setting.
 */
public final class RollcallConfig {
    /** Default port for UDP and TCP, as memberlist's. */
    public static final int DEFAULT_PORT = 7946;
    /** Most bytes of encoded metadata (memberlist's limit). */
    public static final int METADATA_MAX_BYTES = 512;
    /** Default {@link #maxInboundStreamsPerSource()}: room for a few nodes behind one NAT address. */
    public static final int DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE =
            io.rollcall.core.transport.TransportConfig.DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE;
    /** Largest starting incarnation: one below the wire format's 32-bit maximum, so a refutation still fits. */
    public static final long MAX_INITIAL_INCARNATION = 0xFFFF_FFFEL;

    private final String nodeName;
    private final InetSocketAddress bind;
    private final InetSocketAddress advertise;
    private final List<SeedProvider> seeds;
    private final Duration joinRetryTimeout;
    private final Duration joinBackoffInitial;
    private final Duration joinBackoffMax;
    private final Duration seedRefreshInterval;
    private final Map<String, String> metadata;
    private final Profile profile;
    private final EngineConfig engine;
    private final boolean serfCompatible;
    private final long initialIncarnation;
    private final int subscriberBufferSize;
    private final int historySize;
    private final Duration leaveTimeout;
    private final List<String> gossipKeys;
    private final boolean gossipVerifyIncoming;
    private final boolean gossipVerifyOutgoing;
    private final String label;
    private final List<String> allowedNetworks;
    private final int maxInboundStreamsPerSource;
    private final Duration inboundStreamDeadline;
    private final SelfStateStore selfStateStore;
    private final java.util.concurrent.Executor callbackExecutor;
    private final MemoryBudget memoryBudget;

    private RollcallConfig(Builder b, MemoryBudget memoryBudget) {
        this.memoryBudget = memoryBudget;
        this.maxInboundStreamsPerSource = b.maxInboundStreamsPerSource;
        this.inboundStreamDeadline = b.inboundStreamDeadline;
        this.selfStateStore = b.selfStateStore;
        this.callbackExecutor = b.callbackExecutor;
        this.gossipKeys = List.copyOf(b.gossipKeys);
        this.gossipVerifyIncoming = b.gossipVerifyIncoming;
        this.gossipVerifyOutgoing = b.gossipVerifyOutgoing;
        this.label = b.label;
        this.allowedNetworks = List.copyOf(b.allowedNetworks);
        this.nodeName = b.nodeName;
        this.bind = b.bind;
        this.advertise = b.advertise;
        this.seeds = List.copyOf(b.seeds);
        this.joinRetryTimeout = b.joinRetryTimeout;
        this.joinBackoffInitial = b.joinBackoffInitial;
        this.joinBackoffMax = b.joinBackoffMax;
        this.seedRefreshInterval = b.seedRefreshInterval;
        this.metadata = Map.copyOf(b.metadata);
        this.profile = b.profile;
        this.engine = b.engineConfig();
        this.serfCompatible = b.serfCompatible;
        this.initialIncarnation = b.initialIncarnation;
        this.subscriberBufferSize = b.subscriberBufferSize;
        this.historySize = b.historySize;
        this.leaveTimeout = b.leaveTimeout;
    }

    /**
     * @param nodeName this node's name, unique in the cluster
     * @return a builder with the LAN profile and every default
     */
    public static Builder builder(String nodeName) {
        return new Builder(nodeName);
    }

    /** @return a builder holding this configuration */
    public Builder toBuilder() {
        Builder b = new Builder(nodeName);
        b.bind = bind;
        b.advertise = advertise;
        b.seeds.addAll(seeds);
        b.joinRetryTimeout = joinRetryTimeout;
        b.joinBackoffInitial = joinBackoffInitial;
        b.joinBackoffMax = joinBackoffMax;
        b.seedRefreshInterval = seedRefreshInterval;
        b.metadata.putAll(metadata);
        b.profile = profile;
        b.overrides = engine.toBuilder();
        b.serfCompatible = serfCompatible;
        b.initialIncarnation = initialIncarnation;
        b.subscriberBufferSize = subscriberBufferSize;
        b.historySize = historySize;
        b.leaveTimeout = leaveTimeout;
        b.gossipKeys.addAll(gossipKeys);
        b.gossipVerifyIncoming = gossipVerifyIncoming;
        b.gossipVerifyOutgoing = gossipVerifyOutgoing;
        b.label = label;
        b.allowedNetworks.addAll(allowedNetworks);
        b.maxInboundStreamsPerSource = maxInboundStreamsPerSource;
        b.inboundStreamDeadline = inboundStreamDeadline;
        b.selfStateStore = selfStateStore;
        b.callbackExecutor = callbackExecutor;
        b.memoryBudgetBytes = memoryBudget.totalBytes();
        return b;
    }

    /** @return where our own incarnation and metadata are stored before they are gossiped, or null */
    public SelfStateStore selfStateStore() {
        return selfStateStore;
    }

    /**
     * @return where the node's futures complete (and keyring callbacks run), or null for a small
     *         pool of the node's own
     */
    public java.util.concurrent.Executor callbackExecutor() {
        return callbackExecutor;
    }

    /**
     * @return the heap peers may make this node fill, in bytes: members, streams being decoded,
     *         decompressed data and queued gossip are all accounted against it, and whatever would
     *         exceed it is refused and counted. By default {@value MemoryBudget#DEFAULT_PERCENT_OF_HEAP}%
     *         of the maximum heap ({@code -Xmx})
     */
    public long memoryBudgetBytes() {
        return memoryBudget.totalBytes();
    }

    /** @return the budget with its shares */
    MemoryBudget memoryBudget() {
        return memoryBudget;
    }

    /** @return gossip encryption keys (base64), the primary first; empty means no encryption */
    public List<String> gossipKeys() {
        return gossipKeys;
    }

    /** @return whether unencrypted input is refused when keys are set (memberlist's GossipVerifyIncoming) */
    public boolean gossipVerifyIncoming() {
        return gossipVerifyIncoming;
    }

    /** @return whether output is encrypted when keys are set (memberlist's GossipVerifyOutgoing) */
    public boolean gossipVerifyOutgoing() {
        return gossipVerifyOutgoing;
    }

    /** @return the cluster label (memberlist 0.3+), or empty for none */
    public String label() {
        return label;
    }

    /** @return networks (CIDR) peers may send from; empty allows all */
    public List<String> allowedNetworks() {
        return allowedNetworks;
    }

    /** @return most TCP requests served at once from one address (IPv6: one /64) */
    public int maxInboundStreamsPerSource() {
        return maxInboundStreamsPerSource;
    }

    /** @return longest life of one inbound TCP request, from accept to reply */
    public Duration inboundStreamDeadline() {
        return inboundStreamDeadline;
    }

    /** @return this node's name */
    public String nodeName() {
        return nodeName;
    }

    /** @return where to listen (UDP and TCP); default 0.0.0.0:7946 */
    public InetSocketAddress bind() {
        return bind;
    }

    /** @return the address peers are told to use, or null to derive it from the bind address */
    public InetSocketAddress advertise() {
        return advertise;
    }

    /**
     * @return where {@link Rollcall#join()} finds members to join; asked again at every retry and every
     *         {@link #seedRefreshInterval()}, to heal partitions
     */
    public List<SeedProvider> seeds() {
        return seeds;
    }

    /**
     * @return how long {@link Rollcall#join()} keeps retrying, with backoff, when no seed answers before
     *         it fails with {@link JoinException}; zero (the default) means one attempt
     */
    public Duration joinRetryTimeout() {
        return joinRetryTimeout;
    }

    /** @return the first wait between join attempts (default 1 s); it doubles up to {@link #joinBackoffMax()} */
    public Duration joinBackoffInitial() {
        return joinBackoffInitial;
    }

    /** @return the longest wait between join attempts while the node is alone (default 30 s) */
    public Duration joinBackoffMax() {
        return joinBackoffMax;
    }

    /**
     * @return how often, once joined, the seeds are asked again and any address not held by a reachable
     *         member is joined (new records, a changed address, the other side of a partition); default 60 s
     */
    public Duration seedRefreshInterval() {
        return seedRefreshInterval;
    }

    /** @return this node's metadata */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the timing preset the configuration started from */
    public Profile profile() {
        return profile;
    }

    /** @return time between probes (the protocol period) */
    public Duration probeInterval() {
        return Duration.ofMillis(engine.probeIntervalMillis());
    }

    /** @return wait for a direct probe answer before asking others to probe */
    public Duration probeTimeout() {
        return Duration.ofMillis(engine.probeTimeoutMillis());
    }

    /** @return connect and read timeout of every TCP exchange */
    public Duration tcpTimeout() {
        return Duration.ofMillis(engine.streamTimeoutMillis());
    }

    /** @return the suspicion timeout multiplier (docs/MODEL.md, section 3) */
    public int suspicionMultiplier() {
        return engine.suspicionMult();
    }

    /** @return how long failed members are kept (and retried) before removal */
    public Duration failedRetention() {
        return Duration.ofMillis(engine.deadRetentionMillis());
    }

    /** @return how long left members are kept before removal */
    public Duration leftRetention() {
        return Duration.ofMillis(engine.leftRetentionMillis());
    }

    /** @return whether Serf's semantics are spoken (docs/WIRE.md) */
    public boolean serfCompatible() {
        return serfCompatible;
    }

    /** @return the incarnation to start at */
    public long initialIncarnation() {
        return initialIncarnation;
    }

    /** @return changes buffered per subscriber before it is resynchronised with a snapshot */
    public int subscriberBufferSize() {
        return subscriberBufferSize;
    }

    /** @return changes kept for {@link Rollcall#changesSince(long)} */
    public int historySize() {
        return historySize;
    }

    /** @return how long {@link Rollcall#close()} waits for the departure to be announced */
    public Duration leaveTimeout() {
        return leaveTimeout;
    }

    /** @return every setting as text, for logs and diagnostics */
    @Override
    public String toString() {
        return "RollcallConfig{node=" + nodeName + ", bind=" + bind + ", advertise=" + advertise + ", seeds=" + seeds
                + ", joinRetryTimeout=" + joinRetryTimeout + ", joinBackoff=" + joinBackoffInitial + ".." + joinBackoffMax
                + ", seedRefreshInterval=" + seedRefreshInterval
                + ", metadata=" + metadata + ", profile=" + profile + ", serfCompatible=" + serfCompatible
                + ", initialIncarnation=" + initialIncarnation + ", subscriberBufferSize=" + subscriberBufferSize
                + ", historySize=" + historySize + ", leaveTimeout=" + leaveTimeout + ", memoryBudget=" + memoryBudget
                + ", engine=" + engine + "}";
    }

    /** @return the engine's configuration, its limits on what peers may make it hold taken from the budget */
    EngineConfig engineConfig() {
        return engine.toBuilder().maxMemberBytes(Math.min(engine.maxMemberBytes(), memoryBudget.memberBytes()))
                .maxQueuedBroadcastBytes(Math.min(engine.maxQueuedBroadcastBytes(), memoryBudget.broadcastBytes()))
                .build();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final String nodeName;
        private InetSocketAddress bind = new InetSocketAddress("0.0.0.0", DEFAULT_PORT);
        private InetSocketAddress advertise;
        private final List<SeedProvider> seeds = new ArrayList<>();
        private Duration joinRetryTimeout = Duration.ZERO;
        private Duration joinBackoffInitial = Duration.ofSeconds(1);
        private Duration joinBackoffMax = Duration.ofSeconds(30);
        private Duration seedRefreshInterval = Duration.ofSeconds(60);
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private Profile profile = Profile.LAN;
        private EngineConfig.Builder overrides;
        private boolean serfCompatible = true;
        private long initialIncarnation = 1;
        private SelfStateStore selfStateStore;
        private int subscriberBufferSize = 1_024;
        private int historySize = 4_096;
        private Duration leaveTimeout = Duration.ofSeconds(5);
        private final List<String> gossipKeys = new ArrayList<>();
        private boolean gossipVerifyIncoming = true;
        private boolean gossipVerifyOutgoing = true;
        private String label = "";
        private final List<String> allowedNetworks = new ArrayList<>();
        private int maxInboundStreamsPerSource = DEFAULT_MAX_INBOUND_STREAMS_PER_SOURCE;
        private Duration inboundStreamDeadline =
                Duration.ofMillis(io.rollcall.core.transport.TransportConfig.DEFAULT_INBOUND_STREAM_DEADLINE_MILLIS);
        private java.util.concurrent.Executor callbackExecutor;

        /** Engine field name to the builder setting that sets it. */
        private static final Map<String, String> PUBLIC_NAMES = Map.ofEntries(
                Map.entry("probeIntervalMillis", "probeInterval"),
                Map.entry("probeTimeoutMillis", "probeTimeout"),
                Map.entry("gossipIntervalMillis", "gossipInterval"),
                Map.entry("pushPullIntervalMillis", "pushPullInterval"),
                Map.entry("streamTimeoutMillis", "tcpTimeout"),
                Map.entry("reconnectIntervalMillis", "reconnectInterval"),
                Map.entry("deadRetentionMillis", "failedRetention"),
                Map.entry("leftRetentionMillis", "leftRetention"),
                Map.entry("indirectChecks", "indirectChecks"),
                Map.entry("suspicionMult", "suspicionMultiplier"),
                Map.entry("suspicionMaxTimeoutMult", "suspicionMaxTimeoutMultiplier"),
                Map.entry("retransmitMult", "retransmitMultiplier"),
                Map.entry("gossipNodes", "gossipNodes"));

        /** 0: derived from the maximum heap when built. */
        private long memoryBudgetBytes;

        private Builder(String nodeName) {
            this.nodeName = nodeName;
        }

        /**
         * @param address where to listen; port 0 picks a free one
         * @return this
         */
        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "bind");
            return this;
        }

        /**
         * @param address "ip:port", "[v6]:port" or a bare IP (port 7946); IP literals only
         * @return this
         */
        public Builder bind(String address) {
            return bind(Endpoint.parse(address, DEFAULT_PORT).toSocketAddress());
        }

        /**
         * @param address the address peers are told to use (port 0: the bound port)
         * @return this
         */
        public Builder advertise(InetSocketAddress address) {
            this.advertise = address;
            return this;
        }

        /**
         * @param address "ip:port" or a bare IP
         * @return this
         */
        public Builder advertise(String address) {
            return advertise(Endpoint.parse(address, 0).toSocketAddress());
        }

        /**
         * @param address a member to join through (an unresolved one is resolved to all its records at
         *                each attempt); repeatable
         * @return this
         */
        public Builder seed(InetSocketAddress address) {
            return seedProvider(SeedProvider.of(List.of(Objects.requireNonNull(address, "seed"))));
        }

        /**
         * @param address any address {@link SeedProvider#parse(String)} accepts: {@code ip[:port]},
         *                {@code host[:port]}, {@code dns+NAME:PORT}, {@code dnssrv+_SERVICE._PROTO.NAME}
         *                (port 7946 if none); repeatable
         * @return this
         * @throws IllegalArgumentException if it is not an address
         */
        public Builder seed(String address) {
            return seedProvider(SeedProvider.parse(address, DEFAULT_PORT));
        }

        /**
         * @param provider a source of seed addresses, asked at every join attempt and refresh; repeatable
         * @return this
         */
        public Builder seedProvider(SeedProvider provider) {
            seeds.add(Objects.requireNonNull(provider, "seed provider"));
            return this;
        }

        /**
         * @param d how long {@link Rollcall#join()} keeps retrying when no seed answers (zero: one attempt)
         * @return this
         */
        public Builder joinRetryTimeout(Duration d) {
            this.joinRetryTimeout = Objects.requireNonNull(d, "joinRetryTimeout");
            return this;
        }

        /**
         * @param initial the first wait between join attempts
         * @param max     the longest, reached by doubling
         * @return this
         */
        public Builder joinBackoff(Duration initial, Duration max) {
            this.joinBackoffInitial = Objects.requireNonNull(initial, "initial backoff");
            this.joinBackoffMax = Objects.requireNonNull(max, "max backoff");
            return this;
        }

        /**
         * @param d how often, once joined, seeds are asked again to pick up changed records and heal partitions
         * @return this
         */
        public Builder seedRefreshInterval(Duration d) {
            this.seedRefreshInterval = Objects.requireNonNull(d, "seedRefreshInterval");
            return this;
        }

        /**
         * @param key metadata key
         * @param value metadata value
         * @return this
         */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param all metadata entries, replacing any set before
         * @return this
         */
        public Builder metadata(Map<String, String> all) {
            metadata.clear();
            metadata.putAll(all);
            return this;
        }

        /**
         * @param preset timing preset; resets every timing override made before
         * @return this
         */
        public Builder profile(Profile preset) {
            this.profile = Objects.requireNonNull(preset, "profile");
            this.overrides = null;
            return this;
        }

        private EngineConfig.Builder timing() {
            if (overrides == null) {
                overrides = base(profile).toBuilder();
            }
            return overrides;
        }

        /**
         * @param d time between probes
         * @return this
         */
        public Builder probeInterval(Duration d) {
            timing().probeIntervalMillis(millis(d, "probeInterval"));
            return this;
        }

        /**
         * @param d direct probe timeout
         * @return this
         */
        public Builder probeTimeout(Duration d) {
            timing().probeTimeoutMillis(millis(d, "probeTimeout"));
            return this;
        }

        /**
         * @param n members asked to probe indirectly
         * @return this
         */
        public Builder indirectChecks(int n) {
            timing().indirectChecks(n);
            return this;
        }

        /**
         * @param n suspicion timeout multiplier
         * @return this
         */
        public Builder suspicionMultiplier(int n) {
            timing().suspicionMult(n);
            return this;
        }

        /**
         * @param n maximum suspicion timeout as a multiple of the minimum
         * @return this
         */
        public Builder suspicionMaxTimeoutMultiplier(int n) {
            timing().suspicionMaxTimeoutMult(n);
            return this;
        }

        /**
         * @param n gossip retransmission multiplier
         * @return this
         */
        public Builder retransmitMultiplier(int n) {
            timing().retransmitMult(n);
            return this;
        }

        /**
         * @param d time between gossip rounds
         * @return this
         */
        public Builder gossipInterval(Duration d) {
            timing().gossipIntervalMillis(millis(d, "gossipInterval"));
            return this;
        }

        /**
         * @param n members per gossip round
         * @return this
         */
        public Builder gossipNodes(int n) {
            timing().gossipNodes(n);
            return this;
        }

        /**
         * @param d base time between full state exchanges
         * @return this
         */
        public Builder pushPullInterval(Duration d) {
            timing().pushPullIntervalMillis(millis(d, "pushPullInterval"));
            return this;
        }

        /**
         * @param d TCP connect and read timeout
         * @return this
         */
        public Builder tcpTimeout(Duration d) {
            timing().streamTimeoutMillis(millis(d, "tcpTimeout"));
            return this;
        }

        /**
         * @param d how often failed members and seeds are retried, to heal partitions
         * @return this
         */
        public Builder reconnectInterval(Duration d) {
            timing().reconnectIntervalMillis(millis(d, "reconnectInterval"));
            return this;
        }

        /**
         * @param d how long failed members are kept
         * @return this
         */
        public Builder failedRetention(Duration d) {
            timing().deadRetentionMillis(millis(d, "failedRetention"));
            return this;
        }

        /**
         * @param d how long left members are kept
         * @return this
         */
        public Builder leftRetention(Duration d) {
            timing().leftRetentionMillis(millis(d, "leftRetention"));
            return this;
        }

        /**
         * @param on speak Serf's semantics (default true)
         * @return this
         */
        public Builder serfCompatible(boolean on) {
            this.serfCompatible = on;
            return this;
        }

        /**
         * @param incarnation where to start; a restarted node passes one above its last
         * @return this
         */
        public Builder initialIncarnation(long incarnation) {
            this.initialIncarnation = incarnation;
            return this;
        }

        /**
         * @param store where our own incarnation and metadata are stored, written through, before they
         *              are gossiped (see {@link SelfStateStore}); null (the default) keeps nothing
         * @return this
         */
        public Builder selfStateStore(SelfStateStore store) {
            this.selfStateStore = store;
            return this;
        }

        /**
         * @param size changes buffered per subscriber
         * @return this
         */
        public Builder subscriberBufferSize(int size) {
            this.subscriberBufferSize = size;
            return this;
        }

        /**
         * @param size changes kept for catching up
         * @return this
         */
        public Builder historySize(int size) {
            this.historySize = size;
            return this;
        }

        /**
         * @param timeout how long close() waits for the departure announcement
         * @return this
         */
        public Builder leaveTimeout(Duration timeout) {
            this.leaveTimeout = Objects.requireNonNull(timeout, "leaveTimeout");
            return this;
        }

        /**
         * Encrypts gossip with AES-GCM exactly as memberlist and Serf do.
         *
         * @param base64Keys keys of 16, 24 or 32 bytes in base64 (as {@code serf keygen} prints them); the
         *                   first encrypts, all are tried to decrypt
         * @return this
         */
        public Builder gossipKeys(List<String> base64Keys) {
            gossipKeys.clear();
            gossipKeys.addAll(base64Keys);
            return this;
        }

        /**
         * @param verify false only while migrating a cluster to encryption: accept unencrypted input too
         * @return this
         */
        public Builder gossipVerifyIncoming(boolean verify) {
            this.gossipVerifyIncoming = verify;
            return this;
        }

        /**
         * @param verify false only while migrating a cluster to encryption: send unencrypted
         * @return this
         */
        public Builder gossipVerifyOutgoing(boolean verify) {
            this.gossipVerifyOutgoing = verify;
            return this;
        }

        /**
         * Keeps clusters apart: a labelled node drops traffic without its label. memberlist before 0.3
         * (Serf 0.9.4 included) rejects labelled traffic, so it is off by default.
         *
         * @param clusterLabel 1 to 255 bytes, or empty for none
         * @return this
         */
        public Builder label(String clusterLabel) {
            this.label = Objects.requireNonNull(clusterLabel, "label");
            return this;
        }

        /**
         * @param cidrs networks peers may send from ({@code 10.0.0.0/8}); traffic from elsewhere is
         *              dropped and counted; empty allows all
         * @return this
         */
        public Builder allowedNetworks(List<String> cidrs) {
            allowedNetworks.clear();
            allowedNetworks.addAll(cidrs);
            return this;
        }

        /**
         * Bounds what one address can hold of the 128 TCP requests served at once (push/pull, fallback
         * pings, reliable user messages). A newcomer beyond it takes the place of that address's oldest
         * request still arriving, so a slow sender only ever displaces itself. Raise it when many nodes
         * reach this one through one NAT address.
         *
         * @param n from 1 to 128 (default 8)
         * @return this
         */
        public Builder maxInboundStreamsPerSource(int n) {
            this.maxInboundStreamsPerSource = n;
            return this;
        }

        /**
         * @param d longest life of one inbound TCP request, from accept to reply, however steadily its
         *          bytes trickle in (default 10 s); the connection is closed and counted then
         * @return this
         */
        public Builder inboundStreamDeadline(Duration d) {
            this.inboundStreamDeadline = d;
            return this;
        }

        /**
         * Where every future the node returns completes, and so where dependent stages without an
         * executor of their own run. By default a small pool of the node's own daemon threads, never
         * the protocol thread. An executor that runs tasks on the calling thread
         * ({@code Runnable::run}) brings back the protocol thread: a stage that blocks then stops
         * the node's failure detection.
         *
         * @param executor the executor, or null for the default
         * @return this
         */
        public Builder callbackExecutor(java.util.concurrent.Executor executor) {
            this.callbackExecutor = executor;
            return this;
        }

        /**
         * @param bytes the heap peers may make this node fill (see {@link RollcallConfig#memoryBudgetBytes()});
         *              at least {@value MemoryBudget#MIN_BYTES} and at most
         *              {@value MemoryBudget#MAX_PERCENT_OF_HEAP}% of the maximum heap
         * @return this
         */
        public Builder memoryBudgetBytes(long bytes) {
            this.memoryBudgetBytes = bytes;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public RollcallConfig build() {
            NodeNames.requireValid(nodeName);
            int metaBytes = SerfTags.encode(metadata).length();
            if (metaBytes > METADATA_MAX_BYTES) {
                throw new IllegalArgumentException("metadata encodes to " + metaBytes + " bytes; the limit is " + METADATA_MAX_BYTES);
            }
            if (initialIncarnation < 1 || initialIncarnation > MAX_INITIAL_INCARNATION) {
                throw new IllegalArgumentException("initialIncarnation must be within 1.." + MAX_INITIAL_INCARNATION + ", got "
                        + initialIncarnation);
            }
            if (subscriberBufferSize < 1 || subscriberBufferSize > 1_000_000) {
                throw new IllegalArgumentException("subscriberBufferSize must be within 1..1000000, got " + subscriberBufferSize);
            }
            if (historySize < 0 || historySize > 1_000_000) {
                throw new IllegalArgumentException("historySize must be within 0..1000000, got " + historySize);
            }
            if (joinRetryTimeout.isNegative()) {
                throw new IllegalArgumentException("joinRetryTimeout must not be negative, got " + joinRetryTimeout);
            }
            if (joinBackoffInitial.toMillis() < 1 || joinBackoffMax.compareTo(joinBackoffInitial) < 0) {
                throw new IllegalArgumentException("join backoff must be at least 1 ms and its maximum at least its initial wait, got "
                        + joinBackoffInitial + " and " + joinBackoffMax);
            }
            if (seedRefreshInterval.toMillis() < 100) {
                throw new IllegalArgumentException("seedRefreshInterval must be at least 100 ms, got " + seedRefreshInterval);
            }
            if (leaveTimeout.isNegative()) {
                throw new IllegalArgumentException("leaveTimeout must not be negative");
            }
            for (String key : gossipKeys) {
                io.rollcall.core.security.GossipKey.parseBase64(key);
            }
            if (label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("label is longer than 255 bytes");
            }
            for (String cidr : allowedNetworks) {
                io.rollcall.core.transport.CidrRange.parse(cidr);
            }
            if (maxInboundStreamsPerSource < 1 || maxInboundStreamsPerSource > 128) {
                throw new IllegalArgumentException("maxInboundStreamsPerSource must be within 1..128, got "
                        + maxInboundStreamsPerSource);
            }
            if (inboundStreamDeadline.toMillis() < 1) {
                throw new IllegalArgumentException("inboundStreamDeadline must be at least 1 ms, got " + inboundStreamDeadline);
            }
            try {
                engineConfig();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(publicNames(e.getMessage()));
            }
            long maxHeap = Runtime.getRuntime().maxMemory();
            MemoryBudget budget;
            if (memoryBudgetBytes == 0) {
                budget = MemoryBudget.forHeap(maxHeap);
            } else {
                budget = new MemoryBudget(memoryBudgetBytes);
                String problem = budget.problemWithHeap(maxHeap);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
            }
            return new RollcallConfig(this, budget);
        }

        private static long millis(Duration d, String setting) {
            return Objects.requireNonNull(d, setting).toMillis();
        }

        /**
         * The engine names its fields; a user set them through this builder, under other names and
         * as durations: say it in the builder's words.
         */
        private static String publicNames(String engineMessage) {
            String m = engineMessage;
            for (Map.Entry<String, String> e : PUBLIC_NAMES.entrySet()) {
                String field = e.getKey();
                if (field.endsWith("Millis")) {
                    m = m.replaceAll("\\b" + field + " \\((-?\\d+)\\)", e.getValue() + " ($1 ms)")
                            .replaceAll("\\b" + field + "( must [^,]*, got -?\\d+)", e.getValue() + "$1 ms");
                }
                m = m.replaceAll("\\b" + field + "\\b", e.getValue());
            }
            return m;
        }

        private EngineConfig engineConfig() {
            return overrides == null ? base(profile) : overrides.build();
        }

        private static EngineConfig base(Profile p) {
            return switch (p) {
                case LAN -> EngineConfig.lan();
                case WAN -> EngineConfig.wan();
                case LOCAL -> EngineConfig.local();
            };
        }
    }
}
