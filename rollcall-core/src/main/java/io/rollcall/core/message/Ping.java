package io.rollcall.core.message;

import io.rollcall.core.Endpoint;

/**
 * A direct probe.
 *
 * @param seqNo      the prober's sequence number, echoed in the ack
 * @param node       the name of the intended target; a node ignores pings naming another node
 * @param source     where to send the ack, or null to answer the packet's source address
 * @param sourceNode the prober's name, or empty
 */
public record Ping(long seqNo, String node, Endpoint source, String sourceNode) implements Message {
    /** Normalises absent text to empty. */
    public Ping {
        node = node == null ? "" : node;
        sourceNode = sourceNode == null ? "" : sourceNode;
    }

    @Override
    public MessageType type() {
        return MessageType.PING;
    }
}
