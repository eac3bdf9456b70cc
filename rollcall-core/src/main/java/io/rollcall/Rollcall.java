package io.rollcall;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.EngineCounters;
import io.rollcall.core.engine.RoundTripTimes;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.security.GossipCipher;
import io.rollcall.core.security.GossipKey;
import io.rollcall.core.security.Keyring;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.node.LiveNode;
import io.rollcall.core.transport.TransportConfig;
import io.rollcall.core.view.ChangeFeed;
import io.rollcall.core.view.ViewTracker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Rollcall node: this process's membership in a cluster. Start one with
 * {@link #start(RollcallConfig)}, {@link #join()} a cluster, read the {@link #view()} or
 * {@link #subscribe} to its changes, and {@link #close()} it to leave.
 *
 * <p>Membership model: every member is {@link MemberStatus#ALIVE ALIVE}, {@link MemberStatus#SUSPECT
 * SUSPECT}, {@link MemberStatus#FAILED FAILED} or {@link MemberStatus#LEFT LEFT}, and alive and suspect
 * members are the reachable ones. docs/MODEL.md says exactly when each status is reached and how
 * fast changes spread.
 *
 * <p>Threading: every method is safe to call from any thread. The protocol runs on one thread of its
 * own, and no user code ever runs on it: calls that read or change membership are handed to it and
 * answer quickly; listeners run on their own delivery threads or the executor given (see
 * {@link MembershipListener}); every returned future completes on a callback thread (the
 * {@link RollcallConfig.Builder#callbackExecutor callbackExecutor}, by default a small pool of the
 * node's own), so a dependent stage that blocks delays neither the protocol nor other nodes.
 * docs/API.md states the whole threading contract.
 *
 * <p>Lifecycle: {@link #close()} leaves gracefully and {@link #abort()} stops without a word; either
 * ends every thread and frees both sockets. After that, reads ({@link #view()}, {@link #health()},
 * {@link #changesSince(long)}) answer from the state at the stop; commands ({@link #join()},
 * {@link #leave}, {@link #updateMetadata}, key operations) return a future failed with
 * {@link IllegalStateException}; a new subscription receives the last view and then the end of the
 * stream; futures still pending fail with {@link IllegalStateException}. docs/API.md has the table.
 */
public final class Rollcall implements Membership, AutoCloseable {
    /** Most threads of the default callback pool; they time out when idle. */
    private static final int CALLBACK_THREADS = 4;
    /** Most bytes of a user event's name and payload, encoded: Serf's default UserEventSizeLimit. */
    public static final int USER_EVENT_SIZE_LIMIT_BYTES = io.rollcall.core.serf.SerfSemantics.USER_EVENT_SIZE_LIMIT_BYTES;
    /** Most bytes of an encoded query: Serf's default QuerySizeLimit. */
    public static final int QUERY_SIZE_LIMIT_BYTES = io.rollcall.core.serf.SerfSemantics.QUERY_SIZE_LIMIT_BYTES;
    /** Most bytes of an encoded answer to a query: Serf's default QueryResponseSizeLimit. */
    public static final int QUERY_RESPONSE_SIZE_LIMIT_BYTES = io.rollcall.core.serf.SerfSemantics.QUERY_RESPONSE_SIZE_LIMIT_BYTES;
    /** User events and queries waiting for the {@link ClusterEventListener} before newer ones are dropped. */
    public static final int CLUSTER_EVENT_QUEUE_CAPACITY = 1_024;
    /** Decision records kept per member ({@link #history(String)}); the oldest goes first. */
    public static final int DECISIONS_PER_MEMBER = io.rollcall.core.engine.DecisionRecord.RECORDS_PER_MEMBER;
    /** Decisions waiting for the {@link DecisionListener}s; more are dropped and counted. */
    public static final int DECISION_QUEUE_CAPACITY = 1_024;

    private final RollcallConfig config;
    private final LiveNode node;
    private final ChangeFeed feed;
    private final ExecutorService ownCallbacks;
    private final Executor callbacks;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Health finalHealth;
    private final SeedDiscovery discovery;
    private final ClusterEventDelivery clusterEvents;
    private final DecisionDelivery decisions;

    private Rollcall(RollcallConfig config, LiveNode node, ViewTracker tracker) {
        this.config = config;
        this.node = node;
        this.discovery = new SeedDiscovery(config, node, this::view);
        this.clusterEvents = new ClusterEventDelivery(config.nodeName(), CLUSTER_EVENT_QUEUE_CAPACITY, node);
        this.decisions = new DecisionDelivery(config.nodeName(), DECISION_QUEUE_CAPACITY);
        this.feed = new ChangeFeed(tracker, new ChangeFeed.Owner() {
            @Override
            public <T> T call(java.util.function.Supplier<T> work) {
                return onProtocolThread(e -> work.get());
            }
        }, config.subscriberBufferSize(), "rollcall-" + config.nodeName(), null);
        if (config.callbackExecutor() == null) {
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(CALLBACK_THREADS, CALLBACK_THREADS, 10, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "rollcall-" + config.nodeName() + "-callback-" + count.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            this.ownCallbacks = pool;
        } else {
            this.ownCallbacks = null;
        }
        Executor chosen = ownCallbacks != null ? ownCallbacks : config.callbackExecutor();
        this.callbacks = task -> {
            try {
                chosen.execute(task);
            } catch (RejectedExecutionException e) {
                // Shut down (the node has closed): the completing thread is not the protocol's any more.
                task.run();
            }
        };
    }

    /**
     * Binds the node's UDP and TCP sockets and starts it. The node is alone until {@link #join()}.
     *
     * @param config the configuration
     * @return the running node
     * @throws IOException with a one-line message if the address cannot be bound
     */
    public static Rollcall start(RollcallConfig config) throws IOException {
        ViewTracker tracker = new ViewTracker(config.nodeName(), config.historySize(), io.rollcall.core.transport.SystemClock.INSTANCE);
        Endpoint bind = endpoint(config.bind());
        TransportConfig transport = TransportConfig.of(bind);
        transport = transport.withInboundStreams(transport.maxInboundStreams(), config.maxInboundStreamsPerSource(),
                config.inboundStreamDeadline().toMillis());
        if (config.advertise() != null) {
            transport = transport.withAdvertise(endpoint(config.advertise()));
        }
        io.rollcall.core.codec.CodecConfig codec = transport.codec().withLabel(config.label())
                .withVerifyIncoming(config.gossipVerifyIncoming()).withVerifyOutgoing(config.gossipVerifyOutgoing());
        if (!config.gossipKeys().isEmpty()) {
            List<GossipKey> keys = new ArrayList<>();
            for (String k : config.gossipKeys()) {
                keys.add(GossipKey.parseBase64(k));
            }
            codec = codec.withCipher(new GossipCipher(new Keyring(keys.get(0), keys.subList(1, keys.size()).toArray(new GossipKey[0]))));
        }
        List<io.rollcall.core.transport.CidrRange> allowed = new ArrayList<>();
        for (String cidr : config.allowedNetworks()) {
            allowed.add(io.rollcall.core.transport.CidrRange.parse(cidr));
        }
        // Every limit on what one stream or datagram may make us hold, capped by the memory budget.
        io.rollcall.core.MemoryBudget budget = config.memoryBudget();
        codec = codec.withLimits(codec.limits().cappedAt(budget.streamMessageBytes(), budget.packetDecompressedBytes(),
                budget.inflightStreamBytes()));
        transport = transport.withCodec(codec).withAllowedSources(allowed);
        LiveNode node = LiveNode.start(new LiveNode.Spec(config.nodeName(), SerfTags.encode(config.metadata()),
                config.initialIncarnation(), config.engineConfig(), transport, config.serfCompatible(), tracker,
                selfStore(config.selfStateStore())));
        Rollcall rollcall = new Rollcall(config, node, tracker);
        node.serfApplication(rollcall.clusterEvents);
        node.addListener(rollcall.decisions);
        return rollcall;
    }

    /**
     * Joins the cluster through the configured {@link RollcallConfig#seeds() seeds}: completes at the
     * first seed that answers; if none does, tries again with backoff until
     * {@link RollcallConfig#joinRetryTimeout()} has passed (each attempt asks the seed providers again).
     * The seeds are then kept: joined again while this node is alone, and asked every
     * {@link RollcallConfig#seedRefreshInterval()} for addresses no reachable member holds.
     *
     * @return how many seeds had answered when the join completed (at least 1); fails with
     *         {@link JoinException}, listing each seed's failure, if no attempt succeeded, or with
     *         {@link IllegalStateException} if the node is closed
     */
    public CompletableFuture<Integer> join() {
        return join(config.seeds(), config.joinRetryTimeout());
    }

    /**
     * Joins the cluster through the given seed providers; see {@link #join()}. This node's own address
     * is left out of what they return, so every node can be given the same seeds.
     *
     * <p>Cancelling the returned future only stops the wait: the state exchanges already begun go on.
     *
     * @param seeds    where to find members
     * @param retryFor how long to keep trying when no seed answers (zero: one attempt)
     * @return how many seeds had answered when the join completed (at least 1); fails with
     *         {@link JoinException} listing each seed's failure, or with {@link IllegalStateException}
     *         if the node is closed
     * @throws NullPointerException     if an argument or a seed is null
     * @throws IllegalArgumentException if {@code retryFor} is negative
     */
    public CompletableFuture<Integer> join(List<SeedProvider> seeds, Duration retryFor) {
        Objects.requireNonNull(seeds, "seeds");
        seeds.forEach(seed -> Objects.requireNonNull(seed, "a seed is null"));
        requireNotNegative(retryFor, "retryFor");
        if (isClosed()) {
            return closedFuture();
        }
        return handOff(discovery.join(seeds, retryFor));
    }

    /**
     * Joins the cluster through the given addresses, once: a full state exchange with each, completing
     * at the first that answers. A host name stands for all its A and AAAA records. The addresses are
     * kept as {@link #join()} keeps its seeds.
     *
     * <p>Cancelling the returned future only stops the wait: the state exchanges already begun go on.
     *
     * @param seeds addresses of existing members
     * @return how many seeds had answered when the join completed; fails with {@link JoinException}
     *         listing each seed's failure if none did (within the TCP timeout), or with
     *         {@link IllegalStateException} if the node is closed
     * @throws NullPointerException if {@code seeds} or one of them is null
     */
    public CompletableFuture<Integer> join(Collection<InetSocketAddress> seeds) {
        Objects.requireNonNull(seeds, "seeds");
        List<SeedProvider> providers = new ArrayList<>();
        for (InetSocketAddress seed : seeds) {
            providers.add(SeedProvider.of(List.of(Objects.requireNonNull(seed, "a seed is null"))));
        }
        return join(providers, Duration.ZERO);
    }

    /**
     * Keeps seeds without joining them now (the agent's {@code --retry-join} and the members it
     * remembers): while this node is alone they are joined, with backoff; if {@code heal}, they are also
     * asked every {@link RollcallConfig#seedRefreshInterval()} for addresses no reachable member holds.
     *
     * @param seeds where to find members
     * @param heal  whether to use them to heal partitions once joined too (false for addresses that may
     *              be stale, such as members remembered from an earlier run)
     */
    public void keepJoining(List<SeedProvider> seeds, boolean heal) {
        Objects.requireNonNull(seeds, "seeds");
        seeds.forEach(seed -> Objects.requireNonNull(seed, "a seed is null"));
        discovery.keep(seeds, heal);
    }

    /** @return what seed discovery has done: lookups, join attempts, name conflicts */
    public DiscoveryCounters discoveryCounters() {
        return discovery.counters();
    }

    /**
     * Announces this node's departure; every member will show it {@link MemberStatus#LEFT LEFT}, never
     * failed. The node then only answers (so stragglers can still confirm it left) until
     * {@link #close()}.
     *
     * @param timeout the most to wait for the announcement to go out; zero or more
     * @return completes when the announcement has gone out; fails with {@link TimeoutException} if the
     *         timeout ran out first (the departure was still announced, to fewer members), or with
     *         {@link IllegalStateException} if the node is closed
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public CompletableFuture<Void> leave(Duration timeout) {
        requireNotNegative(timeout, "leave timeout");
        if (isClosed()) {
            return closedFuture();
        }
        return handOff(leaveOnProtocolThread(timeout));
    }

    private CompletableFuture<Void> leaveOnProtocolThread(Duration timeout) {
        // A node that leaves stops looking for members: a rejoin would undo the departure.
        discovery.close();
        if (discovery.nameHeldByAnother()) {
            // Our name belongs to a live member elsewhere: a leave in that name would be about it.
            return CompletableFuture.completedFuture(null);
        }
        return node.leave(timeout.toMillis()).thenCompose(done -> done.timedOut()
                ? CompletableFuture.failedFuture(new TimeoutException("leave announcement not fully sent within " + timeout))
                : CompletableFuture.completedFuture(null));
    }

    @Override
    public MembershipView view() {
        return feed.view();
    }

    @Override
    public Subscription subscribe(MembershipListener listener) {
        return feed.subscribe(listener, null);
    }

    @Override
    public Subscription subscribe(MembershipListener listener, Executor executor) {
        return feed.subscribe(listener, Objects.requireNonNull(executor, "executor"));
    }

    @Override
    public Flow.Publisher<MembershipUpdate> changes() {
        return feed.publisher(null);
    }

    @Override
    public Flow.Publisher<MembershipUpdate> changes(Executor executor) {
        return feed.publisher(Objects.requireNonNull(executor, "executor"));
    }

    @Override
    public CompletableFuture<ClusterMember> whenReachable(String memberName) {
        return feed.whenReachable(memberName);
    }

    @Override
    public Catchup changesSince(long version) {
        return feed.since(version);
    }

    /**
     * Replaces this node's metadata and spreads it to every member.
     *
     * @param metadata the new metadata
     * @return completes when the change is stored (if a {@link SelfStateStore} is set) and queued for
     *         gossip; fails with {@link SelfStateNotStoredException} if it could not be stored, and
     *         then nothing changed, and with {@link IllegalStateException} if the node is closed
     * @throws IllegalArgumentException if it encodes to more than {@value RollcallConfig#METADATA_MAX_BYTES} bytes
     * @throws NullPointerException if {@code metadata}, or a key or value in it, is null
     */
    public CompletableFuture<Void> updateMetadata(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        metadata.forEach((k, v) -> {
            Objects.requireNonNull(k, "a metadata key is null");
            Objects.requireNonNull(v, "the value of metadata key " + k + " is null");
        });
        if (isClosed()) {
            return closedFuture();
        }
        var encoded = SerfTags.encode(metadata);
        if (encoded.length() > RollcallConfig.METADATA_MAX_BYTES) {
            throw new IllegalArgumentException("metadata encodes to " + encoded.length() + " bytes; the limit is "
                    + RollcallConfig.METADATA_MAX_BYTES);
        }
        return handOff(node.call(e -> {
            try {
                e.updateMetadata(encoded);
            } catch (io.rollcall.core.engine.SelfStateNotStoredException refused) {
                throw new SelfStateNotStoredException("metadata not changed: it could not be stored ("
                        + refused.getMessage() + ")", refused);
            }
            return null;
        }));
    }

    /**
     * @return the round-trip times of this node's acknowledged probes, per member and as histograms
     *         (one short task on the protocol thread)
     * @throws IllegalStateException once the node is closed
     */
    public ProbeRoundTrips roundTrips() {
        record EngineSide(RoundTripTimes.PerMember perMember,
                          RoundTripTimes.Histogram directHistogram, RoundTripTimes.Histogram indirectHistogram) {
        }
        EngineSide side = onProtocolThread(e -> new EngineSide(e.roundTripsByMember(),
                e.roundTripTimes().histogram(false), e.roundTripTimes().histogram(true)));
        return Readings.probeRoundTrips(side.perMember(), side.directHistogram(), side.indirectHistogram());
    }

    /**
     * Every member's network coordinate this node holds, its own included: a member's is the one its
     * last directly acknowledged probe carried (Serf agents and Rollcall nodes with Serf semantics put
     * theirs in every ack). Empty when Serf semantics are off ({@link RollcallConfig}), since
     * coordinates are part of them.
     *
     * @return coordinates by member name (one short task on the protocol thread)
     * @throws IllegalStateException once the node is closed
     */
    public Map<String, NetworkCoordinate> coordinates() {
        Map<String, NetworkCoordinate> out = new java.util.HashMap<>();
        joined(node.coordinates()).forEach((name, c) -> out.put(name, NetworkCoordinate.of(c)));
        return Map.copyOf(out);
    }

    /**
     * The estimated round trip between two members from their network coordinates, as {@code serf rtt A B}.
     *
     * @param a a member name
     * @param b another (or the same) member name
     * @return the estimate, or empty if this node holds no coordinate for either
     * @throws IllegalStateException once the node is closed
     */
    public Optional<java.time.Duration> estimatedRtt(String a, String b) {
        Map<String, NetworkCoordinate> all = coordinates();
        NetworkCoordinate ca = all.get(a);
        NetworkCoordinate cb = all.get(b);
        return ca == null || cb == null ? Optional.empty() : Optional.of(ca.estimatedRttTo(cb));
    }

    /** @return this node's health score and traffic counters; after close, as they were at the stop */
    public Health health() {
        Health last = finalHealth;
        if (last != null) {
            return last;
        }
        record EngineSide(int score, EngineCounters.Snapshot counters) {
        }
        EngineSide side;
        try {
            side = onProtocolThread(e -> new EngineSide(e.healthScore(), e.counters()));
        } catch (IllegalStateException | CompletionException stopped) {
            last = finalHealth;
            if (last != null) {
                return last;
            }
            throw stopped;
        }
        return Readings.health(side.score(), side.counters(), node.network().transportCounters(), node.serfDrops(),
                clusterEvents.dropped(), decisions.dropped(), node.network().queueDepth());
    }

    /**
     * Installs a gossip key on every member (Serf's {@code _serf_install-key} query, so Serf agents
     * take part). Rotation: install a new key everywhere, {@link #useKey} it, then remove the old one.
     *
     * @param base64Key the key
     * @return every member's answer; fails with {@link IllegalStateException} if the node is closed
     */
    public CompletableFuture<KeyOperation> installKey(String base64Key) {
        return keyQuery("_serf_install-key", base64Key);
    }

    /**
     * Makes an installed key the one every member encrypts with.
     *
     * @param base64Key the key
     * @return every member's answer
     */
    public CompletableFuture<KeyOperation> useKey(String base64Key) {
        return keyQuery("_serf_use-key", base64Key);
    }

    /**
     * Removes a key from every member; a member refuses to remove its primary key.
     *
     * @param base64Key the key
     * @return every member's answer
     */
    public CompletableFuture<KeyOperation> removeKey(String base64Key) {
        return keyQuery("_serf_remove-key", base64Key);
    }

    /** @return every member's installed and primary keys, counted */
    public CompletableFuture<KeyOperation> listKeys() {
        return keyQuery("_serf_list-keys", null);
    }

    /**
     * Sends a Serf user event to every member, this node included (its {@link ClusterEventListener}
     * sees it too), as {@code serf event NAME PAYLOAD} does.
     *
     * @param name     the event's name
     * @param payload  its payload; name and payload together at most {@value #USER_EVENT_SIZE_LIMIT_BYTES} bytes encoded
     * @param coalesce whether handlers may see only the latest of a burst with this name ({@code serf event}'s default)
     * @return completes once queued for gossip; fails with {@link IllegalArgumentException} if too
     *         large, {@link IllegalStateException} if Serf semantics are off or the node is closed
     * @throws NullPointerException if an argument is null
     */
    public CompletableFuture<Void> sendEvent(String name, byte[] payload, boolean coalesce) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        if (isClosed()) {
            return closedFuture();
        }
        return handOff(node.sendUserEvent(name, io.rollcall.core.Bytes.of(payload.clone()), coalesce));
    }

    /**
     * Asks the cluster a Serf query, as {@code serf query}: every member whose filters match may
     * acknowledge and answer (Serf agents through their query handlers); completes at the timeout with
     * what arrived.
     *
     * @param name    the query's name
     * @param payload its payload; the encoded query at most {@value #QUERY_SIZE_LIMIT_BYTES} bytes
     * @param options filters, acknowledgements, relays and timeout
     * @return the acknowledgements and answers; fails with {@link IllegalArgumentException} (too
     *         large, a bad regular expression) or {@link IllegalStateException} (Serf semantics off,
     *         too many queries in flight, node closed)
     * @throws NullPointerException if an argument is null
     */
    public CompletableFuture<QueryResult> query(String name, byte[] payload, QueryOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(options, "options");
        if (isClosed()) {
            return closedFuture();
        }
        List<io.rollcall.core.Bytes> filters;
        try {
            filters = SerfRequests.filters(options);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        long timeout = options.timeout() != null ? options.timeout().toMillis() : defaultQueryTimeoutMillis();
        List<String> acks = java.util.Collections.synchronizedList(new ArrayList<>());
        List<QueryResult.Response> responses = java.util.Collections.synchronizedList(new ArrayList<>());
        return handOff(node.serfQuery(name, io.rollcall.core.Bytes.of(payload.clone()), filters, options.requestAck(),
                options.relayFactor(), timeout, r -> {
                    if ((r.flags() & SerfMessage.QUERY_FLAG_ACK) != 0) {
                        acks.add(r.from());
                    } else {
                        responses.add(new QueryResult.Response(r.from(), r.payload().toByteArray()));
                    }
                }).thenApply(done -> new QueryResult(acks, responses)));
    }

    /**
     * The last decisions this node made about a member, with their evidence: why it was suspected
     * (this node's probe and its helpers' answers, or who accused it from where), the confirmations
     * that shortened the suspicion, the failure declaration (here, or learned from whom), a
     * refutation, a leave, a rejoin. At most {@link #DECISIONS_PER_MEMBER}, accounted in the member
     * table's memory budget; they go when the member is reaped. {@link DecisionAccount} tells them as
     * text. Our own name gives our own refutations.
     *
     * @param memberName a member's name
     * @return its records, oldest first; empty if none is recorded or the member is not known here
     * @throws IllegalStateException if the node is closed
     */
    public List<Decision> history(String memberName) {
        Objects.requireNonNull(memberName, "memberName");
        return DecisionMapping.all(onProtocolThread(e -> e.decisionRecords(memberName)));
    }

    /**
     * Tells {@code listener} of every decision this node records from now on, about any member, on a
     * delivery thread (never the protocol thread). See {@link DecisionListener} for what happens when
     * listeners fall behind.
     *
     * @param listener the listener
     * @return closes the subscription
     */
    public Subscription subscribeDecisions(DecisionListener listener) {
        return decisions.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * @param listener receives Serf user events and the queries this node is asked, on a delivery
     *                 thread of its own; replaces the one set before; null to stop listening
     */
    public void setClusterEventListener(ClusterEventListener listener) {
        clusterEvents.listener(listener);
    }

    /** Serf's default query timeout: gossip interval × 16 × ceil(log10(members + 1)). */
    private long defaultQueryTimeoutMillis() {
        int members = view().reachable().size();
        return config.engineConfig().gossipIntervalMillis() * 16L * Math.max(1, (long) Math.ceil(Math.log10(members + 1.0)));
    }

    /** @return this node's own keys (base64), the primary first; empty without encryption */
    public List<String> localKeys() {
        if (!(node.network().codecCipher() instanceof GossipCipher gc)) {
            return List.of();
        }
        Keyring.Listing listing = gc.keyring().list();
        List<String> out = new ArrayList<>();
        out.add(listing.primary().toBase64());
        for (GossipKey k : listing.keys()) {
            if (!k.equals(listing.primary())) {
                out.add(k.toBase64());
            }
        }
        return out;
    }

    /**
     * @param listener run on a callback thread after another member's key operation changed this
     *                 node's keys (for example to save them); replaces the one set before
     * @throws NullPointerException if {@code listener} is null
     */
    public void onKeyringChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        node.onKeyringChange(() -> callbacks.execute(listener));
    }

    private CompletableFuture<KeyOperation> keyQuery(String name, String base64Key) {
        if (isClosed()) {
            return closedFuture();
        }
        io.rollcall.core.Bytes payload = SerfRequests.keyRequest(base64Key);
        int members = view().reachable().size();
        long timeout = defaultQueryTimeoutMillis();
        return handOff(node.serfQuery(name, payload, timeout).thenApply(answers -> SerfRequests.keyOperation(members, answers)));
    }

    /** @return the configuration the node runs with */
    public RollcallConfig config() {
        return config;
    }

    @Override
    public String name() {
        return config.nodeName();
    }

    /** @return the address peers use to reach this node (the real port when bound to port 0) */
    public InetSocketAddress address() {
        return node.address().toSocketAddress();
    }

    /**
     * Leaves gracefully, waiting at most the configured {@link RollcallConfig#leaveTimeout() leave
     * timeout} for the announcement, then stops: {@link #close(Duration)} with that timeout.
     */
    @Override
    public void close() {
        close(config.leaveTimeout());
    }

    /**
     * Leaves gracefully, waiting at most {@code timeout} for the departure announcement to go out
     * (every member will show this node {@link MemberStatus#LEFT LEFT}), then stops every thread,
     * closes both sockets, ends every subscription ({@link MembershipListener#onClosed()},
     * {@code onComplete}) and fails every pending future. Returns when all that is done; a second call,
     * or one after {@link #abort()}, returns at once. May be called from a listener or a callback.
     *
     * @param timeout the most to wait for the announcement; {@link Duration#ZERO} stops after one batch
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public void close(Duration timeout) {
        requireNotNegative(timeout, "close timeout");
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            boolean running = node.call(e -> e.phase() == MembershipEngine.Phase.RUNNING).get(2, TimeUnit.SECONDS);
            if (running) {
                leaveOnProtocolThread(timeout).get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // Leaving is best effort on close: a node that cannot announce its departure still must stop.
        }
        stop();
    }

    /**
     * Stops at once without announcing a departure, as a crashed process would: the other members
     * will suspect this node and then declare it {@link MemberStatus#FAILED FAILED}. For tests and
     * crash drills. Otherwise as {@link #close(Duration)}. Idempotent.
     */
    public void abort() {
        if (closing.compareAndSet(false, true)) {
            stop();
        }
    }

    @Override
    public boolean isClosed() {
        return closing.get();
    }

    private void stop() {
        discovery.close();
        clusterEvents.close();
        decisions.close();
        try {
            finalHealth = health();
        } catch (RuntimeException e) {
            finalHealth = null;
        }
        node.close();
        feed.end();
        if (ownCallbacks != null) {
            ownCallbacks.shutdown();
        }
    }

    /**
     * Work for the protocol thread, waited for. The engine completes its futures on that thread, so
     * a caller there (none should be: user code never runs there) would wait for itself.
     */
    private <T> T onProtocolThread(java.util.function.Function<MembershipEngine, T> work) {
        return joined(node.call(work));
    }

    /** Waits for work on the protocol thread; a stopped node's refusal comes out as the IllegalStateException it is. */
    private static <T> T joined(CompletableFuture<T> onProtocol) {
        try {
            return onProtocol.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IllegalStateException stopped) {
                throw stopped;
            }
            throw e;
        }
    }

    /** The same outcome, delivered on a callback thread instead of the protocol thread. */
    private <T> CompletableFuture<T> handOff(CompletableFuture<T> onProtocol) {
        CompletableFuture<T> result = new CompletableFuture<>();
        onProtocol.whenComplete((value, failure) -> callbacks.execute(() -> {
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        }));
        return result;
    }

    private static <T> CompletableFuture<T> closedFuture() {
        return CompletableFuture.failedFuture(new IllegalStateException("node is closed"));
    }

    private static void requireNotNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
    }

    /** The engine's store hook, made of the user's store: its failure becomes the engine's refusal. */
    private static java.util.function.Consumer<io.rollcall.core.engine.SelfState> selfStore(SelfStateStore store) {
        if (store == null) {
            return null;
        }
        return next -> {
            try {
                store.store(next.incarnation(), SerfTags.decode(next.meta()));
            } catch (java.io.IOException | RuntimeException e) {
                throw new io.rollcall.core.engine.SelfStateNotStoredException(e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage());
            }
        };
    }

    private static Endpoint endpoint(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address " + address.getHostString() + " is not an IP address");
        }
        return new Endpoint(address.getAddress(), address.getPort());
    }
}
