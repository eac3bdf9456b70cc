package io.rollcall.core.codec;

import io.rollcall.core.message.Message;
import io.rollcall.core.message.MessageType;
import io.rollcall.core.message.WireSizes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Datagrams as memberlist frames them. Sending, inside out: one message alone or several in a compound
 * ({@code 07 | u8 count | count × u16 BE length | parts}), then LZW compression if enabled and smaller,
 * then a CRC32 header for peers that understand it, then the encryption hook (unless outgoing
 * verification is off), then the label header.
 * Receiving undoes the same layers, and never throws: whatever cannot be read becomes a counted drop,
 * while the readable parts of a compound are kept, as memberlist keeps them. Immutable, so one
 * instance can serve every transport thread.
 */
public final class PacketCodec {
    private static final int LABEL = MessageType.LABEL.code();
    private static final int CRC = MessageType.CRC.code();
    private static final int CRC_HEADER_BYTES = 5;
    private static final int MAX_PART_BYTES = 0xFFFF;
    /**
     * Most bytes a datagram that no key authenticates may decompress to while we only work out which
     * drop to count (incoming verification on): a datagram's worth, enough to recognise a compressed
     * plaintext packet from a peer without the key, far too little for a bomb to cost anything.
     */
    static final int UNAUTHENTICATED_DECOMPRESSED_BYTES = 65_536;

    private final CodecConfig config;
    private final byte[] label;

    /**
     * @param config framing options and decoding limits
     */
    public PacketCodec(CodecConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.label = config.labelBytes();
    }

    /**
     * @param messages 1 to {@value WireSizes#COMPOUND_MAX_PARTS} datagram messages (not push/pull or
     *                 error responses, which travel on streams)
     * @param withCrc  add memberlist's CRC header: only for peers whose protocol maximum is 5 or more
     * @return the datagram
     * @throws IllegalArgumentException for no messages, more than 127 (memberlist 0.2.2/0.2.3 mis-parse
     *                                  128 and more), stream-only messages, or a part above 65535 bytes
     */
    public byte[] encode(List<? extends Message> messages, boolean withCrc) {
        if (messages.isEmpty() || messages.size() > WireSizes.COMPOUND_MAX_PARTS) {
            throw new IllegalArgumentException("a packet carries 1.." + WireSizes.COMPOUND_MAX_PARTS
                    + " messages, not " + messages.size());
        }
        List<byte[]> parts = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (!isPacketMessage(m.type())) {
                throw new IllegalArgumentException(m.type() + " travels on streams, not in packets");
            }
            parts.add(MessageCodec.encode(m));
        }
        byte[] payload = parts.size() == 1 ? parts.get(0) : compound(parts);
        if (config.compression()) {
            byte[] compressed = CompressionFrame.wrap(payload);
            if (compressed.length < payload.length) {
                payload = compressed;
            }
        }
        if (withCrc) {
            payload = withCrcHeader(payload);
        }
        if (config.encryptsOutgoing()) {
            payload = config.cipher().encrypt(payload, label);
        }
        return label.length == 0 ? payload : withLabel(label, payload);
    }

    /**
     * @param datagram a received datagram
     * @return its messages and drops; never both empty
     */
    public DecodeResult decode(byte[] datagram) {
        return decode(datagram, 0, datagram.length);
    }

    /**
     * @param buf    holds a received datagram
     * @param offset where it starts
     * @param length its length
     * @return its messages and drops; never both empty
     */
    public DecodeResult decode(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        try {
            if (length > config.limits().maxPacketBytes()) {
                throw new DropException(DecodeDropReason.OVERSIZED, "packet of " + length + " bytes");
            }
            int start = offset;
            int end = offset + length;
            byte[] packetLabel = new byte[0];
            if (length > 0 && (buf[start] & 0xFF) == LABEL) {
                if (length < 2) {
                    throw new DropException(DecodeDropReason.TRUNCATED, "missing label size");
                }
                int n = buf[start + 1] & 0xFF;
                if (n == 0) {
                    throw new DropException(DecodeDropReason.LABEL_MISMATCH, "label header cannot be empty when present");
                }
                if (length < 2 + n) {
                    throw new DropException(DecodeDropReason.TRUNCATED, "missing label");
                }
                packetLabel = Arrays.copyOfRange(buf, start + 2, start + 2 + n);
                start += 2 + n;
            }
            if (!Arrays.equals(packetLabel, label)) {
                throw new DropException(DecodeDropReason.LABEL_MISMATCH, "packet label '"
                        + new String(packetLabel, StandardCharsets.UTF_8) + "' is not ours");
            }
            if (config.cipher() == null) {
                return decodePlaintext(buf, start, end);
            }
            byte[] plain = config.cipher().decrypt(Arrays.copyOfRange(buf, start, end), label);
            return plain != null ? decodePlaintext(plain, 0, plain.length) : notDecrypted(buf, start, end);
        } catch (DropException e) {
            return DecodeResult.dropped(e.reason(), e.getMessage());
        }
    }

    /** Everything inside the encryption layer: the optional CRC header, then the message or frames. */
    private DecodeResult decodePlaintext(byte[] buf, int start, int end) {
        return decodePlaintext(buf, start, end, decompressionLimit());
    }

    /** The most one datagram's compress frames may expand to, all together. */
    private int decompressionLimit() {
        return Math.min(config.limits().maxPacketDecompressedBytes(), config.limits().maxDecompressedBytes());
    }

    private DecodeResult decodePlaintext(byte[] buf, int start, int end, int decompressionBudget) {
        Collector out = new Collector(config.limits(), decompressionBudget);
        try {
            int from = start;
            if (end > from && (buf[from] & 0xFF) == CRC) {
                from = checkCrc(buf, from, end);
            }
            decodeCommand(buf, from, end - from, 0, out);
        } catch (DropException e) {
            out.drop(e);
        }
        return out.result();
    }

    /**
     * No key decrypts the packet. A datagram has no type byte telling ciphertext from plaintext, so
     * memberlist reads such a packet as plaintext when incoming verification is off; so do we. With
     * verification on we read it as plaintext too, but only to name the drop: NOT_ENCRYPTED for a
     * packet that is readable plaintext (a peer without encryption), DECRYPTION_FAILED otherwise (a
     * peer with another key, or garbage). Unreadable either way, it counts as DECRYPTION_FAILED.
     */
    private DecodeResult notDecrypted(byte[] buf, int start, int end) {
        // With verification on, the plaintext reading only names the drop, so it gets a small
        // decompression budget: otherwise anyone who can reach the port could make an encrypted node
        // expand a bomb (LZW expands about 1,300 times) and encryption would not protect against it.
        int budget = config.verifyIncoming()
                ? Math.min(UNAUTHENTICATED_DECOMPRESSED_BYTES, decompressionLimit())
                : decompressionLimit();
        DecodeResult asPlaintext = decodePlaintext(buf, start, end, budget);
        boolean readable = !asPlaintext.messages().isEmpty();
        if (readable && !config.verifyIncoming()) {
            return asPlaintext;
        }
        if (readable) {
            return DecodeResult.dropped(DecodeDropReason.NOT_ENCRYPTED,
                    "encryption is configured but the packet is not encrypted");
        }
        return DecodeResult.dropped(DecodeDropReason.DECRYPTION_FAILED, config.verifyIncoming()
                ? "no key decrypts the packet"
                : "no key decrypts the packet, nor is it plaintext: " + asPlaintext.drops().get(0).detail());
    }

    /** Verifies the CRC header and returns where the checked payload starts. */
    private static int checkCrc(byte[] buf, int start, int end) throws DropException {
        if (end - start < CRC_HEADER_BYTES) {
            throw new DropException(DecodeDropReason.TRUNCATED, "CRC header cut short");
        }
        long expected = ((buf[start + 1] & 0xFFL) << 24) | ((buf[start + 2] & 0xFF) << 16)
                | ((buf[start + 3] & 0xFF) << 8) | (buf[start + 4] & 0xFF);
        CRC32 crc = new CRC32();
        crc.update(buf, start + CRC_HEADER_BYTES, end - start - CRC_HEADER_BYTES);
        if (crc.getValue() != expected) {
            throw new DropException(DecodeDropReason.BAD_CRC, "CRC mismatch");
        }
        return start + CRC_HEADER_BYTES;
    }

    private void decodeCommand(byte[] buf, int offset, int length, int depth, Collector out) {
        if (out.isFull()) {
            return;
        }
        if (length < 1) {
            out.drop(new DropException(DecodeDropReason.TRUNCATED, "missing message type byte"));
            return;
        }
        int code = buf[offset] & 0xFF;
        boolean frame = code == MessageType.COMPOUND.code() || code == MessageType.COMPRESS.code();
        if (frame && depth >= config.limits().maxNestingDepth()) {
            out.drop(new DropException(DecodeDropReason.NESTING_TOO_DEEP, "frames nested deeper than "
                    + config.limits().maxNestingDepth()));
            return;
        }
        try {
            if (code == MessageType.COMPOUND.code()) {
                decodeCompound(buf, offset, length, depth, out);
            } else if (code == MessageType.COMPRESS.code()) {
                // The budget bounds what all frames of the packet expand to; a frame's buffer may be
                // larger than its content, and it is the buffer the heap holds.
                Lzw.Slice plain = CompressionFrame.unwrap(buf, offset + 1, length - 1, out.decompressionBudget(),
                        Lzw.Allowance.NONE);
                out.spendDecompression(plain.bytes().length);
                decodeCommand(plain.bytes(), 0, plain.length(), depth + 1, out);
            } else {
                MessageType type = MessageType.fromCode(code);
                if (type != null && !isPacketMessage(type)) {
                    throw new DropException(DecodeDropReason.UNEXPECTED_TYPE, type + " cannot appear in a packet");
                }
                out.add(MessageCodec.decodeMessage(buf, offset, length));
            }
        } catch (DropException e) {
            out.drop(e);
        }
    }

    /** Decodes each complete part on its own, like memberlist; a truncated tail is one drop. */
    private void decodeCompound(byte[] buf, int offset, int length, int depth, Collector out) throws DropException {
        if (length < 2) {
            throw new DropException(DecodeDropReason.TRUNCATED, "missing compound length byte");
        }
        int parts = buf[offset + 1] & 0xFF;
        if (parts == 0) {
            throw new DropException(DecodeDropReason.TRUNCATED, "compound with no parts");
        }
        int pos = offset + 2;
        int end = offset + length;
        if (end - pos < parts * 2) {
            throw new DropException(DecodeDropReason.TRUNCATED, "truncated compound length slice");
        }
        int[] lengths = new int[parts];
        for (int i = 0; i < parts; i++) {
            lengths[i] = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
        }
        for (int i = 0; i < parts; i++) {
            if (end - pos < lengths[i]) {
                throw new DropException(DecodeDropReason.TRUNCATED, (parts - i) + " of " + parts
                        + " compound parts truncated");
            }
            decodeCommand(buf, pos, lengths[i], depth + 1, out);
            pos += lengths[i];
        }
        if (pos != end) {
            throw new DropException(DecodeDropReason.TRAILING_GARBAGE, (end - pos) + " bytes after compound parts");
        }
    }

    /** The message types memberlist's packet handler accepts. */
    private static boolean isPacketMessage(MessageType type) {
        return type == MessageType.PING || type == MessageType.INDIRECT_PING || type == MessageType.ACK
                || type == MessageType.NACK || type == MessageType.SUSPECT || type == MessageType.ALIVE
                || type == MessageType.DEAD || type == MessageType.USER;
    }

    private static byte[] compound(List<byte[]> parts) {
        int total = WireSizes.COMPOUND_HEADER_BYTES;
        for (byte[] p : parts) {
            if (p.length > MAX_PART_BYTES) {
                throw new IllegalArgumentException("compound part of " + p.length + " bytes exceeds " + MAX_PART_BYTES);
            }
            total += WireSizes.COMPOUND_PART_OVERHEAD_BYTES + p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(total);
        out.write(MessageType.COMPOUND.code());
        out.write(parts.size());
        for (byte[] p : parts) {
            out.write(p.length >>> 8);
            out.write(p.length);
        }
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] withCrcHeader(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        long v = crc.getValue();
        byte[] out = new byte[CRC_HEADER_BYTES + payload.length];
        out[0] = (byte) CRC;
        out[1] = (byte) (v >>> 24);
        out[2] = (byte) (v >>> 16);
        out[3] = (byte) (v >>> 8);
        out[4] = (byte) v;
        System.arraycopy(payload, 0, out, CRC_HEADER_BYTES, payload.length);
        return out;
    }

    /** Prefixes {@code f4 | u8 length | label}; streams use the same header. */
    static byte[] withLabel(byte[] label, byte[] payload) {
        byte[] out = new byte[2 + label.length + payload.length];
        out[0] = (byte) LABEL;
        out[1] = (byte) label.length;
        System.arraycopy(label, 0, out, 2, label.length);
        System.arraycopy(payload, 0, out, 2 + label.length, payload.length);
        return out;
    }

    /** Accumulates one datagram's outcome and enforces its per-packet budgets. */
    private static final class Collector {
        private final List<Message> messages = new ArrayList<>();
        private final List<DecodeDrop> drops = new ArrayList<>();
        private final int maxParts;
        private long decompressionBudget;
        private boolean full;

        Collector(CodecLimits limits, int decompressionBudget) {
            this.maxParts = limits.maxMessagesPerPacket();
            this.decompressionBudget = decompressionBudget;
        }

        boolean isFull() {
            return full;
        }

        void add(Message m) {
            if (reserve()) {
                messages.add(m);
            }
        }

        void drop(DropException e) {
            if (reserve()) {
                drops.add(e.toDrop());
            }
        }

        /** The parts budget counts drops too, so hostile packets cannot grow the drop list either. */
        private boolean reserve() {
            if (full) {
                return false;
            }
            if (messages.size() + drops.size() >= maxParts) {
                full = true;
                drops.add(new DecodeDrop(DecodeDropReason.TOO_MANY_PARTS, "more than " + maxParts + " parts in one packet"));
                return false;
            }
            return true;
        }

        int decompressionBudget() {
            return (int) decompressionBudget;
        }

        void spendDecompression(int bytes) {
            decompressionBudget -= bytes;
        }

        DecodeResult result() {
            return new DecodeResult(messages, drops);
        }
    }
}
