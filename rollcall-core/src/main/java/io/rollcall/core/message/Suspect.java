package io.rollcall.core.message;

import java.util.Objects;

/**
 * Claim that a member is suspected of having failed.
 *
 * @param incarnation the incarnation suspected
 * @param node        the suspected member
 * @param from        the accuser
 */
public record Suspect(long incarnation, String node, String from) implements GossipMessage {
    /** Validates the fields. */
    public Suspect {
        Objects.requireNonNull(node, "node");
        from = from == null ? "" : from;
    }

    @Override
    public MessageType type() {
        return MessageType.SUSPECT;
    }
}
