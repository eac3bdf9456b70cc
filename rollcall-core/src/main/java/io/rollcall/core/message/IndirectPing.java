package io.rollcall.core.message;

import io.rollcall.core.Endpoint;
import java.util.Objects;

/**
 * Asks the receiver to probe {@code target} and forward the ack.
 *
 * @param seqNo      the original prober's sequence number, used in the forwarded ack or nack
 * @param target     the member to probe
 * @param node       the target's name
 * @param nack       true if the prober wants a nack when the target stays silent
 * @param source     where to send the forwarded ack, or null for the packet's source address
 * @param sourceNode the original prober's name, or empty
 */
public record IndirectPing(long seqNo, Endpoint target, String node, boolean nack, Endpoint source,
                           String sourceNode) implements Message {
    /** Validates the fields. */
    public IndirectPing {
        Objects.requireNonNull(target, "target");
        node = node == null ? "" : node;
        sourceNode = sourceNode == null ? "" : sourceNode;
    }

    @Override
    public MessageType type() {
        return MessageType.INDIRECT_PING;
    }
}
