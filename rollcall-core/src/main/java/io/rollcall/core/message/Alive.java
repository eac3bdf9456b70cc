package io.rollcall.core.message;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;
import java.util.Objects;

/**
 * Claim that a member is alive at an incarnation, with its address, metadata and versions.
 *
 * @param incarnation the member's incarnation
 * @param node        the member's name
 * @param address     the member's address
 * @param meta        the member's metadata
 * @param versions    the member's version vector; null if the peer sent a malformed one
 */
public record Alive(long incarnation, String node, Endpoint address, Bytes meta, VersionVector versions)
        implements GossipMessage {
    /** Validates the fields. */
    public Alive {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(meta, "meta");
    }

    @Override
    public MessageType type() {
        return MessageType.ALIVE;
    }
}
