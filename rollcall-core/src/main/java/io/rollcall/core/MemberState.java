package io.rollcall.core;

/**
 * What one node believes about another. The numeric codes are memberlist's on the wire.
 * docs/MODEL.md defines each state for users; {@link io.rollcall.core.Precedence} orders them.
 */
public enum MemberState {
    /** Answering probes, or recently vouched for by a newer incarnation. */
    ALIVE(0),
    /** Missed a probe; will be declared dead unless it refutes within the suspicion timeout. */
    SUSPECT(1),
    /** Declared failed: the suspicion timeout ran out without a refutation. Shown to users as "failed". */
    DEAD(2),
    /** Departed voluntarily and said so. Never probed, never declared dead. */
    LEFT(3);

    private final int wireCode;

    MemberState(int wireCode) {
        this.wireCode = wireCode;
    }

    /** @return memberlist's numeric code for this state */
    public int wireCode() {
        return wireCode;
    }

    /**
     * @param code memberlist's numeric code
     * @return the state, or null if the code is unknown
     */
    public static MemberState fromWireCode(long code) {
        return switch ((int) Math.max(-1, Math.min(code, 4))) {
            case 0 -> ALIVE;
            case 1 -> SUSPECT;
            case 2 -> DEAD;
            case 3 -> LEFT;
            default -> null;
        };
    }

    /** @return true for ALIVE and SUSPECT: the member is still taking part and is probed */
    public boolean isLive() {
        return this == ALIVE || this == SUSPECT;
    }
}
