package io.rollcall;

/** What happened to a member. */
public enum ChangeKind {
    /** New to this node, or back after having failed or left. */
    JOINED,
    /** Its address or metadata changed. */
    UPDATED,
    /** It missed a probe and is suspect. */
    SUSPECTED,
    /** It refuted a suspicion and is alive again. */
    RECOVERED,
    /** It was declared failed. */
    FAILED,
    /** It left voluntarily. */
    LEFT,
    /** A failed or left member was removed after its retention time. */
    REMOVED
}
