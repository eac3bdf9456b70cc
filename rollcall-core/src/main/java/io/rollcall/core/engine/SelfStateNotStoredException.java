package io.rollcall.core.engine;

/**
 * Our own new incarnation or metadata could not be stored durably, so the change was not made:
 * a node that gossiped a state it cannot remember would come back from a restart below what the
 * cluster holds of it. Thrown by an {@link Outbox#storeSelf} that refuses, and passed on by
 * {@link MembershipEngine#updateMetadata}.
 */
public final class SelfStateNotStoredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line: what could not be stored and why */
    public SelfStateNotStoredException(String message) {
        super(message);
    }
}
