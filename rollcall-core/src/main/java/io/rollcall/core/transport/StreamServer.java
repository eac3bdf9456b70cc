package io.rollcall.core.transport;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.codec.StreamMemory;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves inbound TCP requests: one request and at most one reply per connection, as memberlist does
 * (push/pull, fallback ping, user message). How many are served at once is bounded in total and per
 * source by {@link ConnectionSlots}: a newcomer displaces the busiest source's oldest connection still
 * sending its request, so slow senders from one host or many cannot keep real requests out; one that
 * cannot be placed gets an error reply naming the limit, then the connection is closed. Every
 * connection has a total deadline from accept to reply, however steadily its bytes trickle in.
 */
final class StreamServer {
    private static final System.Logger LOG = System.getLogger(StreamServer.class.getName());

    private final ServerSocket server;
    private final StreamCodec codec;
    private final long readTimeoutMillis;
    private final long deadlineMillis;
    private final ProtocolLoop loop;
    private final MembershipEngine engine;
    private final TransportCounters counters;
    private final ConnectionSlots slots;
    private final ThreadPoolExecutor handlers;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Thread acceptor;
    private final java.util.function.Predicate<java.net.InetAddress> allowed;
    private volatile boolean closed;

    /**
     * @param readTimeoutMillis longest wait for the next byte (the engine's stream timeout)
     */
    StreamServer(String nodeName, ServerSocket server, StreamCodec codec, TransportConfig limits, long readTimeoutMillis,
                 ProtocolLoop loop, MembershipEngine engine, TransportCounters counters) {
        this.allowed = limits::allows;
        this.server = server;
        this.codec = codec;
        this.readTimeoutMillis = readTimeoutMillis;
        this.deadlineMillis = limits.inboundStreamDeadlineMillis();
        this.loop = loop;
        this.engine = engine;
        this.counters = counters;
        this.slots = new ConnectionSlots(limits.maxInboundStreams(), limits.maxInboundStreamsPerSource());
        // Twice the slots: a displaced connection's thread is still unwinding when its successor starts.
        this.handlers = DaemonThreads.boundedPool("rollcall-" + nodeName + "-stream-in", 2 * limits.maxInboundStreams());
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
            ConnectionSlots.Admission admission = slots.admit(socket.getInetAddress(), socket);
            if (admission.displaced() != null) {
                counters.drop(TransportCounters.TransportDrop.INBOUND_STREAM_DISPLACED);
            }
            if (admission.refusal() == ConnectionSlots.Refusal.PER_SOURCE_LIMIT) {
                refuse(socket, TransportCounters.TransportDrop.INBOUND_STREAM_SOURCE_LIMIT, "busy: already serving "
                        + slots.maxPerSource() + " streams from " + socket.getInetAddress().getHostAddress()
                        + " (maxInboundStreamsPerSource)");
                continue;
            }
            if (admission.refusal() != null) {
                refuse(socket, TransportCounters.TransportDrop.INBOUND_STREAM_LIMIT,
                        "busy: already serving " + slots.maxTotal() + " streams (maxInboundStreams)");
                continue;
            }
            ConnectionSlots.Slot slot = admission.slot();
            if (!hand(() -> serve(socket, slot))) {
                slot.close();
                refuse(socket, TransportCounters.TransportDrop.INBOUND_STREAM_LIMIT,
                        "busy: no thread free for another stream (maxInboundStreams)");
            }
        }
    }

    /**
     * Gives the task a thread. When a burst of newcomers displaces connections faster than their
     * threads unwind, every thread can be busy for a moment: the acceptor then waits for one (the
     * kernel's backlog holds further connections meanwhile) rather than refuse a connection it has a
     * slot for.
     */
    private boolean hand(Runnable task) {
        try {
            handlers.execute(task);
            return true;
        } catch (RejectedExecutionException busy) {
            try {
                return !handlers.isShutdown() && handlers.getQueue().offer(task, 1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Answers a connection there is no room for with an error reply, so that the peer's operator reads
     * why rather than an empty stream. A reply this short fits in a fresh socket's send buffer, so
     * writing it here cannot block the acceptor.
     */
    private void refuse(Socket socket, TransportCounters.TransportDrop reason, String why) {
        counters.drop(reason);
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write(codec.encode(new ErrorResponse(why)));
            out.flush();
            socket.shutdownOutput();
            // Closing with unread input sends a reset, which may destroy the reply before the peer reads it.
            InputStream in = socket.getInputStream();
            in.skipNBytes(Math.min(in.available(), 64 * 1024));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "refusing a stream: " + e);
        }
    }

    private void serve(Socket socket, ConnectionSlots.Slot slot) {
        long started = System.nanoTime();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            closeQuietly(socket);
        }, deadlineMillis, TimeUnit.MILLISECONDS);
        // The lease is held until the reply is written: until then the decoded request is on the heap.
        try (socket; slot; StreamMemory.Lease lease = codec.lease()) {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.min(readTimeoutMillis, deadlineMillis)));
            socket.setTcpNoDelay(true);
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            Endpoint from = new Endpoint(remote.getAddress(), remote.getPort());
            CountingInputStream in = new CountingInputStream(new BufferedInputStream(socket.getInputStream()));
            DecodeResult request = codec.read(in, lease);
            if (!slot.answering()) {
                return; // displaced as the last bytes came in: its socket is closed and it was counted
            }
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
            long leftMillis = deadlineMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Message reply = loop.call(() -> engine.handleStream(from, message))
                    .get(Math.max(1, leftMillis), TimeUnit.MILLISECONDS);
            if (reply != null) {
                writeReply(out, reply);
            }
        } catch (TimeoutException e) {
            counters.drop(TransportCounters.TransportDrop.INBOUND_STREAM_DEADLINE);
        } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException e) {
            if (expired.get()) {
                counters.drop(TransportCounters.TransportDrop.INBOUND_STREAM_DEADLINE);
            } else if (!slot.displaced()) {
                counters.drop(TransportCounters.TransportDrop.STREAM_IO_ERROR);
                if (!closed) {
                    LOG.log(Level.DEBUG, "inbound stream failed: " + e);
                }
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
