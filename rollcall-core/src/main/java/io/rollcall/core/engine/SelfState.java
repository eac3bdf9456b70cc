package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import java.util.Objects;

/**
 * What this node says about itself that must survive a restart: the incarnation it gossips and
 * the metadata that goes with it. See {@link Outbox#storeSelf}.
 *
 * @param incarnation our incarnation
 * @param meta        our metadata
 */
public record SelfState(long incarnation, Bytes meta) {
    /** Validates the fields. */
    public SelfState {
        Objects.requireNonNull(meta, "meta");
    }
}
