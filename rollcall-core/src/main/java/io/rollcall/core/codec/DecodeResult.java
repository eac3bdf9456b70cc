package io.rollcall.core.codec;

import io.rollcall.core.message.Message;
import java.util.List;

/**
 * What decoding produced: the messages that could be read and a drop for each piece that could not.
 * Both can be non-empty at once, because memberlist handles the parts of a compound (and the entries of
 * a push/pull) independently: one bad part does not spoil its neighbours. Decoding never yields both
 * lists empty.
 *
 * @param messages decoded messages, in wire order
 * @param drops    refused pieces, in wire order
 */
public record DecodeResult(List<Message> messages, List<DecodeDrop> drops) {
    /** Copies the lists. */
    public DecodeResult {
        messages = List.copyOf(messages);
        drops = List.copyOf(drops);
    }

    /**
     * @param message the single decoded message
     * @return a result holding just that message
     */
    public static DecodeResult of(Message message) {
        return new DecodeResult(List.of(message), List.of());
    }

    /**
     * @param reason why the input was refused
     * @param detail one line for logs
     * @return a result holding just that drop
     */
    public static DecodeResult dropped(DecodeDropReason reason, String detail) {
        return new DecodeResult(List.of(), List.of(new DecodeDrop(reason, detail)));
    }

    /** @return true if nothing at all was refused */
    public boolean isClean() {
        return drops.isEmpty();
    }
}
