package io.rollcall.core;

import java.util.Objects;

/**
 * One node's view of one member at one moment: an immutable snapshot.
 *
 * @param name           unique member name
 * @param address        where the member listens for UDP and TCP
 * @param meta           opaque metadata (Serf tags encoding when Serf semantics are on), at most 512 bytes
 * @param incarnation    the member's incarnation number (unsigned 32-bit); only the member itself raises it
 * @param state          the state this node holds for the member
 * @param stateSinceMillis the observing node's monotonic clock when the state last changed
 * @param versions       the member's protocol version vector
 */
public record Member(String name, Endpoint address, Bytes meta, long incarnation, MemberState state,
                     long stateSinceMillis, VersionVector versions) {
    /** Validates the fields. */
    public Member {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(versions, "versions");
        if (incarnation < 0 || incarnation > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("incarnation out of uint32 range: " + incarnation);
        }
    }
}
