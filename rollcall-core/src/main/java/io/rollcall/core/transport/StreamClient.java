package io.rollcall.core.transport;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.codec.StreamMemory;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.StreamFailure;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries out the engine's stream requests: connect, send one request, read the reply, report the
 * outcome to the engine exactly once, all within the stream timeout. At most {@code maxStreams} at
 * once; a request beyond that fails at once.
 */
final class StreamClient {
    private final Endpoint bind;
    private final StreamCodec codec;
    private final long timeoutMillis;
    private final ProtocolLoop loop;
    private final MembershipEngine engine;
    private final TransportCounters counters;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor deadlines;

    StreamClient(String nodeName, Endpoint bind, StreamCodec codec, int maxStreams, long timeoutMillis, ProtocolLoop loop,
                 MembershipEngine engine, TransportCounters counters) {
        this.bind = bind;
        this.codec = codec;
        this.timeoutMillis = timeoutMillis;
        this.loop = loop;
        this.engine = engine;
        this.counters = counters;
        this.workers = DaemonThreads.boundedPool("rollcall-" + nodeName + "-stream-out", maxStreams);
        this.deadlines = DaemonThreads.scheduler("rollcall-" + nodeName + "-stream-out-deadlines");
    }

    /** Called on the protocol thread. */
    void request(long requestId, Endpoint to, Message request) {
        try {
            workers.execute(() -> exchange(requestId, to, request));
        } catch (RejectedExecutionException e) {
            counters.drop(TransportCounters.TransportDrop.OUTBOUND_STREAM_LIMIT);
            loop.schedule(0, () -> engine.handleStreamFailure(requestId,
                    new StreamFailure(StreamFailure.Kind.FAILED, "too many streams in flight")));
        }
    }

    void close() {
        workers.shutdownNow();
        deadlines.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            deadlines.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exchange(long requestId, Endpoint to, Message request) {
        Socket socket = new Socket();
        // Marked before the socket is closed, so a read woken by the close sees it; the future's
        // own isDone() turns true only after the close has returned, too late for that read.
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            StreamServer.closeQuietly(socket);
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        Runnable outcome;
        // Held until the engine has handled the reply: until then the decoded reply is on the heap.
        StreamMemory.Lease lease = codec.lease();
        try (socket) {
            if (!bind.ip().isAnyLocalAddress()) {
                // Connect from our own address, so the peer sees the address we advertise.
                socket.bind(new InetSocketAddress(bind.ip(), 0));
            }
            socket.connect(to.toSocketAddress(), (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            socket.setTcpNoDelay(true);
            byte[] bytes = codec.encode(request);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            counters.sent(bytes.length, true);
            counters.encoded(List.of(request));
            if (!expectsReply(request)) {
                // Delivered; the engine expects no reply for this kind of request and only frees its slot.
                outcome = () -> engine.handleStreamFailure(requestId,
                        new StreamFailure(StreamFailure.Kind.FAILED, "sent; no reply expected"));
            } else {
                StreamServer.CountingInputStream in = new StreamServer.CountingInputStream(
                        new BufferedInputStream(socket.getInputStream()));
                DecodeResult reply = codec.read(in, lease);
                counters.received((int) Math.min(Integer.MAX_VALUE, in.count()), true);
                counters.decoded(reply);
                if (reply.messages().isEmpty() && in.count() == 0) {
                    outcome = failure(requestId, StreamFailure.Kind.FAILED, closedUnanswered(to));
                } else if (reply.messages().isEmpty()) {
                    StreamFailure why = reply.drops().isEmpty() ? new StreamFailure(StreamFailure.Kind.FAILED, "empty reply")
                            : new StreamFailure(StreamFailure.Kind.REJECTED, explain(to, reply.drops().get(0)));
                    outcome = () -> engine.handleStreamFailure(requestId, why);
                } else {
                    Message message = reply.messages().get(0);
                    outcome = () -> engine.handleStreamReply(requestId, message);
                }
            }
        } catch (SocketTimeoutException e) {
            outcome = timedOut(requestId, to);
        } catch (ConnectException e) {
            outcome = failure(requestId, StreamFailure.Kind.REFUSED, "cannot connect to " + to + ": " + e.getMessage());
        } catch (java.net.SocketException e) {
            // The deadline closes the socket under a blocked read: that is a timeout, not an I/O error.
            outcome = expired.get() ? timedOut(requestId, to)
                    : failure(requestId, StreamFailure.Kind.FAILED, "Connection reset".equals(e.getMessage())
                    ? closedUnanswered(to) : "stream to " + to + " failed: " + e.getMessage());
        } catch (IOException e) {
            outcome = expired.get() ? timedOut(requestId, to)
                    : failure(requestId, StreamFailure.Kind.FAILED, "stream to " + to + " failed: " + e.getMessage());
        } finally {
            deadline.cancel(false);
        }
        Runnable handled = outcome;
        if (!loop.offerControl(() -> {
            try {
                handled.run();
            } finally {
                lease.close();
            }
        })) {
            lease.close();
            counters.drop(TransportCounters.TransportDrop.STREAM_IO_ERROR);
        }
    }

    /** A peer that accepts and closes at once is refusing: say so, rather than "stream ends after 0 bytes". */
    private static String closedUnanswered(Endpoint peer) {
        return peer + " closed the connection without answering (it may be at its limit of inbound streams,"
                + " or not allow this node's address)";
    }

    private static String explain(Endpoint peer, io.rollcall.core.codec.DecodeDrop drop) {
        return switch (drop.reason()) {
            case DECRYPTION_FAILED -> "no installed gossip key decrypts the answer from " + peer
                    + " (its cluster may have rotated keys while this node was down: install the cluster's current key)";
            case ENCRYPTED_NO_KEY -> peer + " encrypts its gossip and this node has no key (set the cluster's key)";
            case LABEL_MISMATCH -> peer + " belongs to a cluster with another label";
            default -> "unreadable answer from " + peer + ": " + drop;
        };
    }

    private Runnable timedOut(long requestId, Endpoint to) {
        return failure(requestId, StreamFailure.Kind.TIMED_OUT, "no answer from " + to + " within " + timeoutMillis + " ms");
    }

    private Runnable failure(long requestId, StreamFailure.Kind kind, String reason) {
        counters.drop(TransportCounters.TransportDrop.STREAM_IO_ERROR);
        StreamFailure failure = new StreamFailure(kind, reason);
        return () -> engine.handleStreamFailure(requestId, failure);
    }

    private static boolean expectsReply(Message request) {
        return request instanceof PushPull || request instanceof Ping;
    }
}
