package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import java.util.List;

/**
 * Every seed of a {@link MembershipEngine#join} has answered or failed.
 *
 * @param joinId       the id {@code join} returned
 * @param succeeded    seeds that completed a state exchange
 * @param seedFailures one per seed that did not
 */
public record JoinCompleted(long joinId, int succeeded, List<SeedFailure> seedFailures) implements Notification {
    /** Copies the list. */
    public JoinCompleted {
        seedFailures = List.copyOf(seedFailures);
    }

    /** @return one line per seed that did not complete, naming it and why */
    public List<String> failures() {
        return seedFailures.stream().map(SeedFailure::line).toList();
    }

    /**
     * A seed that did not complete a state exchange.
     *
     * @param seed    its address
     * @param failure why
     */
    public record SeedFailure(Endpoint seed, StreamFailure failure) {
        /** @return {@code seed: reason} */
        public String line() {
            return seed + ": " + failure.reason();
        }
    }
}
