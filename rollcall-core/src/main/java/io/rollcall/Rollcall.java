package io.rollcall;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.EngineCounters;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.StreamFailure;
import io.rollcall.core.message.MessageType;
import io.rollcall.core.security.GossipCipher;
import io.rollcall.core.security.GossipKey;
import io.rollcall.core.security.Keyring;
import io.rollcall.core.serf.SerfMessage;
import io.rollcall.core.transport.NetworkNode;
import io.rollcall.core.transport.TransportConfig;
import io.rollcall.core.transport.TransportCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * own; calls that read or change membership are handed to it and answer quickly, but must not be made
 * from inside a {@link MembershipListener} if that listener's delay matters to you. Listeners run on
 * their own delivery threads (see {@link MembershipListener}). {@link #close()} ends every thread and
 * frees both sockets.
 */
public final class Rollcall implements AutoCloseable {
    private final RollcallConfig config;
    private final NetworkNode node;
    private final ViewTracker tracker;
    private final Set<SubscriberChannel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicInteger subscriberCount = new AtomicInteger();
    private volatile MembershipView finalView;
    private volatile boolean closed;

    private Rollcall(RollcallConfig config, NetworkNode node, ViewTracker tracker) {
        this.config = config;
        this.node = node;
        this.tracker = tracker;
    }

    /**
     * Binds the node's UDP and TCP sockets and starts it. The node is alone until {@link #join()}.
     *
     * @param config the configuration
     * @return the running node
     * @throws IOException with a one-line message if the address cannot be bound
     */
    public static Rollcall start(RollcallConfig config) throws IOException {
        ViewTracker tracker = new ViewTracker(config.nodeName(), config.historySize(), Clock.systemUTC());
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
        transport = transport.withCodec(codec).withAllowedSources(allowed);
        NetworkNode node = NetworkNode.start(new NetworkNode.Spec(config.nodeName(), SerfTags.encode(config.metadata()),
                config.initialIncarnation(), config.engineConfig(), transport, config.serfCompatible(), tracker,
                selfStore(config.selfStateStore())));
        return new Rollcall(config, node, tracker);
    }

    /**
     * Joins the cluster through the configured seeds.
     *
     * @return how many seeds answered; fails with {@link JoinException} if none did
     */
    public CompletableFuture<Integer> join() {
        return join(config.seeds());
    }

    /**
     * Joins the cluster through the given seeds: a full state exchange with each. Host names are
     * resolved on the calling thread. The seeds are also remembered and retried while any member is
     * failed, which heals partitions.
     *
     * @param seeds addresses of existing members
     * @return how many seeds answered; fails with {@link JoinException} listing each seed's failure if
     *         none did (within the TCP timeout)
     */
    public CompletableFuture<Integer> join(Collection<InetSocketAddress> seeds) {
        List<Endpoint> resolved = new ArrayList<>();
        List<JoinException.SeedFailure> unresolvable = new ArrayList<>();
        for (InetSocketAddress seed : seeds) {
            InetSocketAddress s = seed.isUnresolved() ? new InetSocketAddress(seed.getHostString(), seed.getPort()) : seed;
            if (s.isUnresolved()) {
                unresolvable.add(new JoinException.SeedFailure(seed.getHostString() + ":" + seed.getPort(),
                        JoinException.Reason.UNRESOLVED, "cannot resolve host name"));
            } else {
                resolved.add(new Endpoint(s.getAddress(), s.getPort()));
            }
        }
        if (resolved.isEmpty()) {
            return CompletableFuture.failedFuture(new JoinException(unresolvable));
        }
        return node.join(resolved).thenCompose(result -> {
            if (result.succeeded() > 0) {
                return CompletableFuture.completedFuture(result.succeeded());
            }
            List<JoinException.SeedFailure> failures = new ArrayList<>(unresolvable);
            for (JoinCompleted.SeedFailure f : result.seedFailures()) {
                failures.add(new JoinException.SeedFailure(f.seed().toString(), reason(f.failure().kind()),
                        f.failure().reason()));
            }
            return CompletableFuture.failedFuture(new JoinException(failures));
        });
    }

    /**
     * Announces this node's departure; every member will show it {@link MemberStatus#LEFT LEFT}, never
     * failed. The node then only answers (so stragglers can still confirm it left) until
     * {@link #close()}.
     *
     * @param timeout the most to wait for the announcement to go out
     * @return completes when the announcement has gone out; fails with {@link TimeoutException} if the
     *         timeout ran out first (the departure was still announced, to fewer members)
     */
    public CompletableFuture<Void> leave(Duration timeout) {
        return node.leave(timeout.toMillis()).thenCompose(done -> done.timedOut()
                ? CompletableFuture.failedFuture(new TimeoutException("leave announcement not fully sent within " + timeout))
                : CompletableFuture.completedFuture(null));
    }

    /** @return this node's view now: a consistent snapshot at one version */
    public MembershipView view() {
        MembershipView last = finalView;
        if (last != null) {
            return last;
        }
        try {
            return node.call(e -> tracker.snapshot()).join();
        } catch (CompletionException e) {
            MembershipView after = finalView;
            if (after != null) {
                return after;
            }
            throw new IllegalStateException("node is closed", e);
        }
    }

    /**
     * Subscribes to membership changes: the listener first receives the current view, then every
     * change in order, on a delivery thread of its own (see {@link MembershipListener}).
     *
     * @param listener the listener
     * @return the subscription; close it to stop
     */
    public Subscription subscribe(MembershipListener listener) {
        if (closed) {
            throw new IllegalStateException("node is closed");
        }
        String threadName = "rollcall-" + config.nodeName() + "-subscriber-" + subscriberCount.incrementAndGet();
        SubscriberChannel[] holder = new SubscriberChannel[1];
        SubscriberChannel channel = node.call(e -> {
            SubscriberChannel c = new SubscriberChannel(threadName, listener, config.subscriberBufferSize(),
                    tracker.snapshot(), () -> unsubscribe(holder[0]));
            tracker.add(c);
            return c;
        }).join();
        holder[0] = channel;
        channels.add(channel);
        channel.start();
        return channel;
    }

    /**
     * Completes when the named member is reachable (alive or suspect) in this node's view: at once if it
     * already is. Combine with {@link CompletableFuture#orTimeout} to bound the wait.
     *
     * @param memberName the member to wait for
     * @return the member as first seen reachable
     */
    public CompletableFuture<ClusterMember> whenReachable(String memberName) {
        CompletableFuture<ClusterMember> result = new CompletableFuture<>();
        Subscription subscription = subscribe(new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                view.member(memberName).filter(ClusterMember::isReachable).ifPresent(result::complete);
            }

            @Override
            public void onChange(MembershipChange change) {
                if (change.member().name().equals(memberName) && change.member().isReachable()) {
                    result.complete(change.member());
                }
            }
        });
        // Closing from the delivery thread itself is allowed; it only stops further delivery.
        result.whenComplete((member, failure) -> subscription.close());
        return result;
    }

    /**
     * Every change after {@code version}, for a caller that kept a version and wants to catch up.
     *
     * @param version a version the caller has seen
     * @return the changes since, or, when the bounded history no longer reaches back that far or the
     *         version is newer than any this node has had (one kept from before a restart), the
     *         current view to start over from
     */
    public Catchup changesSince(long version) {
        return node.call(e -> tracker.since(version)).join();
    }

    /**
     * Replaces this node's metadata and spreads it to every member.
     *
     * @param metadata the new metadata
     * @return completes when the change is stored (if a {@link SelfStateStore} is set) and queued for
     *         gossip; fails with {@link SelfStateNotStoredException} if it could not be stored, and
     *         then nothing changed
     * @throws IllegalArgumentException if it encodes to more than {@value RollcallConfig#METADATA_MAX_BYTES} bytes
     */
    public CompletableFuture<Void> updateMetadata(Map<String, String> metadata) {
        var encoded = SerfTags.encode(metadata);
        if (encoded.length() > RollcallConfig.METADATA_MAX_BYTES) {
            throw new IllegalArgumentException("metadata encodes to " + encoded.length() + " bytes; the limit is "
                    + RollcallConfig.METADATA_MAX_BYTES);
        }
        return node.call(e -> {
            try {
                e.updateMetadata(encoded);
            } catch (io.rollcall.core.engine.SelfStateNotStoredException refused) {
                throw new SelfStateNotStoredException("metadata not changed: it could not be stored ("
                        + refused.getMessage() + ")", refused);
            }
            return null;
        });
    }

    /** @return this node's health score and traffic counters */
    public Health health() {
        record EngineSide(int score, EngineCounters.Snapshot counters) {
        }
        EngineSide side = node.call(e -> new EngineSide(e.healthScore(), e.counters())).join();
        EngineCounters.Snapshot c = side.counters();
        TransportCounters t = node.transportCounters();
        Map<String, Long> dropped = new TreeMap<>();
        c.drops().forEach((k, v) -> dropped.put("engine." + k.name().toLowerCase(Locale.ROOT), v));
        t.decodeDrops().forEach((k, v) -> {
            if (v > 0) {
                dropped.put("codec." + k.name().toLowerCase(Locale.ROOT), v);
            }
        });
        t.transportDrops().forEach((k, v) -> {
            if (v > 0) {
                dropped.put("transport." + k.name().toLowerCase(Locale.ROOT), v);
            }
        });
        return new Health(side.score(), c.probesSent(), c.probesFailed(), c.probesUnreachable(), c.suspicionsRaised(), c.deathsDeclared(),
                c.refutations(), byType(t.messagesIn()), byType(t.messagesOut()), t.bytesIn(), t.bytesOut(), dropped,
                node.queueDepth());
    }

    /**
     * Installs a gossip key on every member (Serf's {@code _serf_install-key} query, so Serf agents
     * take part). Rotation: install a new key everywhere, {@link #useKey} it, then remove the old one.
     *
     * @param base64Key the key
     * @return every member's answer
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

    /** @return this node's own keys (base64), the primary first; empty without encryption */
    public List<String> localKeys() {
        if (!(node.codecCipher() instanceof GossipCipher gc)) {
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

    /** @param listener run after another member's key operation changed this node's keys */
    public void onKeyringChange(Runnable listener) {
        node.onKeyringChange(listener);
    }

    private CompletableFuture<KeyOperation> keyQuery(String name, String base64Key) {
        io.rollcall.core.Bytes payload = io.rollcall.core.Bytes.EMPTY;
        if (base64Key != null) {
            GossipKey key = GossipKey.parseBase64(base64Key);
            payload = io.rollcall.core.Bytes.of(io.rollcall.core.codec.SerfCodec.encodeKeyRequest(
                    new SerfMessage.KeyRequest(io.rollcall.core.Bytes.of(key.bytes()))));
        }
        int members = view().reachable().size();
        // Serf's query timeout: gossip interval x 16 x ceil(log10(N + 1)).
        long timeout = config.engineConfig().gossipIntervalMillis() * 16L
                * Math.max(1, (long) Math.ceil(Math.log10(members + 1.0)));
        return node.serfQuery(name, payload, timeout).thenApply(answers -> {
            Map<String, String> failures = new TreeMap<>();
            Map<String, Integer> keys = new TreeMap<>();
            Map<String, Integer> primaries = new TreeMap<>();
            java.util.Set<String> answered = new java.util.HashSet<>();
            for (SerfMessage.QueryResponse a : answers) {
                if ((a.flags() & SerfMessage.QUERY_FLAG_ACK) != 0 || !answered.add(a.from())) {
                    continue;
                }
                if (!(io.rollcall.core.codec.SerfCodec.decode(a.payload().toByteArray()) instanceof SerfMessage.KeyResponse r)) {
                    failures.put(a.from(), "unreadable answer");
                    continue;
                }
                if (!r.result()) {
                    failures.put(a.from(), r.message());
                    continue;
                }
                r.keys().forEach(k -> keys.merge(k, 1, Integer::sum));
                if (!r.primaryKey().isEmpty()) {
                    primaries.merge(r.primaryKey(), 1, Integer::sum);
                }
            }
            return new KeyOperation(members, answered.size(), failures, keys, primaries);
        });
    }

    /** @return the configuration the node runs with */
    public RollcallConfig config() {
        return config;
    }

    /** @return this node's name */
    public String name() {
        return config.nodeName();
    }

    /** @return the address peers use to reach this node (the real port when bound to port 0) */
    public InetSocketAddress address() {
        return node.address().toSocketAddress();
    }

    /**
     * Leaves gracefully (waiting at most the configured leave timeout), then stops every thread,
     * closes both sockets and ends every subscription. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            boolean running = node.call(e -> e.phase() == MembershipEngine.Phase.RUNNING).join();
            if (running) {
                leave(config.leaveTimeout()).get(config.leaveTimeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // Leaving is best effort on close: a node that cannot announce its departure still must stop.
        }
        try {
            finalView = node.call(e -> tracker.snapshot()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            finalView = null;
        }
        for (SubscriberChannel c : List.copyOf(channels)) {
            c.close();
        }
        node.close();
    }

    private void unsubscribe(SubscriberChannel channel) {
        channels.remove(channel);
        if (!closed) {
            node.call(e -> {
                tracker.remove(channel);
                return null;
            });
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

    private static JoinException.Reason reason(StreamFailure.Kind kind) {
        return switch (kind) {
            case REFUSED -> JoinException.Reason.REFUSED;
            case TIMED_OUT -> JoinException.Reason.TIMED_OUT;
            case REJECTED -> JoinException.Reason.REJECTED;
            case FAILED -> JoinException.Reason.FAILED;
        };
    }

    private static Map<String, Long> byType(Map<MessageType, Long> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v > 0) {
                out.put(k.name().toLowerCase(Locale.ROOT), v);
            }
        });
        return out;
    }

    private static Endpoint endpoint(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address " + address.getHostString() + " is not an IP address");
        }
        return new Endpoint(address.getAddress(), address.getPort());
    }
}
