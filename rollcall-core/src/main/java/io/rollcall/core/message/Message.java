package io.rollcall.core.message;

/**
 * Every protocol message, one record per memberlist message type. Framing (compound, compress, CRC,
 * encryption, label) belongs to the codec and is not a message. Sequence numbers and incarnations
 * are unsigned 32-bit values held in longs.
 */
public sealed interface Message
        permits Ping, IndirectPing, Ack, Nack, GossipMessage, PushPull, UserData, ErrorResponse {

    /** @return memberlist's message type byte */
    MessageType type();
}
