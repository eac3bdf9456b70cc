package io.rollcall;

import java.time.Instant;
import java.util.Objects;

/**
 * One change to this node's view. Versions increase by one per change, so a subscriber can tell
 * that it has seen every change.
 *
 * @param version  the view version this change produced
 * @param time     when it happened (wall clock)
 * @param kind     what happened
 * @param member   the member after the change (for {@link ChangeKind#REMOVED}: as it was last seen)
 * @param previous the member before the change, or null if it was not in the view
 */
public record MembershipChange(long version, Instant time, ChangeKind kind, ClusterMember member, ClusterMember previous)
        implements MembershipUpdate {
    /**
     * Validates the fields.
     *
     * @param version see the record component
     * @param time see the record component
     * @param kind see the record component
     * @param member see the record component
     * @param previous see the record component
     */
    public MembershipChange {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(member, "member");
    }
}
