package io.rollcall.core.engine;

import java.util.Objects;

/**
 * Timers are plain data. The driver fires each one once, after the delay the engine asked for, by
 * passing it back to {@link MembershipEngine#handleTimer(Timer)}. A timer carries what it needs to
 * tell whether it still matters (a sequence number or token), so a late or superseded timer is
 * recognised and ignored instead of having to be cancelled reliably.
 *
 * <p>Each record writes out its equals, hashCode and toString: the driver compares timers to cancel
 * them, and a record's generated methods are linked through invokedynamic on their first call,
 * spinning method-handle classes in a JVM that has just started (see docs/PERFORMANCE.md).
 */
public sealed interface Timer {
    /**
     * Passes this timer to its own method of {@code handler}. Every kind of timer has one, so a new
     * timer that nothing handles does not compile (the engine's dispatch is a {@link Handler}).
     *
     * @param handler what handles timers
     */
    void dispatchTo(Handler handler);

    /** Handles each kind of timer in its own method. */
    interface Handler {
        /** @param timer the timer that fired */
        void onProbeTick(ProbeTick timer);

        /** @param timer the timer that fired */
        void onProbeTimeout(ProbeTimeout timer);

        /** @param timer the timer that fired */
        void onProbeDeadline(ProbeDeadline timer);

        /** @param timer the timer that fired */
        void onRelayTimeout(RelayTimeout timer);

        /** @param timer the timer that fired */
        void onNackGrace(NackGrace timer);

        /** @param timer the timer that fired */
        void onGossipTick(GossipTick timer);

        /** @param timer the timer that fired */
        void onPushPullTick(PushPullTick timer);

        /** @param timer the timer that fired */
        void onSuspicionTimeout(SuspicionTimeout timer);

        /** @param timer the timer that fired */
        void onFollowUpSync(FollowUpSync timer);

        /** @param timer the timer that fired */
        void onReconnectTick(ReconnectTick timer);

        /** @param timer the timer that fired */
        void onReapTick(ReapTick timer);

        /** @param timer the timer that fired */
        void onLeaveDeadline(LeaveDeadline timer);

        /** @param timer the timer that fired */
        void onLeavePropagated(LeavePropagated timer);
    }

    /** Start the next probe. */
    record ProbeTick() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onProbeTick(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ProbeTick;
        }

        @Override
        public int hashCode() {
            return ProbeTick.class.hashCode();
        }

        @Override
        public String toString() {
            return "ProbeTick";
        }
    }

    /** The direct ack for probe {@code seqNo} is overdue: go indirect. */
    record ProbeTimeout(long seqNo) implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onProbeTimeout(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ProbeTimeout t && t.seqNo == seqNo;
        }

        @Override
        public int hashCode() {
            return ProbeTimeout.class.hashCode() * 31 + Long.hashCode(seqNo);
        }

        @Override
        public String toString() {
            return "ProbeTimeout[seqNo=" + seqNo + "]";
        }
    }

    /** Probe {@code seqNo} has run out of time: suspect the target unless anyone answered. */
    record ProbeDeadline(long seqNo) implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onProbeDeadline(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ProbeDeadline t && t.seqNo == seqNo;
        }

        @Override
        public int hashCode() {
            return ProbeDeadline.class.hashCode() * 31 + Long.hashCode(seqNo);
        }

        @Override
        public String toString() {
            return "ProbeDeadline[seqNo=" + seqNo + "]";
        }
    }

    /**
     * Failed probe {@code seqNo}'s late nacks have had their time: judge whether none came
     * ({@link Isolation}). A helper nacks a probe timeout after our probe timeout, so its nack reaches
     * us about when the probe's deadline fires, often just after.
     */
    record NackGrace(long seqNo) implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onNackGrace(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NackGrace t && t.seqNo == seqNo;
        }

        @Override
        public int hashCode() {
            return NackGrace.class.hashCode() * 31 + Long.hashCode(seqNo);
        }

        @Override
        public String toString() {
            return "NackGrace[seqNo=" + seqNo + "]";
        }
    }

    /** An indirect probe we serve under our own {@code seqNo} got no ack: nack the requester. */
    record RelayTimeout(long seqNo) implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onRelayTimeout(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RelayTimeout t && t.seqNo == seqNo;
        }

        @Override
        public int hashCode() {
            return RelayTimeout.class.hashCode() * 31 + Long.hashCode(seqNo);
        }

        @Override
        public String toString() {
            return "RelayTimeout[seqNo=" + seqNo + "]";
        }
    }

    /** Send a gossip round. */
    record GossipTick() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onGossipTick(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GossipTick;
        }

        @Override
        public int hashCode() {
            return GossipTick.class.hashCode();
        }

        @Override
        public String toString() {
            return "GossipTick";
        }
    }

    /** Exchange full state with a random member, unless {@code token} has been superseded. */
    record PushPullTick(long token) implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onPushPullTick(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PushPullTick t && t.token == token;
        }

        @Override
        public int hashCode() {
            return PushPullTick.class.hashCode() * 31 + Long.hashCode(token);
        }

        @Override
        public String toString() {
            return "PushPullTick[token=" + token + "]";
        }
    }

    /** The suspicion of {@code node} identified by {@code token} may have run out. */
    record SuspicionTimeout(String node, long token) implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onSuspicionTimeout(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SuspicionTimeout t && t.token == token && Objects.equals(t.node, node);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(node) * 31 + Long.hashCode(token);
        }

        @Override
        public String toString() {
            return "SuspicionTimeout[node=" + node + ", token=" + token + "]";
        }
    }

    /** A short while after joining: one more state exchange with a random member. */
    record FollowUpSync() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onFollowUpSync(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FollowUpSync;
        }

        @Override
        public int hashCode() {
            return FollowUpSync.class.hashCode();
        }

        @Override
        public String toString() {
            return "FollowUpSync";
        }
    }

    /** Try to reach dead members and seeds, so partitions heal. */
    record ReconnectTick() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onReconnectTick(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReconnectTick;
        }

        @Override
        public int hashCode() {
            return ReconnectTick.class.hashCode();
        }

        @Override
        public String toString() {
            return "ReconnectTick";
        }
    }

    /** Remove tombstones older than their retention. */
    record ReapTick() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onReapTick(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReapTick;
        }

        @Override
        public int hashCode() {
            return ReapTick.class.hashCode();
        }

        @Override
        public String toString() {
            return "ReapTick";
        }
    }

    /** Give up waiting for our leave announcement to go out. */
    record LeaveDeadline() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onLeaveDeadline(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LeaveDeadline;
        }

        @Override
        public int hashCode() {
            return LeaveDeadline.class.hashCode();
        }

        @Override
        public String toString() {
            return "LeaveDeadline";
        }
    }

    /** Our leave announcement has gone out and the propagation delay has passed. */
    record LeavePropagated() implements Timer {
        @Override
        public void dispatchTo(Handler handler) {
            handler.onLeavePropagated(this);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LeavePropagated;
        }

        @Override
        public int hashCode() {
            return LeavePropagated.class.hashCode();
        }

        @Override
        public String toString() {
            return "LeavePropagated";
        }
    }
}
