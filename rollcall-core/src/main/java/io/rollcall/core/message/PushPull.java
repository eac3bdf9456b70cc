package io.rollcall.core.message;

import io.rollcall.core.Bytes;
import java.util.List;
import java.util.Objects;

/**
 * A full state exchange, sent over a stream: the sender's whole member table plus opaque
 * application state (Serf's Lamport clocks and left members).
 *
 * @param join      true when the exchange is part of a join
 * @param nodes     every member the sender knows
 * @param userState opaque delegate state, possibly empty
 */
public record PushPull(boolean join, List<PushNodeState> nodes, Bytes userState) implements Message {
    /** Copies the list. */
    public PushPull {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(userState, "userState");
    }

    @Override
    public MessageType type() {
        return MessageType.PUSH_PULL;
    }
}
