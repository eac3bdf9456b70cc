package io.rollcall.core.codec;

import io.rollcall.core.message.MessageType;

/**
 * memberlist's compress frame: type byte 9 and a msgpack {@code compress{Algo, Buf}} whose buffer
 * decompresses to a complete message, type byte included. LZW (algorithm 0) is the only algorithm.
 */
final class CompressionFrame {
    private static final long LZW_ALGORITHM = 0;

    private CompressionFrame() {
    }

    /**
     * @param payload a complete message or packet
     * @return the compress frame carrying it
     */
    static byte[] wrap(byte[] payload) {
        return new GoMsgpackWriter().rawByte(MessageType.COMPRESS.code())
                .map(2).text("Algo").uint(LZW_ALGORITHM).text("Buf").raw(Lzw.compress(payload))
                .toByteArray();
    }

    /**
     * @param buf            holds the msgpack map of a compress frame (after the type byte), and nothing more
     * @param offset         where the map starts
     * @param length         its length
     * @param maxOutputBytes the most the frame may decompress to
     * @param memory         asked for each output buffer before it is allocated
     * @return the decompressed message, never empty
     */
    static Lzw.Slice unwrap(byte[] buf, int offset, int length, int maxOutputBytes, Lzw.Allowance memory)
            throws DropException {
        byte[] compressed = compressedBytes(buf, offset, length);
        Lzw.Slice plain = Lzw.decompress(compressed, 0, compressed.length, maxOutputBytes, memory);
        if (plain.length() == 0) {
            throw new DropException(DecodeDropReason.CORRUPT_COMPRESSION, "compress frame holds no message");
        }
        return plain;
    }

    /**
     * @param buf            holds the msgpack map of a compress frame (after the type byte), and nothing more
     * @param offset         where the map starts
     * @param length         its length
     * @param maxOutputBytes the most the frame may decompress to
     * @return the message, decompressed as it is read
     */
    static LzwReader reader(byte[] buf, int offset, int length, long maxOutputBytes) throws DropException {
        byte[] compressed = compressedBytes(buf, offset, length);
        return new LzwReader(compressed, 0, compressed.length, maxOutputBytes);
    }

    /** The LZW data of a compress frame, whose algorithm must be LZW. */
    private static byte[] compressedBytes(byte[] buf, int offset, int length) throws DropException {
        GoMsgpackReader r = new GoMsgpackReader(buf, offset, length);
        long algorithm = 0;
        byte[] compressed = new byte[0];
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            if (key.equals("Algo")) {
                algorithm = r.readUnsigned(key, 0xFF);
            } else if (key.equals("Buf")) {
                compressed = r.readBytes(key);
            } else {
                r.skipValue();
            }
        }
        r.expectEnd("compress frame");
        if (algorithm != LZW_ALGORITHM) {
            throw new DropException(DecodeDropReason.UNSUPPORTED_COMPRESSION,
                    "cannot decompress unknown algorithm " + algorithm);
        }
        return compressed;
    }
}
