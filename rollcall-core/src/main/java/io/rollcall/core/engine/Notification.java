package io.rollcall.core.engine;

/** Something the engine tells its owner: a membership change or the outcome of a command. */
public sealed interface Notification permits MembershipEvent, JoinCompleted, LeaveCompleted, SelfRefuted, NameConflict,
        DecisionRecorded {
}
