package io.rollcall.core.codec;

/**
 * Why the codec refused (part of) what a peer sent. Every drop is counted, never thrown: a peer's
 * bytes can make us ignore them, never make us fail.
 */
public enum DecodeDropReason {
    /** The input ended inside a message or frame, including the unreadable tail of a compound. */
    TRUNCATED,
    /** A packet, stream, frame or declared length is above its limit. */
    OVERSIZED,
    /** A type byte memberlist does not define. */
    UNKNOWN_TYPE,
    /** A type memberlist defines but not where it appeared, such as a push/pull in a datagram. */
    UNEXPECTED_TYPE,
    /** The body is not well-formed msgpack, or not a map where a struct belongs. */
    MALFORMED_MSGPACK,
    /** A field has a msgpack type Go would refuse for it, or a value outside its Go type's range. */
    INVALID_FIELD,
    /** Bytes follow a complete message inside a frame whose length is otherwise exact. */
    TRAILING_GARBAGE,
    /** An IP address that is not 4 or 16 bytes. */
    BAD_ADDRESS,
    /** A push/pull entry with a member state code memberlist does not define. */
    UNKNOWN_STATE,
    /** The CRC32 of a checked packet does not match. */
    BAD_CRC,
    /** One packet carries more messages than the codec will unpack from it. */
    TOO_MANY_PARTS,
    /** A push/pull header announces more members than the codec accepts. */
    TOO_MANY_NODES,
    /** Compound and compress frames are nested deeper than the limit. */
    NESTING_TOO_DEEP,
    /** A compress frame names an algorithm other than LZW. */
    UNSUPPORTED_COMPRESSION,
    /** LZW data that Go's decompressor would reject, or that decompresses to nothing. */
    CORRUPT_COMPRESSION,
    /** Decompressing would exceed the decompressed-bytes limit: a decompression bomb or an absurd payload. */
    DECOMPRESSION_LIMIT,
    /**
     * The streams being decoded at once already hold the in-flight memory budget
     * ({@link CodecLimits#maxInflightStreamBytes()}): this one is refused rather than grow the heap.
     */
    MEMORY_BUDGET,
    /** The label header is missing, empty, or names another cluster. */
    LABEL_MISMATCH,
    /** An encrypted stream arrived but no cipher is configured. */
    ENCRYPTED_NO_KEY,
    /** A plaintext stream arrived while encryption is configured. */
    NOT_ENCRYPTED,
    /** No configured key authenticates the ciphertext. */
    DECRYPTION_FAILED
}
