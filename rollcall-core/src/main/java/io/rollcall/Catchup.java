package io.rollcall;

import java.util.List;

/**
 * The answer to {@link Rollcall#changesSince(long)}.
 *
 * @param changes  the changes after the given version, in order; empty if there were none or if the
 *                 history no longer reaches back that far
 * @param snapshot null when {@code changes} is complete; otherwise the current view, to start over from
 */
public record Catchup(List<MembershipChange> changes, MembershipView snapshot) {
    /**
     * Copies the list.
     *
     * @param changes see the record component
     * @param snapshot see the record component
     */
    public Catchup {
        changes = List.copyOf(changes);
    }

    /** @return true if {@link #changes()} is everything since the given version */
    public boolean isComplete() {
        return snapshot == null;
    }
}
