package io.rollcall.core.engine;

import io.rollcall.core.Member;

/** A change in this node's view of one member. {@link #member()} is the member after the change. */
public sealed interface MembershipEvent extends Notification {
    /** @return the member as it is after the change */
    Member member();

    /** A member is new to us, or came back after being DEAD or LEFT. @param member the member */
    record Joined(Member member) implements MembershipEvent {
    }

    /** A live member changed address, metadata or versions. @param member now @param previous before */
    record Updated(Member member, Member previous) implements MembershipEvent {
    }

    /** A member missed a probe and is SUSPECT. @param member the member */
    record Suspected(Member member) implements MembershipEvent {
    }

    /** A SUSPECT member refuted the suspicion and is ALIVE again. @param member the member */
    record Recovered(Member member) implements MembershipEvent {
    }

    /** A member was declared DEAD (failed). @param member the member */
    record Failed(Member member) implements MembershipEvent {
    }

    /** A member announced its departure and is LEFT. @param member the member */
    record Left(Member member) implements MembershipEvent {
    }

    /** A DEAD or LEFT member's tombstone was removed from the table. @param member the member */
    record Removed(Member member) implements MembershipEvent {
    }
}
