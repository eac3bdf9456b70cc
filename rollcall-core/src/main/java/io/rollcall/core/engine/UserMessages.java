package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.WireSizes;
import java.util.List;

/**
 * The layer above's own messages (memberlist's user messages, which Serf's events and queries ride
 * in): sent to one member in a datagram or, when too large for one, over a stream; or gossiped to
 * the cluster like membership updates, under a key of their own.
 */
final class UserMessages extends EnginePart {
    /** Keeps user broadcast keys apart from member names, which key membership updates. */
    private static final String USER_KEY_PREFIX = "\u0000user:";

    private final Dissemination dissemination;
    private final PendingStreams streams;

    UserMessages(EngineContext context, Dissemination dissemination, PendingStreams streams) {
        super(context);
        this.dissemination = dissemination;
        this.streams = streams;
    }

    /** In a datagram when it fits the packet budget, else over a stream, so it is never cut. */
    void send(Endpoint to, Bytes payload) {
        UserData message = new UserData(payload);
        if (WireSizes.of(message) <= config.packetBudgetBytes()) {
            out.sendPacket(to, List.of(message));
        } else {
            long requestId = streams.open(PendingStreams.Purpose.USER, to, 0, 0);
            if (requestId >= 0) {
                out.sendStream(requestId, to, message);
            }
        }
    }

    /** Queued for gossip; a newer message with the same key replaces a queued one. */
    void broadcast(String key, Bytes payload) {
        dissemination.enqueue(USER_KEY_PREFIX + key, new UserData(payload));
    }
}
