package io.rollcall.core.message;

import io.rollcall.core.Bytes;
import java.util.Objects;

/**
 * Probe answer.
 *
 * @param seqNo   the sequence number of the ping answered
 * @param payload opaque ping-delegate payload (Serf puts its coordinate here), usually empty
 */
public record Ack(long seqNo, Bytes payload) implements Message {
    /** Validates the fields. */
    public Ack {
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public MessageType type() {
        return MessageType.ACK;
    }
}
