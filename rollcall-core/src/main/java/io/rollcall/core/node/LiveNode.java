package io.rollcall.core.node;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.engine.Clock;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.LeaveCompleted;
import io.rollcall.core.engine.LocalIdentity;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Outbox;
import io.rollcall.core.engine.SelfState;
import io.rollcall.core.engine.SelfStateNotStoredException;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.security.GossipCipher;
import io.rollcall.core.security.Keyring;
import io.rollcall.core.coordinate.Coordinate;
import io.rollcall.core.serf.SerfApplication;
import io.rollcall.core.serf.SerfCoordinates;
import io.rollcall.core.serf.SerfSemantics;
import io.rollcall.core.transport.NetworkNode;
import io.rollcall.core.transport.TransportConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A membership engine live on the real network, assembled: the engine, the UDP/TCP driver
 * ({@link NetworkNode}), Serf's semantics when enabled, and the listeners told of every notification.
 * It turns commands into futures (join, leave, Serf queries) and completes them from the engine's
 * notifications. Everything runs on the driver's protocol thread; {@link #close()} stops it all.
 */
public final class LiveNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LiveNode.class.getName());

    /**
     * What a node is made of.
     *
     * @param name        node name
     * @param meta        initial metadata
     * @param incarnation starting incarnation
     * @param engine      protocol timing and limits
     * @param transport   network settings
     * @param serf        speak Serf's semantics (intents, Lamport clocks, user state) so Serf agents see
     *                    this node's departures as "left" and its tags; off for clusters of plain
     *                    memberlist applications that do not expect Serf's user messages
     * @param listener    told of every notification on the protocol thread (must not block), or null
     * @param selfStore   stores our own state before it is gossiped ({@link Outbox#storeSelf}), on the
     *                    protocol thread; it throws {@link SelfStateNotStoredException} to refuse a change.
     *                    Null to keep nothing
     */
    public record Spec(String name, Bytes meta, long incarnation, EngineConfig engine, TransportConfig transport,
                       boolean serf, Consumer<Notification> listener, Consumer<SelfState> selfStore) {
        /** Validates the fields. */
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(meta, "meta");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(transport, "transport");
        }

        /** A node that keeps nothing of its own state across restarts. */
        public Spec(String name, Bytes meta, long incarnation, EngineConfig engine, TransportConfig transport,
                    boolean serf, Consumer<Notification> listener) {
            this(name, meta, incarnation, engine, transport, serf, listener, null);
        }
    }

    private final Spec spec;
    private final List<Consumer<Notification>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<JoinCompleted>> pendingJoins = new HashMap<>();
    /** The join being started on the protocol thread, until the engine has given it an id. */
    private CompletableFuture<JoinCompleted> joinStarting;
    private final List<CompletableFuture<LeaveCompleted>> pendingLeaves = new ArrayList<>();
    private volatile Runnable keyringListener;
    // Set once, by the driver's call to Assembly.engine, before the driver starts any thread.
    private MembershipEngine engine;
    private volatile SerfSemantics serf;
    private volatile SerfCoordinates coordinates;
    private volatile NameConflictVote conflictVote;
    private final NetworkNode network;

    private LiveNode(Spec spec) throws IOException {
        this.spec = spec;
        this.network = NetworkNode.start(spec.name(), spec.transport(), new Assembly());
    }

    /**
     * Binds the sockets and starts the node. It is alone until {@link #join} is called.
     *
     * @param spec what the node is made of
     * @return the running node
     * @throws IOException with a one-line message if the address cannot be bound
     */
    public static LiveNode start(Spec spec) throws IOException {
        return new LiveNode(Objects.requireNonNull(spec, "spec"));
    }

    /** Builds the engine and its Serf semantics once the driver knows the address; takes the engine's notifications. */
    private final class Assembly implements NetworkNode.Owner {
        @Override
        public MembershipEngine engine(Endpoint advertised, int framingOverheadBytes, Clock clock, Outbox outbox) {
            EngineConfig engineConfig = spec.engine().toBuilder()
                    .packetBudgetBytes(spec.engine().packetBudgetBytes() - framingOverheadBytes)
                    .build();
            // The protocol's randomness (probe order, gossip targets) needs independence between nodes
            // and runs, not secrecy: SplittableRandom's own seeding gives that without loading the
            // security provider framework at every start. Encryption nonces use SecureRandom.
            engine = new MembershipEngine(new LocalIdentity(spec.name(), advertised, spec.meta(), spec.incarnation()),
                    engineConfig, clock, new SplittableRandom(), outbox);
            if (spec.serf()) {
                Keyring keyring = spec.transport().codec().cipher() instanceof GossipCipher gc ? gc.keyring() : null;
                serf = new SerfSemantics(spec.name(), keyring, () -> {
                    Runnable hook = keyringListener;
                    if (hook != null) {
                        hook.run();
                    }
                }, new SplittableRandom(), clock);
                serf.attach(engine);
                engine.setUserDelegate(serf);
                listeners.add(serf);
                coordinates = new SerfCoordinates(spec.name(), new SplittableRandom());
                engine.setPingDelegate(coordinates);
                listeners.add(coordinates);
                conflictVote = new NameConflictVote(spec.name(), advertised, engineConfig.gossipIntervalMillis(),
                        engine::liveMemberCount, (name, payload, timeoutMillis, sink) ->
                        serfQuery(name, payload, List.of(), false, 0, timeoutMillis, sink));
                listeners.add(conflictVote);
            }
            if (spec.listener() != null) {
                listeners.add(spec.listener());
            }
            return engine;
        }

        @Override
        public void storeSelf(SelfState next) {
            if (spec.selfStore() != null) {
                spec.selfStore().accept(next);
            }
        }

        @Override
        public void notify(Notification notification) {
            if (notification instanceof JoinCompleted joined) {
                CompletableFuture<JoinCompleted> f = pendingJoins.remove(joined.joinId());
                if (f == null) {
                    f = joinStarting;
                }
                if (f != null) {
                    f.complete(joined);
                }
            } else if (notification instanceof LeaveCompleted left) {
                for (CompletableFuture<LeaveCompleted> f : pendingLeaves) {
                    f.complete(left);
                }
                pendingLeaves.clear();
            }
            for (Consumer<Notification> l : listeners) {
                try {
                    l.accept(notification);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "membership listener failed: " + e, e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ commands

    /**
     * Joins through the given seeds: a state exchange with each.
     *
     * @param seeds existing members
     * @return completes when every seed has answered or failed (bounded by the stream timeout)
     */
    public CompletableFuture<JoinCompleted> join(Collection<Endpoint> seeds) {
        List<Endpoint> copy = List.copyOf(seeds);
        CompletableFuture<JoinCompleted> done = new CompletableFuture<>();
        network.call(() -> {
            // The engine may finish a join inside join() (every seed is ourselves): registered first.
            joinStarting = done;
            try {
                long id = engine.join(copy);
                if (!done.isDone()) {
                    pendingJoins.put(id, done);
                }
            } finally {
                joinStarting = null;
            }
            return null;
        }).whenComplete((ignored, failure) -> failInto(done, failure));
        return done;
    }

    /**
     * Announces our departure and completes when it has gone out (or the timeout ran out).
     *
     * @param timeoutMillis the most to wait for the announcement to go out
     * @return the outcome
     */
    public CompletableFuture<LeaveCompleted> leave(long timeoutMillis) {
        CompletableFuture<LeaveCompleted> done = new CompletableFuture<>();
        network.call(() -> {
            if (engine.phase() == MembershipEngine.Phase.LEFT) {
                done.complete(new LeaveCompleted(false));
            } else {
                pendingLeaves.add(done);
                if (serf != null && engine.phase() == MembershipEngine.Phase.RUNNING) {
                    serf.beforeLeave();
                }
                engine.leave(timeoutMillis);
            }
            return null;
        }).whenComplete((ignored, failure) -> failInto(done, failure));
        return done;
    }

    /**
     * Runs {@code query} against the engine on the protocol thread.
     *
     * @param query what to read or do (must not block)
     * @param <T>   result type
     * @return its result
     */
    public <T> CompletableFuture<T> call(Function<MembershipEngine, T> query) {
        return network.call(() -> query.apply(engine));
    }

    /** @param listener told of every notification on the protocol thread; must not block */
    public void addListener(Consumer<Notification> listener) {
        listeners.add(listener);
    }

    /** @param listener a listener added before */
    public void removeListener(Consumer<Notification> listener) {
        listeners.remove(listener);
    }

    /** @return Serf's membership Lamport clock, or -1 when Serf semantics are off */
    public long serfClock() {
        return serf == null ? -1 : network.call(serf::clockTime).join();
    }

    /**
     * @return what Serf semantics refused, by reason (invalid_name, undecodable, lamport_jump), read on
     *         the protocol thread in one go; empty when Serf semantics are off
     */
    public Map<String, Long> serfDrops() {
        if (serf == null) {
            return Map.of();
        }
        return network.call(() -> {
            Map<String, Long> all = new java.util.TreeMap<>(serf.refusals());
            all.put("invalid_name", serf.invalidNames());
            all.put("undecodable", serf.undecodable());
            all.put("lamport_jump", serf.lamportJumps());
            coordinates.drops().forEach((reason, n) -> all.put("coordinate_" + reason, n));
            return Map.copyOf(all);
        }).join();
    }

    /**
     * @return every member's network coordinate we hold (ours included), read on the protocol thread;
     *         empty when Serf semantics (and so coordinates) are off
     */
    public CompletableFuture<Map<String, Coordinate>> coordinates() {
        SerfCoordinates held = coordinates;
        return held == null ? CompletableFuture.completedFuture(Map.of()) : network.call(held::all);
    }

    /** @return our name-conflict votes' outcomes; none when Serf semantics are off */
    public ConflictVotes conflictVotes() {
        NameConflictVote vote = conflictVote;
        return vote == null ? new ConflictVotes(0, 0) : new ConflictVotes(vote.won(), vote.lost());
    }

    /**
     * @param app where admitted Serf user events and user queries go (called on the protocol thread:
     *            it must hand them off at once); ignored when Serf semantics are off
     */
    public void serfApplication(SerfApplication app) {
        if (serf != null) {
            network.call(() -> {
                serf.setApplication(app);
                return null;
            }).join();
        }
    }

    /**
     * Sends a Serf user event to the cluster and to ourselves.
     *
     * @return completes once queued; fails with IllegalArgumentException (too large) or
     *         IllegalStateException (Serf semantics off, node stopped)
     */
    public CompletableFuture<Void> sendUserEvent(String eventName, Bytes payload, boolean coalesce) {
        if (serf == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Serf semantics are off on this node"));
        }
        return network.call(() -> {
            String refused = serf.sendUserEvent(eventName, payload, coalesce);
            if (refused != null) {
                throw new IllegalArgumentException(refused);
            }
            return null;
        });
    }

    /**
     * Answers a Serf user query handed to the application.
     *
     * @return completes once sent; fails with IllegalArgumentException saying why not
     */
    public CompletableFuture<Void> respond(SerfApplication.ReceivedQuery query, Bytes answer) {
        return network.call(() -> {
            String refused = serf.respond(query, answer);
            if (refused != null) {
                throw new IllegalArgumentException(refused);
            }
            return null;
        });
    }

    /**
     * Asks the cluster a Serf query with filters, acknowledgements and relays, and passes every
     * node's first acknowledgement and answer to {@code sink} (on the protocol thread) until the timeout.
     *
     * @return completes at the timeout; fails with IllegalArgumentException (too large) or
     *         IllegalStateException (Serf semantics off, too many in flight)
     */
    public CompletableFuture<Void> serfQuery(String queryName, Bytes payload, List<Bytes> filters, boolean requestAck,
                                             int relayFactor, long timeoutMillis,
                                             Consumer<SerfMessage.QueryResponse> sink) {
        if (serf == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Serf semantics are off on this node"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        network.call(() -> {
            Object started = serf.startQuery(queryName, payload, filters, requestAck, relayFactor,
                    timeoutMillis * 1_000_000L, sink);
            if (!(started instanceof Long id)) {
                String why = String.valueOf(started);
                done.completeExceptionally(why.startsWith("too many") ? new IllegalStateException(why)
                        : new IllegalArgumentException(why));
                return null;
            }
            network.schedule(timeoutMillis, () -> {
                serf.endQuery(id);
                done.complete(null);
            });
            return null;
        }).whenComplete((ignored, failure) -> failInto(done, failure));
        return done;
    }

    /**
     * @param listener run (on the protocol thread) after a Serf key query changed the keyring, for
     *                 example to save it to a file
     */
    public void onKeyringChange(Runnable listener) {
        this.keyringListener = listener;
    }

    /**
     * Asks the whole cluster a Serf query and gathers the answers that arrive within the timeout.
     *
     * @param name          query name
     * @param payload       query payload
     * @param timeoutMillis how long to gather answers
     * @return every answer, ours included; fails if Serf semantics are off or too many queries are in flight
     */
    public CompletableFuture<List<SerfMessage.QueryResponse>> serfQuery(String name, Bytes payload, long timeoutMillis) {
        // Filled on the protocol thread, read after the timeout: the loop's hand-off orders the two.
        List<SerfMessage.QueryResponse> answers = new ArrayList<>();
        return serfQuery(name, payload, List.of(), false, 0, timeoutMillis, answers::add)
                .thenApply(done -> List.copyOf(answers));
    }

    private static void failInto(CompletableFuture<?> done, Throwable failure) {
        if (failure != null) {
            done.completeExceptionally(failure);
        }
    }

    // ------------------------------------------------------------------ the driver's facts

    /** @return the address peers use to reach us */
    public Endpoint address() {
        return network.address();
    }

    /** @return this node's name */
    public String name() {
        return spec.name();
    }

    /** @return the UDP/TCP driver: its bound address, cipher, counters and queue */
    public NetworkNode network() {
        return network;
    }

    /**
     * Stops at once, without announcing a departure (call {@link #leave} first for a graceful exit).
     * Closes both sockets, ends every thread the node started and fails the futures still pending.
     */
    @Override
    public void close() {
        network.close();
        // The protocol thread has stopped: nothing completes these any more.
        for (CompletableFuture<JoinCompleted> f : pendingJoins.values()) {
            f.completeExceptionally(new IllegalStateException("node closed"));
        }
        for (CompletableFuture<LeaveCompleted> f : pendingLeaves) {
            f.completeExceptionally(new IllegalStateException("node closed"));
        }
    }
}
