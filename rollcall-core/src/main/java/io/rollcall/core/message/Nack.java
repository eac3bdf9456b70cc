package io.rollcall.core.message;

/**
 * Sent by an indirect prober when the target did not answer: it proves the path to the intermediary
 * works, which Lifeguard uses to judge the prober's own health.
 *
 * @param seqNo the original prober's sequence number
 */
public record Nack(long seqNo) implements Message {
    @Override
    public MessageType type() {
        return MessageType.NACK;
    }
}
