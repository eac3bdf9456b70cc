package io.rollcall.core.codec;

/**
 * Internal control flow for refused input: thrown deep in a decoder, caught at the public entry
 * point and turned into a {@link DecodeDrop}. Carries no stack trace, since hostile peers can make us
 * build many of these.
 */
final class DropException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DecodeDropReason reason;

    DropException(DecodeDropReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    DecodeDropReason reason() {
        return reason;
    }

    DecodeDrop toDrop() {
        return new DecodeDrop(reason, getMessage());
    }
}
