package io.rollcall.core.engine;

/**
 * Why a stream request got no usable reply, as the driver or the engine found it.
 *
 * @param kind   what went wrong, for code that reacts differently (a join retries a busy seed, not a
 *               refused one)
 * @param reason one line saying why, for people
 */
public record StreamFailure(Kind kind, String reason) {
    /** What went wrong. */
    public enum Kind {
        /** Nothing listens at the address (the connection was refused). */
        REFUSED,
        /** Connected, or tried to, but no answer came within the stream timeout. */
        TIMED_OUT,
        /** The peer answered, but with a refusal or something we cannot use (wrong label or key, too large). */
        REJECTED,
        /** Anything else: an I/O error, a local limit, our own address. */
        FAILED,
        /** The peer's state shows a live member holding our name at another address. */
        NAME_CONFLICT
    }

    /** Validates the fields. */
    public StreamFailure {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(reason, "reason");
    }
}
