package io.rollcall;

/**
 * What this node believes about a member. See docs/MODEL.md for the exact rules.
 */
public enum MemberStatus {
    /** Answering probes. Reachable. */
    ALIVE,
    /** Missed a probe and may refute within the suspicion timeout; usually still up. Reachable. */
    SUSPECT,
    /** Declared failed after an unrefuted suspicion. Not reachable. */
    FAILED,
    /** Left voluntarily. Not reachable, and never shown as failed. */
    LEFT;

    /** @return true for the statuses a caller may send work to: {@link #ALIVE} and {@link #SUSPECT} */
    public boolean isReachable() {
        return this == ALIVE || this == SUSPECT;
    }
}
