package io.rollcall.core.transport;

import io.rollcall.core.codec.DecodeDrop;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.MessageType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Traffic counters, safe to update from every transport thread: messages and bytes in and out by
 * message type, and every drop by reason.
 */
public final class TransportCounters {

    /** Why the transport, rather than the codec, dropped something. */
    public enum TransportDrop {
        /** The protocol thread's queue was full. */
        RECEIVE_QUEUE_FULL,
        /** Too many inbound streams at once, all of them past their request (nothing could give way). */
        INBOUND_STREAM_LIMIT,
        /** Too many inbound streams at once from one source, all of them past their request. */
        INBOUND_STREAM_SOURCE_LIMIT,
        /** An inbound stream still sending its request was closed to make room for a newcomer. */
        INBOUND_STREAM_DISPLACED,
        /** An inbound stream outlived its total deadline and was closed. */
        INBOUND_STREAM_DEADLINE,
        /** Too many outbound streams at once. */
        OUTBOUND_STREAM_LIMIT,
        /** A stream timed out or broke. */
        STREAM_IO_ERROR,
        /** A datagram could not be sent. */
        SEND_ERROR,
        /** A datagram from an address outside the allowed ranges. */
        SOURCE_NOT_ALLOWED
    }

    private final EnumMap<MessageType, LongAdder> messagesIn = adders(MessageType.class);
    private final EnumMap<MessageType, LongAdder> messagesOut = adders(MessageType.class);
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder streamsIn = new LongAdder();
    private final LongAdder streamsOut = new LongAdder();
    private final EnumMap<DecodeDropReason, LongAdder> decodeDrops = adders(DecodeDropReason.class);
    private final EnumMap<TransportDrop, LongAdder> transportDrops = adders(TransportDrop.class);

    private static <E extends Enum<E>> EnumMap<E, LongAdder> adders(Class<E> type) {
        EnumMap<E, LongAdder> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, new LongAdder());
        }
        return map;
    }

    void received(int bytes, boolean stream) {
        bytesIn.add(bytes);
        (stream ? streamsIn : packetsIn).increment();
    }

    void sent(int bytes, boolean stream) {
        bytesOut.add(bytes);
        (stream ? streamsOut : packetsOut).increment();
    }

    void decoded(DecodeResult result) {
        for (Message m : result.messages()) {
            messagesIn.get(m.type()).increment();
        }
        for (DecodeDrop d : result.drops()) {
            decodeDrops.get(d.reason()).increment();
        }
    }

    void encoded(Iterable<? extends Message> messages) {
        for (Message m : messages) {
            messagesOut.get(m.type()).increment();
        }
    }

    void drop(TransportDrop reason) {
        transportDrops.get(reason).increment();
    }

    /** @return messages received, by type */
    public Map<MessageType, Long> messagesIn() {
        return sums(messagesIn);
    }

    /** @return messages sent, by type */
    public Map<MessageType, Long> messagesOut() {
        return sums(messagesOut);
    }

    /** @return bytes received in datagrams and streams */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** @return bytes sent in datagrams and streams */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** @return datagrams received */
    public long packetsIn() {
        return packetsIn.sum();
    }

    /** @return datagrams sent */
    public long packetsOut() {
        return packetsOut.sum();
    }

    /** @return inbound streams served */
    public long streamsIn() {
        return streamsIn.sum();
    }

    /** @return outbound streams opened */
    public long streamsOut() {
        return streamsOut.sum();
    }

    /** @return undecodable input, by reason */
    public Map<DecodeDropReason, Long> decodeDrops() {
        return sums(decodeDrops);
    }

    /** @return input or output the transport itself dropped, by reason */
    public Map<TransportDrop, Long> transportDrops() {
        return sums(transportDrops);
    }

    private static <E extends Enum<E>> Map<E, Long> sums(EnumMap<E, LongAdder> adders) {
        EnumMap<E, Long> out = new EnumMap<>(adders.keySet().iterator().next().getDeclaringClass());
        adders.forEach((k, v) -> out.put(k, v.sum()));
        return Map.copyOf(out);
    }
}
