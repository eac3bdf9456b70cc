package io.rollcall.core.codec;

import java.util.Objects;

/**
 * One refused piece of input.
 *
 * @param reason the counted reason
 * @param detail a one-line description for logs, like memberlist's warnings
 */
public record DecodeDrop(DecodeDropReason reason, String detail) {
    /** Validates the fields. */
    public DecodeDrop {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
