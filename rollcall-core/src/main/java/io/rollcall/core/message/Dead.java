package io.rollcall.core.message;

import java.util.Objects;

/**
 * Claim that a member is dead; when the accuser is the member itself it is a graceful leave.
 *
 * @param incarnation the member's incarnation
 * @param node        the member
 * @param from        the accuser; equal to {@code node} for a voluntary departure
 */
public record Dead(long incarnation, String node, String from) implements GossipMessage {
    /** Validates the fields. */
    public Dead {
        Objects.requireNonNull(node, "node");
        from = from == null ? "" : from;
    }

    /** @return true if this announces a voluntary departure rather than a failure */
    public boolean isLeave() {
        return node.equals(from);
    }

    @Override
    public MessageType type() {
        return MessageType.DEAD;
    }
}
