package io.rollcall.core.engine;

/**
 * Timers are plain data. The driver fires each one once, after the delay the engine asked for, by
 * passing it back to {@link MembershipEngine#handleTimer(Timer)}. A timer carries what it needs to
 * tell whether it still matters (a sequence number or token), so a late or superseded timer is
 * recognised and ignored instead of having to be cancelled reliably.
 */
public sealed interface Timer {
    /** Start the next probe. */
    record ProbeTick() implements Timer {
    }

    /** The direct ack for probe {@code seqNo} is overdue: go indirect. */
    record ProbeTimeout(long seqNo) implements Timer {
    }

    /** Probe {@code seqNo} has run out of time: suspect the target unless anyone answered. */
    record ProbeDeadline(long seqNo) implements Timer {
    }

    /** An indirect probe we serve under our own {@code seqNo} got no ack: nack the requester. */
    record RelayTimeout(long seqNo) implements Timer {
    }

    /** Send a gossip round. */
    record GossipTick() implements Timer {
    }

    /** Exchange full state with a random member, unless {@code token} has been superseded. */
    record PushPullTick(long token) implements Timer {
    }

    /** The suspicion of {@code node} identified by {@code token} may have run out. */
    record SuspicionTimeout(String node, long token) implements Timer {
    }

    /** A short while after joining: one more state exchange with a random member. */
    record FollowUpSync() implements Timer {
    }

    /** Try to reach dead members and seeds, so partitions heal. */
    record ReconnectTick() implements Timer {
    }

    /** Remove tombstones older than their retention. */
    record ReapTick() implements Timer {
    }

    /** Give up waiting for our leave announcement to go out. */
    record LeaveDeadline() implements Timer {
    }

    /** Our leave announcement has gone out and the propagation delay has passed. */
    record LeavePropagated() implements Timer {
    }
}
