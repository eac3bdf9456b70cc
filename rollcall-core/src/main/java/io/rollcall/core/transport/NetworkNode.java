package io.rollcall.core.transport;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.engine.Clock;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Outbox;
import io.rollcall.core.engine.SelfState;
import io.rollcall.core.engine.Timer;
import io.rollcall.core.message.Message;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The UDP/TCP driver of one membership engine: UDP and TCP on one address and port, speaking
 * memberlist's wire protocol. It binds the sockets, carries out the engine's effects (datagrams,
 * probes, streams, timers) and hands it what arrives. One protocol thread owns the engine; a UDP
 * receive thread, a TCP accept thread and bounded pools of stream threads hand it work. Everything
 * it starts is stopped by {@link #close()}.
 *
 * <p>It knows nothing of what the engine is used for: the {@link Owner} builds the engine once the
 * address is known and takes the effects that are not I/O (storing our own state, notifications).
 * {@code io.rollcall.core.node.LiveNode} is that owner, with Serf's semantics and the listeners.
 */
public final class NetworkNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetworkNode.class.getName());
    private static final int MAX_DATAGRAM_BYTES = 65_536;
    private static final int BIND_ATTEMPTS = 20;

    /** Who the node drives an engine for. Called on the protocol thread, except {@link #engine}. */
    public interface Owner {
        /**
         * Builds the engine, once the sockets are bound; called once, on the starting thread.
         *
         * @param advertised           the address peers reach us at (the real port when bound to port 0)
         * @param framingOverheadBytes what the label and encryption take from every datagram: the
         *                             engine's packet budget must leave that much free
         * @param clock                the system clock, for the engine
         * @param outbox               carries out the engine's effects: I/O here, {@link #storeSelf}
         *                             and {@link #notify} to this owner
         * @return the engine to drive, built with {@code outbox} and {@code clock}
         */
        MembershipEngine engine(Endpoint advertised, int framingOverheadBytes, Clock clock, Outbox outbox);

        /**
         * @param next our own state, to store before it is gossiped ({@link Outbox#storeSelf})
         */
        void storeSelf(SelfState next);

        /** @param notification an engine notification ({@link Outbox#notify}); must not block */
        void notify(Notification notification);
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
    private final RefusalLog refusals = new RefusalLog();
    private final ProbeChannel probes;
    private final Owner owner;
    private volatile boolean closed;

    private NetworkNode(String name, TransportConfig transport, Owner owner) throws IOException {
        this.name = Objects.requireNonNull(name, "name");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.owner = Objects.requireNonNull(owner, "owner");
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

        MembershipEngine built;
        try {
            built = owner.engine(advertised, framingOverheadBytes(transport.codec()), clock, new NodeOutbox());
        } catch (RuntimeException e) {
            udp.close();
            tcp.close();
            throw e;
        }
        this.engine = built;
        long streamTimeoutMillis = engine.config().streamTimeoutMillis();
        this.streamServer = new StreamServer(name, tcp, streamCodec, transport, streamTimeoutMillis,
                loop, engine, counters);
        this.streamClient = new StreamClient(name, bind, streamCodec, transport.maxOutboundStreams(),
                streamTimeoutMillis, loop, engine, counters);
        this.probes = new ProbeChannel(bind.ip(), loop, MAX_DATAGRAM_BYTES, new ProbeSink());
        this.udpReceiver = new Thread(this::receivePackets, "rollcall-" + name + "-udp");
        this.udpReceiver.setDaemon(true);
    }

    /**
     * Binds the sockets, has the owner build the engine, and starts driving it.
     *
     * @param name      node name, for thread names and messages
     * @param transport network settings
     * @param owner     builds the engine and takes its notifications
     * @return the running node
     * @throws IOException with a one-line message if the address cannot be bound
     */
    public static NetworkNode start(String name, TransportConfig transport, Owner owner) throws IOException {
        NetworkNode node = new NetworkNode(name, transport, owner);
        node.loop.start();
        node.udpReceiver.start();
        node.streamServer.start();
        node.loop.call(() -> {
            node.engine.start();
            return null;
        }).join();
        return node;
    }

    /**
     * Runs {@code work} on the protocol thread, the only one that may touch the engine.
     *
     * @param work what to read or do (must not block)
     * @param <T>  result type
     * @return its result; failed with {@link IllegalStateException} if the node is stopped or overloaded
     */
    public <T> CompletableFuture<T> call(Supplier<T> work) {
        return loop.call(work);
    }

    /**
     * Runs {@code task} on the protocol thread after {@code delayMillis}; call it from the protocol thread.
     *
     * @param delayMillis delay, 0 or more
     * @param task        what to run (must not block)
     */
    public void schedule(long delayMillis, Runnable task) {
        loop.schedule(delayMillis, task);
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
     * Stops at once, without announcing a departure (the owner has the engine leave first for a
     * graceful exit).
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
            owner.storeSelf(next);
        }

        @Override
        public void notify(Notification notification) {
            owner.notify(notification);
        }
    }
}
