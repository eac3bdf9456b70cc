package io.rollcall;

import java.util.List;

/**
 * No seed could be joined. The message lists each seed and why; {@link #seedFailures()} says the same
 * for code, so that a caller can tell a busy seed (retry) from a wrong address (do not).
 */
public final class JoinException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<SeedFailure> seedFailures;

    /** Why one seed could not be joined. */
    public enum Reason {
        /** The host name did not resolve. */
        UNRESOLVED,
        /** Nothing listens at the address: the connection was refused. */
        REFUSED,
        /** No answer came within the TCP timeout (the seed may be busy, or the network drops traffic). */
        TIMED_OUT,
        /** The seed answered, but refused us or sent what we cannot use (another cluster's label or key). */
        REJECTED,
        /** Anything else: an I/O error, a local limit, our own address. */
        FAILED,
        /**
         * The seed's state shows a live member holding this node's name at another address (the message
         * names it): names must be unique. Retrying does not help until that member leaves or fails.
         */
        NAME_CONFLICT
    }

    /**
     * One seed that could not be joined.
     *
     * @param seed    the address as given ({@code host:port})
     * @param reason  why, for code
     * @param message why, for people
     */
    public record SeedFailure(String seed, Reason reason, String message) {
        /**
         * Validates the fields.
         *
         * @param seed    see the record component
         * @param reason  see the record component
         * @param message see the record component
         */
        public SeedFailure {
            java.util.Objects.requireNonNull(seed, "seed");
            java.util.Objects.requireNonNull(reason, "reason");
            java.util.Objects.requireNonNull(message, "message");
        }

        /** @return {@code seed: message} */
        public String line() {
            return seed + ": " + message;
        }
    }

    /** @param seedFailures one per seed */
    public JoinException(List<SeedFailure> seedFailures) {
        super(seedFailures.isEmpty() ? "no seeds to join"
                : "could not join any seed: " + String.join("; ", seedFailures.stream().map(SeedFailure::line).toList()));
        this.seedFailures = List.copyOf(seedFailures);
    }

    /**
     * @return one per seed that could not be joined; empty for an exception that went through Java
     *         serialization, which keeps only the message
     */
    public List<SeedFailure> seedFailures() {
        return seedFailures == null ? List.of() : seedFailures;
    }

    /** @return one line per seed that could not be joined, {@code seed: why} */
    public List<String> failures() {
        return seedFailures().stream().map(SeedFailure::line).toList();
    }

    /**
     * @param reason a reason
     * @return whether every seed failed for this reason (false if there were none)
     */
    public boolean allFailedBecause(Reason reason) {
        List<SeedFailure> all = seedFailures();
        return !all.isEmpty() && all.stream().allMatch(f -> f.reason() == reason);
    }
}
