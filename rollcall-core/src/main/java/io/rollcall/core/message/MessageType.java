package io.rollcall.core.message;

/** memberlist's message type bytes. The numbers are part of the wire protocol and never change. */
public enum MessageType {
    /** Direct probe. */
    PING(0),
    /** Request to probe a target on the sender's behalf. */
    INDIRECT_PING(1),
    /** Probe answer. */
    ACK(2),
    /** Gossip: a member is suspected. */
    SUSPECT(3),
    /** Gossip: a member is alive at an incarnation. */
    ALIVE(4),
    /** Gossip: a member is dead, or left when the accuser is the member itself. */
    DEAD(5),
    /** Full state exchange (TCP). */
    PUSH_PULL(6),
    /** Framing: several messages in one packet. */
    COMPOUND(7),
    /** Application (for us: Serf) payload. */
    USER(8),
    /** Framing: LZW-compressed message. */
    COMPRESS(9),
    /** Framing: encrypted stream. */
    ENCRYPT(10),
    /** An indirect probe's target did not answer. */
    NACK(11),
    /** Framing: CRC32-checked packet. */
    CRC(12),
    /** Stream error reply. */
    ERROR(13),
    /** Framing: cluster label header (memberlist 0.3.0 and later). */
    LABEL(244);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** @return the type byte */
    public int code() {
        return code;
    }

    /**
     * @param code a type byte from the wire (0..255)
     * @return the type, or null if unknown
     */
    public static MessageType fromCode(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
