package io.rollcall;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A Serf query this node was asked (by {@code serf query}, {@link Rollcall#query} or any member), its
 * filters matching this node. Answer it at most once, before its deadline, with {@link #respond}.
 */
public final class IncomingQuery {
    private final String name;
    private final byte[] payload;
    private final long lamportTime;
    private final String sourceNode;
    private final Duration timeout;
    private final Function<byte[], CompletableFuture<Void>> responder;
    private final AtomicBoolean answered = new AtomicBoolean();

    IncomingQuery(String name, byte[] payload, long lamportTime, String sourceNode, Duration timeout,
                  Function<byte[], CompletableFuture<Void>> responder) {
        this.name = name;
        this.payload = payload;
        this.lamportTime = lamportTime;
        this.sourceNode = sourceNode;
        this.timeout = timeout;
        this.responder = responder;
    }

    /** @return the query's name */
    public String name() {
        return name;
    }

    /** @return a copy of its payload */
    public byte[] payload() {
        return payload.clone();
    }

    /** @return its query Lamport time (unsigned) */
    public long lamportTime() {
        return lamportTime;
    }

    /** @return the node that asked */
    public String sourceNode() {
        return sourceNode;
    }

    /** @return how long the asker waits, from when the query reached this node */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends this node's answer to the asker (and through the relays it asked for), as Serf's
     * {@code Respond}.
     *
     * @param answer the answer; with Serf's framing at most
     *               {@value io.rollcall.Rollcall#QUERY_RESPONSE_SIZE_LIMIT_BYTES} bytes
     * @return completes once sent; fails with {@link IllegalArgumentException} ("response exceeds
     *         limit of 1024 bytes", "response is past the deadline") or {@link IllegalStateException}
     *         if already answered or the node is closed
     */
    public CompletableFuture<Void> respond(byte[] answer) {
        byte[] copy = answer.clone();
        if (!answered.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException("response already sent"));
        }
        return responder.apply(copy);
    }

    @Override
    public String toString() {
        return "IncomingQuery[" + PrintableText.escape(name) + " from " + PrintableText.escape(sourceNode) + "]";
    }
}
