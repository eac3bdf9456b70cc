package io.rollcall.core;

/**
 * memberlist's six-byte version vector: the memberlist protocol range and version in use, and the
 * delegate (for Serf: Serf protocol) range and version in use. Peers reject members whose vector is
 * malformed, so every member we announce carries a full, valid one.
 *
 * @param protocolMin     lowest memberlist protocol understood
 * @param protocolMax     highest memberlist protocol understood
 * @param protocolCurrent memberlist protocol spoken
 * @param delegateMin     lowest delegate protocol understood
 * @param delegateMax     highest delegate protocol understood
 * @param delegateCurrent delegate protocol spoken
 */
public record VersionVector(int protocolMin, int protocolMax, int protocolCurrent,
                            int delegateMin, int delegateMax, int delegateCurrent) {

    /** What Rollcall announces: memberlist 1..5 speaking 2, Serf delegate 2..5 speaking 5, as serf agent does. */
    public static final VersionVector ROLLCALL = new VersionVector(1, 5, 2, 2, 5, 5);

    /** Checks every component fits in a byte. */
    public VersionVector {
        for (int v : new int[] {protocolMin, protocolMax, protocolCurrent, delegateMin, delegateMax, delegateCurrent}) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("version component out of range 0..255: " + v);
            }
        }
    }

    /**
     * memberlist ignores alive messages whose protocol range is zero or inverted; so do we.
     *
     * @return true if peers will accept a member carrying this vector
     */
    public boolean isUsable() {
        return protocolMin != 0 && protocolMax != 0 && protocolMin <= protocolMax;
    }

    /**
     * @param raw bytes as found on the wire
     * @return the vector, or null unless there are exactly six bytes
     */
    public static VersionVector fromBytes(byte[] raw) {
        if (raw == null || raw.length != 6) {
            return null;
        }
        return new VersionVector(raw[0] & 0xFF, raw[1] & 0xFF, raw[2] & 0xFF, raw[3] & 0xFF, raw[4] & 0xFF, raw[5] & 0xFF);
    }

    /** @return the six bytes as memberlist writes them */
    public byte[] toBytes() {
        return new byte[] {(byte) protocolMin, (byte) protocolMax, (byte) protocolCurrent,
            (byte) delegateMin, (byte) delegateMax, (byte) delegateCurrent};
    }
}
