package io.rollcall.core.codec;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.MessageType;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.UserData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One message on a TCP connection, as memberlist frames it: optional label header, then either the
 * encrypted frame {@code 0a | u32 BE length | ciphertext} or the plaintext, which is always
 * compress-wrapped when compression is enabled. Push/pull is a msgpack header, that many msgpack
 * member entries and the raw user state; a user message is a msgpack length header and raw bytes.
 * Reading is incremental and stops at the end of the message, because the peer does not half-close.
 * Every byte a read takes, and every buffer it builds, is charged first to the lease of the codec's
 * {@link StreamMemory}, so all connections together stay within
 * {@link CodecLimits#maxInflightStreamBytes()}. Thread-safe: one instance serves every connection.
 */
public final class StreamCodec {
    private static final int LABEL = MessageType.LABEL.code();
    private static final int ENCRYPT = MessageType.ENCRYPT.code();
    /**
     * The heap one decoded push/pull entry takes beyond its bytes: the record, its name string, its
     * address, its metadata wrapper and version vector, and its slot in the list.
     */
    static final int DECODED_ENTRY_OBJECT_BYTES = 256;

    private final CodecConfig config;
    private final byte[] label;
    private final StreamMemory memory;

    /**
     * @param config framing options and decoding limits
     */
    public StreamCodec(CodecConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.label = config.labelBytes();
        this.memory = new StreamMemory(config.limits().maxInflightStreamBytes());
    }

    /**
     * @return a lease on the memory of streams being decoded; hold it until the message read with it
     *         has been handled, then close it
     */
    public StreamMemory.Lease lease() {
        return memory.lease();
    }

    /** @return the memory all streams being decoded share */
    public StreamMemory memory() {
        return memory;
    }

    /**
     * @param message a ping, ack, push/pull, user message or error response
     * @return every byte to write on the connection for it
     * @throws IllegalArgumentException for a message that never travels on streams
     */
    public byte[] encode(Message message) {
        MessageType type = message.type();
        if (!isStreamMessage(type)) {
            throw new IllegalArgumentException(type + " does not travel on streams");
        }
        byte[] plain = message instanceof UserData u ? MessageCodec.encodeUserStream(u) : MessageCodec.encode(message);
        if (config.compression()) {
            // Unlike packets, memberlist compresses streams even when that makes them larger.
            plain = CompressionFrame.wrap(plain);
        }
        byte[] frame = config.encryptsOutgoing() ? encrypt(plain) : plain;
        return label.length == 0 ? frame : PacketCodec.withLabel(label, frame);
    }

    /**
     * @param message a ping, ack, push/pull, user message or error response
     * @param out     the connection
     * @throws IOException if the connection fails
     */
    public void write(Message message, OutputStream out) throws IOException {
        out.write(encode(message));
        out.flush();
    }

    /**
     * Reads exactly one message and nothing after it. Pass a buffered stream: the message is parsed a
     * few bytes at a time.
     *
     * @param in the connection
     * @return the message (with drops for push/pull entries that could not be represented), or a drop
     * @throws IOException only if the connection itself fails; a peer closing early is a TRUNCATED drop
     */
    public DecodeResult read(InputStream in) throws IOException {
        try (StreamMemory.Lease lease = lease()) {
            return read(in, lease);
        }
    }

    /**
     * Reads exactly one message and nothing after it, charging what it holds to {@code lease}, which
     * the caller closes once the message has been handled: until then the decoded message is on the heap.
     *
     * @param in    the connection
     * @param lease from {@link #lease()}
     * @return the message (with drops for push/pull entries that could not be represented), or a drop
     *         (MEMORY_BUDGET when the streams being decoded already hold the in-flight budget)
     * @throws IOException only if the connection itself fails; a peer closing early is a TRUNCATED drop
     */
    public DecodeResult read(InputStream in, StreamMemory.Lease lease) throws IOException {
        CodecLimits limits = config.limits();
        BoundedInput wire = BoundedInput.wire(in, limits.maxStreamBytes(), lease);
        try {
            int type = wire.readByte();
            byte[] streamLabel = new byte[0];
            if (type == LABEL) {
                int n = wire.readByte();
                if (n == 0) {
                    throw new DropException(DecodeDropReason.LABEL_MISMATCH, "label header cannot be empty when present");
                }
                streamLabel = wire.readFully(n);
                type = wire.readByte();
            }
            if (!Arrays.equals(streamLabel, label)) {
                throw new DropException(DecodeDropReason.LABEL_MISMATCH,
                        "stream label '" + new String(streamLabel, StandardCharsets.UTF_8) + "' is not ours");
            }
            BoundedInput body = wire;
            if (type == ENCRYPT) {
                body = BoundedInput.inMemory(decrypt(wire, lease), lease);
                type = body.readByte();
            } else if (config.requiresEncryptedIncoming()) {
                // A stream, unlike a datagram, says whether it is encrypted, so only this switch decides.
                throw new DropException(DecodeDropReason.NOT_ENCRYPTED,
                        "encryption is configured but remote state is not encrypted");
            }
            if (type == MessageType.COMPRESS.code()) {
                byte[] frame = body.readValue();
                if (body.isInMemory()) {
                    body.expectEnd("compress frame");
                }
                // Decompressed as it is decoded: a bomb costs what its decoded messages cost, up to
                // the limit, never an array of its full size.
                body = BoundedInput.decompressing(CompressionFrame.reader(frame, 0, frame.length,
                        limits.maxDecompressedBytes()), limits.maxDecompressedBytes(), lease);
                type = body.readByte();
            }
            DecodeResult result = readMessage(type, body);
            if (body.isInMemory()) {
                body.expectEnd("stream message");
            }
            return result;
        } catch (DropException e) {
            return DecodeResult.dropped(e.reason(), e.getMessage());
        }
    }

    private byte[] encrypt(byte[] plain) {
        int length = config.cipher().encryptedLength(plain.length);
        byte[] header = {(byte) ENCRYPT, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
            (byte) length};
        byte[] ciphertext = config.cipher().encrypt(plain, concat(header, label));
        if (ciphertext.length != length) {
            throw new IllegalStateException("cipher produced " + ciphertext.length + " bytes, announced " + length);
        }
        return concat(header, ciphertext);
    }

    private byte[] decrypt(BoundedInput wire, StreamMemory.Lease lease) throws IOException, DropException {
        if (config.cipher() == null) {
            throw new DropException(DecodeDropReason.ENCRYPTED_NO_KEY,
                    "remote state is encrypted and encryption is not configured");
        }
        byte[] lengthField = wire.readFully(4);
        long length = ((lengthField[0] & 0xFFL) << 24) | ((lengthField[1] & 0xFF) << 16)
                | ((lengthField[2] & 0xFF) << 8) | (lengthField[3] & 0xFF);
        if (length > config.limits().maxStreamBytes()) {
            throw new DropException(DecodeDropReason.OVERSIZED, "encrypted frame of " + length + " bytes");
        }
        byte[] ciphertext = wire.readFully(length);
        byte[] header = concat(new byte[] {(byte) ENCRYPT}, lengthField);
        // The plaintext is a little shorter than the ciphertext; the cipher allocates it.
        lease.take(ciphertext.length);
        byte[] plain = config.cipher().decrypt(ciphertext, concat(header, label));
        if (plain == null) {
            throw new DropException(DecodeDropReason.DECRYPTION_FAILED, "no key decrypts the stream");
        }
        return plain;
    }

    private DecodeResult readMessage(int code, BoundedInput body) throws IOException, DropException {
        MessageType type = MessageType.fromCode(code);
        if (type == null) {
            throw new DropException(DecodeDropReason.UNKNOWN_TYPE, "stream message type " + code + " not supported");
        }
        if (!isStreamMessage(type)) {
            throw new DropException(DecodeDropReason.UNEXPECTED_TYPE, type + " cannot appear on a stream");
        }
        if (type == MessageType.PUSH_PULL) {
            return readPushPull(body);
        }
        byte[] value = body.readValue();
        if (type == MessageType.USER) {
            long length = MessageCodec.decodeUserMsgLen(value);
            if (length > config.limits().maxStreamBytes()) {
                throw new DropException(DecodeDropReason.OVERSIZED, "user message of " + length + " bytes");
            }
            return DecodeResult.of(new UserData(Bytes.of(body.readFully(length))));
        }
        return DecodeResult.of(MessageCodec.decodeBody(type, value, 0, value.length));
    }

    /**
     * The header's counts are checked before anything else is read. Entries we cannot represent (an
     * unknown state, a bad address) are dropped one by one, as memberlist's merge skips them; an entry
     * Go could not decode at all fails the whole exchange, as it does in Go.
     */
    private DecodeResult readPushPull(BoundedInput body) throws IOException, DropException {
        CodecLimits limits = config.limits();
        MessageCodec.PushPullHeader header = MessageCodec.decodePushPullHeader(body.readValue());
        if (header.nodes() > limits.maxPushPullNodes()) {
            throw new DropException(DecodeDropReason.TOO_MANY_NODES, "push/pull lists " + header.nodes()
                    + " members, limit " + limits.maxPushPullNodes());
        }
        if (header.userStateLen() > limits.maxUserStateBytes()) {
            throw new DropException(DecodeDropReason.OVERSIZED, "push/pull user state of "
                    + header.userStateLen() + " bytes");
        }
        List<PushNodeState> nodes = new ArrayList<>((int) Math.min(header.nodes(), 1024));
        List<DecodeDrop> drops = new ArrayList<>();
        for (long i = 0; i < header.nodes(); i++) {
            body.chargeObjects(DECODED_ENTRY_OBJECT_BYTES);
            byte[] entry = body.readValue();
            try {
                nodes.add(MessageCodec.decodeNodeState(entry));
            } catch (DropException e) {
                if (e.reason() != DecodeDropReason.UNKNOWN_STATE && e.reason() != DecodeDropReason.BAD_ADDRESS) {
                    throw e;
                }
                drops.add(e.toDrop());
            }
        }
        Bytes userState = Bytes.of(body.readFully(header.userStateLen()));
        return new DecodeResult(List.of(new PushPull(header.join(), nodes, userState)), drops);
    }

    /** What memberlist sends on streams: requests (ping, push/pull, user) and replies (ack, push/pull, error). */
    private static boolean isStreamMessage(MessageType type) {
        return type == MessageType.PING || type == MessageType.ACK || type == MessageType.PUSH_PULL
                || type == MessageType.USER || type == MessageType.ERROR;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
