package io.rollcall.core.engine;

import java.util.List;

/**
 * Every seed of a {@link MembershipEngine#join} has answered or failed.
 *
 * @param joinId    the id {@code join} returned
 * @param succeeded seeds that completed a state exchange
 * @param failures  one line per seed that did not, naming it and why
 */
public record JoinCompleted(long joinId, int succeeded, List<String> failures) implements Notification {
    /** Copies the list. */
    public JoinCompleted {
        failures = List.copyOf(failures);
    }
}
