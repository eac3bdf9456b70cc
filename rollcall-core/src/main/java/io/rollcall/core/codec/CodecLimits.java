package io.rollcall.core.codec;

/**
 * Bounds on what the decoders accept, so that no input can make us allocate or work without limit.
 *
 * @param maxPacketBytes        largest datagram decoded (memberlist's receive buffer)
 * @param maxStreamBytes        most bytes one stream message may occupy on the wire, and the largest
 *                              encrypted frame or reliable user message accepted (memberlist's
 *                              maxPushStateBytes)
 * @param maxPushPullNodes      most members a push/pull may list; checked against its header before
 *                              anything is read or allocated
 * @param maxUserStateBytes     largest push/pull user (delegate) state accepted
 * @param maxDecompressedBytes  most bytes all compress frames of one packet or stream may expand to
 * @param maxNestingDepth       most compound/compress frames nested inside each other
 * @param maxMessagesPerPacket  most messages (and refused parts) unpacked from one datagram
 * @param maxPacketDecompressedBytes most bytes all compress frames of one datagram may expand to: a
 *                              sender compresses at most one packet's worth, so far less than a stream
 * @param maxInflightStreamBytes most bytes all streams being decoded at once may hold together (their
 *                              wire bytes, decompressed bytes and decoded entries), whatever the number
 *                              of connections: a stream that would take more is refused
 */
public record CodecLimits(int maxPacketBytes, int maxStreamBytes, int maxPushPullNodes, int maxUserStateBytes,
                          int maxDecompressedBytes, int maxNestingDepth, int maxMessagesPerPacket,
                          int maxPacketDecompressedBytes, long maxInflightStreamBytes) {

    /** memberlist's UDP receive buffer. */
    public static final int MAX_PACKET_BYTES = 65_536;
    /** memberlist's maxPushStateBytes. */
    public static final int MAX_STREAM_BYTES = 20 * 1024 * 1024;
    /** Far above any real cluster, far below what would exhaust memory. */
    public static final int MAX_PUSH_PULL_NODES = 65_536;
    /** memberlist 0.6.0's push/pull user state limit. */
    public static final int MAX_USER_STATE_BYTES = 20 * 1024 * 1024;
    /** memberlist HEAD's limit on decompressed output. */
    public static final int MAX_DECOMPRESSED_BYTES = 40 * 1024 * 1024;
    /** Go peers nest at most compress(compound(...)): two levels; four leaves slack. */
    public static final int MAX_NESTING_DEPTH = 4;
    /**
     * Go never puts more than 255 messages in one packet; a compressed packet could otherwise
     * carry millions of one-byte messages.
     */
    public static final int MAX_MESSAGES_PER_PACKET = 1024;
    /**
     * memberlist compresses a compound it built to fit one packet (UDPBufferSize, at most 65,536
     * bytes), so a real datagram never expands past that; sixteen times leaves room for any encoding.
     */
    public static final int MAX_PACKET_DECOMPRESSED_BYTES = 1024 * 1024;
    /**
     * Without a {@link io.rollcall.core.MemoryBudget}: room for one largest stream decoded, its wire
     * bytes, its decompressed form and what is decoded from that, charged as {@link StreamCodec}
     * charges them. A node built from a {@code RollcallConfig} takes this from its budget instead.
     */
    public static final long MAX_INFLIGHT_STREAM_BYTES = 2L * MAX_STREAM_BYTES + 2L * MAX_DECOMPRESSED_BYTES;

    /** The defaults above. */
    public static final CodecLimits DEFAULT = new CodecLimits(MAX_PACKET_BYTES, MAX_STREAM_BYTES,
            MAX_PUSH_PULL_NODES, MAX_USER_STATE_BYTES, MAX_DECOMPRESSED_BYTES, MAX_NESTING_DEPTH,
            MAX_MESSAGES_PER_PACKET, MAX_PACKET_DECOMPRESSED_BYTES, MAX_INFLIGHT_STREAM_BYTES);

    /** Checks every limit is positive. */
    public CodecLimits {
        int[] all = {maxPacketBytes, maxStreamBytes, maxPushPullNodes, maxUserStateBytes, maxDecompressedBytes,
            maxNestingDepth, maxMessagesPerPacket, maxPacketDecompressedBytes};
        if (maxInflightStreamBytes <= 0) {
            throw new IllegalArgumentException("codec limits must be positive: " + this);
        }
        for (int limit : all) {
            if (limit <= 0) {
                throw new IllegalArgumentException("codec limits must be positive: " + this);
            }
        }
    }

    /**
     * @param nodes most members a push/pull may list
     * @return these limits with that push/pull member limit
     */
    public CodecLimits withMaxPushPullNodes(int nodes) {
        return new CodecLimits(maxPacketBytes, maxStreamBytes, nodes, maxUserStateBytes, maxDecompressedBytes,
                maxNestingDepth, maxMessagesPerPacket, maxPacketDecompressedBytes, maxInflightStreamBytes);
    }

    /**
     * @param bytes most bytes compress frames may expand to per packet or stream
     * @return these limits with that decompression limit
     */
    public CodecLimits withMaxDecompressedBytes(int bytes) {
        return new CodecLimits(maxPacketBytes, maxStreamBytes, maxPushPullNodes, maxUserStateBytes, bytes,
                maxNestingDepth, maxMessagesPerPacket, maxPacketDecompressedBytes, maxInflightStreamBytes);
    }

    /**
     * Caps every limit on how much one stream or packet may make us hold at what {@code streamBytes}
     * and {@code packetDecompressedBytes} allow, and all streams together at {@code inflightBytes};
     * limits already lower stay.
     *
     * @param streamBytes             most bytes one stream may occupy on the wire or decompress to
     * @param packetDecompressedBytes most bytes one datagram may decompress to
     * @param inflightBytes           most bytes all streams being decoded at once may hold
     * @return the capped limits
     */
    public CodecLimits cappedAt(int streamBytes, int packetDecompressedBytes, long inflightBytes) {
        return new CodecLimits(maxPacketBytes, Math.min(maxStreamBytes, streamBytes), maxPushPullNodes,
                Math.min(maxUserStateBytes, streamBytes), Math.min(maxDecompressedBytes, streamBytes),
                maxNestingDepth, maxMessagesPerPacket, Math.min(maxPacketDecompressedBytes, packetDecompressedBytes),
                Math.min(maxInflightStreamBytes, inflightBytes));
    }
}
