package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import java.util.Objects;

/**
 * Who this node is when its engine starts.
 *
 * @param name        unique node name
 * @param address     the address peers use to reach us (the advertise address)
 * @param meta        initial metadata
 * @param incarnation the incarnation to start at; a restarted node passes one above its last, so its
 *                    new life outranks what the cluster remembers of the old one
 */
public record LocalIdentity(String name, Endpoint address, Bytes meta, long incarnation) {
    /** Validates the fields. */
    public LocalIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(meta, "meta");
        io.rollcall.core.NodeNameRules.requireValid(name);
        if (incarnation < 0 || incarnation >= 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("incarnation out of range: " + incarnation);
        }
    }
}
