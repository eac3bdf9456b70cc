package io.rollcall.core.message;

import io.rollcall.core.Bytes;
import java.util.Objects;

/**
 * An application message carried by memberlist (for us: Serf's intents, events and queries).
 *
 * @param payload the raw application bytes
 */
public record UserData(Bytes payload) implements Message {
    /** Validates the fields. */
    public UserData {
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public MessageType type() {
        return MessageType.USER;
    }
}
