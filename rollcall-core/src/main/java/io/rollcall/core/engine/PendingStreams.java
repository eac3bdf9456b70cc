package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import java.util.HashMap;
import java.util.Map;

/**
 * The stream requests we sent that await their outcome (a reply or a failure), under the ids the
 * driver reports them by, within {@link EngineConfig#maxPendingStreams()}. State exchanges, TCP
 * fallback probes and large user messages share the one limit, since they share the driver's
 * connections.
 */
final class PendingStreams {

    /** Why we opened a stream, which says what its reply is for. */
    enum Purpose { JOIN, SYNC, RECONNECT, TCP_PING, USER }

    /**
     * An outgoing stream request awaiting its outcome.
     *
     * @param purpose what it is for
     * @param peer    the address we opened it to
     * @param joinId  for {@link Purpose#JOIN}, the join it belongs to; 0 otherwise
     * @param seqNo   for {@link Purpose#TCP_PING}, the probe it belongs to; 0 otherwise
     */
    record Pending(Purpose purpose, Endpoint peer, long joinId, long seqNo) {
    }

    private final int maxPending;
    private final EngineCounters counters;
    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextRequestId = 1;

    PendingStreams(int maxPending, EngineCounters counters) {
        this.maxPending = maxPending;
        this.counters = counters;
    }

    /**
     * @return the request id to send the stream under, or -1, counted as
     *         {@link DropReason#STREAM_LIMIT}, when the limit is reached
     */
    long open(Purpose purpose, Endpoint peer, long joinId, long seqNo) {
        if (pending.size() >= maxPending) {
            counters.drop(DropReason.STREAM_LIMIT);
            return -1;
        }
        long requestId = nextRequestId++;
        pending.put(requestId, new Pending(purpose, peer, joinId, seqNo));
        return requestId;
    }

    /** @return the request's record, now closed, or null if it is not one of ours (or already closed) */
    Pending close(long requestId) {
        return pending.remove(requestId);
    }
}
