package io.rollcall;

/**
 * A change of this node's own state (its metadata) was refused because the {@link SelfStateStore}
 * could not store it. Nothing was changed or gossiped.
 */
public final class SelfStateNotStoredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line: what could not be stored and why
     * @param cause   the store's failure
     */
    public SelfStateNotStoredException(String message, Throwable cause) {
        super(message, cause);
    }
}
