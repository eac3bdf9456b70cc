package io.rollcall;

/**
 * An item of the {@link Membership#changes()} stream: a whole {@link MembershipView} (first, and
 * again whenever a subscriber fell too far behind) or one {@link MembershipChange}.
 */
public sealed interface MembershipUpdate permits MembershipView, MembershipChange {
    /** @return the view version this item brings the subscriber to */
    long version();
}
