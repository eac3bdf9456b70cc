package io.rollcall.core.message;

import java.util.Objects;

/**
 * Sent back on a stream the receiver could not process.
 *
 * @param error the peer's description
 */
public record ErrorResponse(String error) implements Message {
    /** Validates the fields. */
    public ErrorResponse {
        Objects.requireNonNull(error, "error");
    }

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }
}
