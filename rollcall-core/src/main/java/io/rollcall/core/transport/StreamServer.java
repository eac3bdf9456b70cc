package io.rollcall.core.transport;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves inbound TCP requests: one request and at most one reply per connection, as memberlist does
 * (push/pull, fallback ping, user message). At most {@code maxStreams} are served at once; more are
 * closed at once and counted. Each connection has a hard deadline, so a peer trickling bytes cannot
 * hold a handler longer than the stream timeout.
 */
final class StreamServer {
    private static final System.Logger LOG = System.getLogger(StreamServer.class.getName());

    private final ServerSocket server;
    private final StreamCodec codec;
    private final long timeoutMillis;
    private final ProtocolLoop loop;
    private final MembershipEngine engine;
    private final TransportCounters counters;
    private final ThreadPoolExecutor handlers;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Thread acceptor;
    private final java.util.function.Predicate<java.net.InetAddress> allowed;
    private volatile boolean closed;

    StreamServer(String nodeName, ServerSocket server, StreamCodec codec, int maxStreams, long timeoutMillis,
                 ProtocolLoop loop, MembershipEngine engine, TransportCounters counters,
                 java.util.function.Predicate<java.net.InetAddress> allowed) {
        this.allowed = allowed;
        this.server = server;
        this.codec = codec;
        this.timeoutMillis = timeoutMillis;
        this.loop = loop;
        this.engine = engine;
        this.counters = counters;
        this.handlers = DaemonThreads.boundedPool("rollcall-" + nodeName + "-stream-in", maxStreams);
        this.deadlines = DaemonThreads.scheduler("rollcall-" + nodeName + "-stream-deadlines");
        this.acceptor = new Thread(this::acceptLoop, "rollcall-" + nodeName + "-tcp");
        this.acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing TCP listener: " + e);
        }
        handlers.shutdownNow();
        deadlines.shutdownNow();
        try {
            acceptor.join(2_000);
            handlers.awaitTermination(2, TimeUnit.SECONDS);
            deadlines.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "TCP accept failed: " + e.getMessage());
                }
                continue;
            }
            if (!allowed.test(socket.getInetAddress())) {
                counters.drop(TransportCounters.TransportDrop.SOURCE_NOT_ALLOWED);
                closeQuietly(socket);
                continue;
            }
            try {
                handlers.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                counters.drop(TransportCounters.TransportDrop.INBOUND_STREAM_LIMIT);
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(socket), timeoutMillis, TimeUnit.MILLISECONDS);
        try (socket) {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            socket.setTcpNoDelay(true);
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            Endpoint from = new Endpoint(remote.getAddress(), remote.getPort());
            CountingInputStream in = new CountingInputStream(new BufferedInputStream(socket.getInputStream()));
            DecodeResult request = codec.read(in);
            counters.received((int) Math.min(Integer.MAX_VALUE, in.count()), true);
            counters.decoded(request);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            if (request.messages().isEmpty()) {
                // Tell the peer why, as memberlist does, so its operator sees a reason rather than a timeout.
                String why = request.drops().isEmpty() ? "empty request" : request.drops().get(0).toString();
                writeReply(out, new ErrorResponse(why));
                return;
            }
            Message message = request.messages().get(0);
            Message reply = loop.call(() -> engine.handleStream(from, message))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
            if (reply != null) {
                writeReply(out, reply);
            }
        } catch (TimeoutException e) {
            counters.drop(TransportCounters.TransportDrop.STREAM_IO_ERROR);
        } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException e) {
            counters.drop(TransportCounters.TransportDrop.STREAM_IO_ERROR);
            if (!closed) {
                LOG.log(Level.DEBUG, "inbound stream failed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deadline.cancel(false);
        }
    }

    private void writeReply(OutputStream out, Message reply) throws IOException {
        byte[] bytes = codec.encode(reply);
        out.write(bytes);
        out.flush();
        counters.sent(bytes.length, true);
        counters.encoded(List.of(reply));
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort; the socket is being abandoned either way.
        }
    }

    /** Counts bytes read, for the traffic counters. */
    static final class CountingInputStream extends InputStream {
        private final InputStream in;
        private long count;

        CountingInputStream(InputStream in) {
            this.in = in;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
