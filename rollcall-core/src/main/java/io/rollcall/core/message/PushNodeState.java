package io.rollcall.core.message;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import java.util.Objects;

/**
 * One member as listed in a full state exchange.
 *
 * @param name        member name
 * @param address     member address
 * @param meta        member metadata
 * @param incarnation member incarnation
 * @param state       the sender's view of the member
 * @param versions    version vector, or null if the peer sent a malformed one
 */
public record PushNodeState(String name, Endpoint address, Bytes meta, long incarnation, MemberState state,
                            VersionVector versions) {
    /** Validates the fields. */
    public PushNodeState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(state, "state");
    }
}
