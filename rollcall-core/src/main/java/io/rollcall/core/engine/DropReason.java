package io.rollcall.core.engine;

/** Why the engine ignored an input. Each is counted; none is an error the caller sees. */
public enum DropReason {
    /** A ping addressed to a different node name (a restarted node under a new name, or a stale address). */
    PING_FOR_OTHER_NODE,
    /** An ack or nack for no probe we are running. */
    UNEXPECTED_ACK,
    /** An alive message with a malformed version vector, which real peers would choke on. */
    INVALID_VERSIONS,
    /** Metadata above the limit. */
    META_TOO_LARGE,
    /** An alive message for a live member from a different address. */
    ADDRESS_CONFLICT,
    /**
     * A new member, or larger metadata for a known one, while the table is full of live members:
     * by count ({@code maxMembers}) or by bytes ({@code maxMemberBytes}).
     */
    TABLE_FULL,
    /** A new member in a state exchange that has already added its share of the table's byte budget. */
    STATE_SHARE_SPENT,
    /** An indirect probe request while we already serve the maximum number. */
    RELAY_LIMIT,
    /** A state exchange listing more members than we keep. */
    STATE_TOO_LARGE,
    /** A stream reply or failure for a request we do not have. */
    UNKNOWN_STREAM,
    /** A request of a kind not valid on the channel it arrived on. */
    UNEXPECTED_MESSAGE,
    /** A gossip update evicted from the full broadcast queue before being sent enough times. */
    BROADCAST_QUEUE_FULL,
    /** A stream request we wanted to open while the maximum were already pending. */
    STREAM_LIMIT,
    /** A claim about us left unrefuted because the raised incarnation could not be stored ({@link Outbox#storeSelf}). */
    SELF_STATE_NOT_STORED,
    /**
     * A claim about a known member (or about us) more than {@link IncarnationRule#MAX_INCARNATION_JUMP}
     * above the incarnation we hold for it.
     */
    INCARNATION_JUMP,
    /** A message naming a member whose name breaks {@link io.rollcall.core.NodeNameRules the name rule}. */
    INVALID_NAME,
    /**
     * A decision record that found no room in the member table's byte budget even with this
     * member's older records and every tombstone gone: the transition happened, only its record is lost.
     */
    DECISION_RECORD_NO_ROOM,
    /** Input received after the engine was stopped. */
    STOPPED
}
