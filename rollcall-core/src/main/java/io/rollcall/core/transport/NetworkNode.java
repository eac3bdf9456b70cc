package io.rollcall.core.transport;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
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
import io.rollcall.core.engine.Timer;
import io.rollcall.core.message.Message;
import io.rollcall.core.serf.SerfSemantics;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
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
 * A membership engine on the real network: UDP and TCP on one address and port, speaking
 * memberlist's wire protocol. One protocol thread owns the engine; a UDP receive thread, a TCP
 * accept thread and bounded pools of stream threads hand it work. Everything it starts is stopped
 * by {@link #close()}.
 */
public final class NetworkNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetworkNode.class.getName());
    private static final int MAX_DATAGRAM_BYTES = 65_536;
    private static final int BIND_ATTEMPTS = 20;

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

    private final String name;
    private final TransportConfig transport;
    private final TransportCounters counters = new TransportCounters();
    private final PacketCodec packetCodec;
    private final StreamCodec streamCodec;
    private final ProtocolLoop loop;
    private final MembershipEngine engine;
    private final DatagramChannel udp;
    private final ServerSocket tcp;
    private final Endpoint bound;
    private final Endpoint advertised;
    private final StreamServer streamServer;
    private final StreamClient streamClient;
    private final Thread udpReceiver;
    private final List<Consumer<Notification>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<JoinCompleted>> pendingJoins = new HashMap<>();
    /** The join being started on the protocol thread, until the engine has given it an id. */
    private CompletableFuture<JoinCompleted> joinStarting;
    private final List<CompletableFuture<LeaveCompleted>> pendingLeaves = new ArrayList<>();
    private final SerfSemantics serf;
    private final RefusalLog refusals = new RefusalLog();
    private final ProbeChannel probes;
    private final Consumer<SelfState> selfStore;
    private volatile Runnable keyringListener;
    private volatile boolean closed;

    private NetworkNode(Spec spec) throws IOException {
        this.name = spec.name();
        this.transport = spec.transport();
        this.selfStore = spec.selfStore();
        this.packetCodec = new PacketCodec(transport.codec());
        this.streamCodec = new StreamCodec(transport.codec());
        Clock clock = SystemClock.INSTANCE;
        this.loop = new ProtocolLoop("rollcall-" + name + "-protocol", transport.queueCapacity(), transport.queueReserve(), clock);

        Endpoint bind = transport.bind();
        DatagramChannel channel = null;
        ServerSocket server = null;
        IOException lastFailure = null;
        // UDP and TCP must share a port; with port 0 the one UDP picked may be taken for TCP: retry.
        for (int attempt = 0; attempt < BIND_ATTEMPTS && server == null; attempt++) {
            channel = DatagramChannel.open(bind.ip() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 2 * 1024 * 1024);
                channel.bind(new InetSocketAddress(bind.ip(), bind.port()));
                int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(bind.ip(), port), 128);
            } catch (IOException e) {
                lastFailure = e;
                channel.close();
                if (server != null) {
                    server.close();
                    server = null;
                }
                if (bind.port() != 0) {
                    break;
                }
            }
        }
        if (server == null) {
            throw new IOException("cannot listen on " + bind + " (UDP and TCP): "
                    + (lastFailure == null ? "unknown error" : lastFailure.getMessage()), lastFailure);
        }
        this.udp = channel;
        this.tcp = server;
        this.bound = new Endpoint(bind.ip(), server.getLocalPort());
        this.advertised = Addresses.advertise(transport.advertise(), bound);

        EngineConfig engineConfig = spec.engine().toBuilder()
                .packetBudgetBytes(spec.engine().packetBudgetBytes() - framingOverheadBytes(transport.codec()))
                .build();
        // The protocol's randomness (probe order, gossip targets) needs independence between nodes
        // and runs, not secrecy: SplittableRandom's own seeding gives that without loading the
        // security provider framework at every start. Encryption nonces use SecureRandom.
        this.engine = new MembershipEngine(new LocalIdentity(name, advertised, spec.meta(), spec.incarnation()),
                engineConfig, clock, new SplittableRandom(), new NodeOutbox());
        if (spec.serf()) {
            io.rollcall.core.security.Keyring keyring = transport.codec().cipher() instanceof io.rollcall.core.security.GossipCipher gc
                    ? gc.keyring() : null;
            this.serf = new SerfSemantics(name, keyring, () -> {
                Runnable hook = keyringListener;
                if (hook != null) {
                    hook.run();
                }
            }, new SplittableRandom());
            serf.attach(engine);
            engine.setUserDelegate(serf);
            listeners.add(serf);
        } else {
            this.serf = null;
        }
        if (spec.listener() != null) {
            listeners.add(spec.listener());
        }
        this.streamServer = new StreamServer(name, tcp, streamCodec, transport, engineConfig.streamTimeoutMillis(),
                loop, engine, counters);
        this.streamClient = new StreamClient(name, bind, streamCodec, transport.maxOutboundStreams(),
                engineConfig.streamTimeoutMillis(), loop, engine, counters);
        this.probes = new ProbeChannel(bind.ip(), loop, MAX_DATAGRAM_BYTES, new ProbeSink());
        this.udpReceiver = new Thread(this::receivePackets, "rollcall-" + name + "-udp");
        this.udpReceiver.setDaemon(true);
    }

    /**
     * Binds the sockets and starts the node. It is alone until {@link #join} is called.
     *
     * @param spec what the node is made of
     * @return the running node
     * @throws IOException with a one-line message if the address cannot be bound
     */
    public static NetworkNode start(Spec spec) throws IOException {
        NetworkNode node = new NetworkNode(spec);
        node.loop.start();
        node.udpReceiver.start();
        node.streamServer.start();
        node.loop.call(() -> {
            node.engine.start();
            return null;
        }).join();
        return node;
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
        loop.call(() -> {
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
        }).whenComplete((ignored, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            }
        });
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
        loop.call(() -> {
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
        }).whenComplete((ignored, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            }
        });
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
        return loop.call(() -> query.apply(engine));
    }

    /** @param listener told of every notification on the protocol thread; must not block */
    public void addListener(Consumer<Notification> listener) {
        listeners.add(listener);
    }

    /** @param listener a listener added before */
    public void removeListener(Consumer<Notification> listener) {
        listeners.remove(listener);
    }

    /** @return the address peers use to reach us */
    public Endpoint address() {
        return advertised;
    }

    /** @return the address the sockets are bound to, with the real port */
    public Endpoint boundAddress() {
        return bound;
    }

    /** @return this node's name */
    public String name() {
        return name;
    }

    /** @return Serf's membership Lamport clock, or -1 when Serf semantics are off (read on any thread: approximate) */
    public long serfClock() {
        return serf == null ? -1 : call(e -> serf.clockTime()).join();
    }

    /**
     * @return what Serf semantics refused, by reason (invalid_name, undecodable, lamport_jump), read on
     *         the protocol thread in one go; empty when Serf semantics are off
     */
    public java.util.Map<String, Long> serfDrops() {
        if (serf == null) {
            return java.util.Map.of();
        }
        return call(e -> java.util.Map.of("invalid_name", serf.invalidNames(), "undecodable", serf.undecodable(),
                "lamport_jump", serf.lamportJumps())).join();
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
    public CompletableFuture<List<io.rollcall.core.message.SerfMessage.QueryResponse>> serfQuery(String name, Bytes payload,
                                                                                          long timeoutMillis) {
        if (serf == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Serf semantics are off on this node"));
        }
        CompletableFuture<List<io.rollcall.core.message.SerfMessage.QueryResponse>> done = new CompletableFuture<>();
        List<io.rollcall.core.message.SerfMessage.QueryResponse> answers = new ArrayList<>();
        loop.call(() -> {
            long id = serf.startQuery(name, payload, timeoutMillis * 1_000_000L, answers::add);
            if (id < 0) {
                done.completeExceptionally(new IllegalStateException("too many queries in flight"));
                return null;
            }
            loop.schedule(timeoutMillis, () -> {
                serf.endQuery(id);
                done.complete(List.copyOf(answers));
            });
            return null;
        }).whenComplete((ignored, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    /** @return the cipher datagrams and streams are protected with, or null */
    public io.rollcall.core.codec.PacketCipher codecCipher() {
        return transport.codec().cipher();
    }

    /** @return traffic and drop counters */
    public TransportCounters transportCounters() {
        return counters;
    }

    /** @return work waiting for the protocol thread */
    public int queueDepth() {
        return loop.queueDepth();
    }

    /** @return received work dropped because the protocol thread was saturated */
    public long queueRejections() {
        return loop.rejectedTasks();
    }

    /**
     * Stops at once, without announcing a departure (call {@link #leave} first for a graceful exit).
     * Closes both sockets and ends every thread the node started.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.call(() -> {
                engine.stop();
                probes.close();
                return null;
            }).get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "engine stop on close: " + e);
        }
        try {
            udp.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing UDP: " + e);
        }
        streamServer.close();
        streamClient.close();
        loop.stop(2_000);
        try {
            udpReceiver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CompletableFuture<JoinCompleted> f : pendingJoins.values()) {
            f.completeExceptionally(new IllegalStateException("node closed"));
        }
        for (CompletableFuture<LeaveCompleted> f : pendingLeaves) {
            f.completeExceptionally(new IllegalStateException("node closed"));
        }
    }

    /** Label and encryption take room in every datagram; like memberlist we do not count the CRC. */
    private static int framingOverheadBytes(io.rollcall.core.codec.CodecConfig codec) {
        int label = codec.labelBytes().length;
        int overhead = label == 0 ? 0 : 2 + label;
        if (codec.cipher() != null) {
            overhead += codec.cipher().encryptedLength(0);
        }
        return overhead;
    }

    // ------------------------------------------------------------------ datagrams

    private void receivePackets() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM_BYTES + 1);
        while (!closed) {
            InetSocketAddress source;
            try {
                buffer.clear();
                source = (InetSocketAddress) udp.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "UDP receive on " + bound + " failed: " + e.getMessage());
                }
                continue;
            }
            if (source == null) {
                continue;
            }
            buffer.flip();
            List<Message> messages = decode(source, buffer);
            if (messages == null) {
                continue;
            }
            if (!loop.offerTraffic(() -> deliver(source, messages))) {
                counters.drop(TransportCounters.TransportDrop.RECEIVE_QUEUE_FULL);
            }
        }
    }

    /** The messages of a received datagram, or null if it is refused or carries none (counted). */
    private List<Message> decode(InetSocketAddress source, ByteBuffer buffer) {
        if (!transport.allows(source.getAddress())) {
            counters.drop(TransportCounters.TransportDrop.SOURCE_NOT_ALLOWED);
            refusals.noteNotAllowed(source);
            return null;
        }
        byte[] datagram = new byte[buffer.remaining()];
        buffer.get(datagram);
        counters.received(datagram.length, false);
        DecodeResult result = packetCodec.decode(datagram);
        counters.decoded(result);
        if (!result.drops().isEmpty()) {
            refusals.note(source, result.drops().get(0));
        }
        return result.messages().isEmpty() ? null : result.messages();
    }

    /** Hands a datagram's messages to the engine; on the protocol thread. */
    private void deliver(InetSocketAddress source, List<Message> messages) {
        Endpoint from = new Endpoint(source.getAddress(), source.getPort());
        for (Message m : messages) {
            engine.handlePacket(from, m);
        }
    }

    /** What the probe socket reports, on the protocol thread. */
    private final class ProbeSink implements ProbeChannel.Sink {
        @Override
        public void unreachable(long seqNo) {
            engine.handleProbeUnreachable(seqNo);
        }

        @Override
        public void received(InetSocketAddress source, ByteBuffer datagram) {
            List<Message> messages = decode(source, datagram);
            if (messages != null) {
                deliver(source, messages);
            }
        }
    }

    /** The engine's effects, carried out on the protocol thread. */
    private final class NodeOutbox implements Outbox {
        @Override
        public void sendPacket(Endpoint to, List<Message> messages) {
            byte[] datagram = encode(to, messages);
            if (datagram != null) {
                sendShared(to, datagram, messages);
            }
        }

        @Override
        public void sendProbe(long seqNo, Endpoint to, List<Message> messages) {
            byte[] datagram = encode(to, messages);
            if (datagram == null) {
                return;
            }
            if (engine.config().suspectOnPortUnreachable() && probes.send(seqNo, to, datagram)) {
                sent(datagram, messages);
            } else {
                sendShared(to, datagram, messages);
            }
        }

        @Override
        public void probeEnded(long seqNo) {
            probes.end(seqNo);
        }

        /** The datagram for {@code messages}, or null if the node is closed or encoding failed (counted). */
        private byte[] encode(Endpoint to, List<Message> messages) {
            if (closed) {
                return null;
            }
            try {
                return packetCodec.encode(messages, transport.crcOnSend());
            } catch (RuntimeException e) {
                counters.drop(TransportCounters.TransportDrop.SEND_ERROR);
                LOG.log(Level.DEBUG, "encoding a datagram to " + to + " failed: " + e.getMessage());
                return null;
            }
        }

        /** Sends from the node's own UDP socket. */
        private void sendShared(Endpoint to, byte[] datagram, List<Message> messages) {
            try {
                udp.send(ByteBuffer.wrap(datagram), to.toSocketAddress());
                sent(datagram, messages);
            } catch (IOException | RuntimeException e) {
                counters.drop(TransportCounters.TransportDrop.SEND_ERROR);
                LOG.log(Level.DEBUG, "sending to " + to + " failed: " + e.getMessage());
            }
        }

        private void sent(byte[] datagram, List<Message> messages) {
            counters.sent(datagram.length, false);
            counters.encoded(messages);
        }

        @Override
        public void sendStream(long requestId, Endpoint to, Message request) {
            streamClient.request(requestId, to, request);
        }

        @Override
        public void setTimer(Timer timer, long delayMillis) {
            loop.schedule(delayMillis, timer, () -> engine.handleTimer(timer));
        }

        @Override
        public void cancelTimer(Timer timer) {
            loop.cancel(timer);
        }

        @Override
        public void storeSelf(SelfState next) {
            if (selfStore != null) {
                selfStore.accept(next);
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
}
