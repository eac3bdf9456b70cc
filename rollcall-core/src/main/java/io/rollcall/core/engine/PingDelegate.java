package io.rollcall.core.engine;

import io.rollcall.core.Bytes;

/**
 * The layer above the protocol's say in probes, as memberlist's PingDelegate (Serf puts its network
 * coordinate here): a payload for every ack we send over UDP, and the outcome of each of our probes
 * answered directly by its target. Called on the thread that owns the engine, during the engine call
 * that caused it; must not block. The engine never looks inside the payloads.
 */
public interface PingDelegate {
    /** A delegate that does nothing: acks carry no payload. */
    PingDelegate NONE = new PingDelegate() {
    };

    /** @return the payload for the ack we are about to send over UDP, or empty for none */
    default Bytes ackPayload() {
        return Bytes.EMPTY;
    }

    /**
     * Our probe of {@code member} was acknowledged by the member itself over UDP (not through a
     * helper, not over TCP).
     *
     * @param member    the probed member's name
     * @param rttMicros from sending the ping to receiving the ack, on the engine's clock
     * @param payload   the ack's payload, possibly empty
     */
    default void pingCompleted(String member, long rttMicros, Bytes payload) {
    }
}
