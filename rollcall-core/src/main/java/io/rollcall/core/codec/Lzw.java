package io.rollcall.core.codec;

import java.util.Arrays;

/**
 * LZW exactly as Go's compress/lzw does it with LSB bit order and 8-bit literals, the only setting
 * memberlist uses: code 256 clears, 257 ends, new codes from 258, code width growing from 9 to 12
 * bits. The writer starts with a clear code and, when its next code would be 4095, emits a clear and
 * starts over; the reader stops defining codes when its table is full and keeps decoding until a
 * clear. Data after the end code is ignored; data that stops before it is an error, as in Go.
 */
final class Lzw {
    static final int CLEAR = 256;
    static final int EOF = 257;
    private static final int FIRST_WIDTH_BITS = 9;
    private static final int MAX_WIDTH_BITS = 12;
    /** The writer resets rather than assign this code, so it never uses it. */
    private static final int WRITER_MAX_CODE = (1 << MAX_WIDTH_BITS) - 1;
    /** Slots for the largest table: twice the codes one table can define, as a power of two. */
    private static final int MAX_TABLE_BITS = 13;
    private static final int MIN_TABLE_BITS = 6;
    private static final int NO_KEY = -1;

    private Lzw() {
    }

    /**
     * @param data bytes to compress
     * @return the same bytes Go's lzw.NewWriter(w, lzw.LSB, 8) writes for them
     */
    static byte[] compress(byte[] data) {
        BitWriter out = new BitWriter(data.length / 2 + 16);
        int width = FIRST_WIDTH_BITS;
        int hi = EOF;
        int overflow = 1 << FIRST_WIDTH_BITS;
        out.write(CLEAR, width);
        if (data.length == 0) {
            out.write(EOF, width);
            return out.finish();
        }
        // Open addressing from (prefix code << 8 | next byte) to the code for that string. An input
        // of n bytes defines fewer than n codes, so a typical datagram (a few hundred bytes) needs
        // a table of a few hundred slots, not one sized for the 4,096-code limit: compression is
        // tried on every outgoing packet, and clearing a large table each time was most of its cost.
        int tableBits = tableBits(data.length);
        int mask = (1 << tableBits) - 1;
        int[] keys = new int[1 << tableBits];
        int[] codes = new int[1 << tableBits];
        Arrays.fill(keys, NO_KEY);
        int code = data[0] & 0xFF;
        for (int i = 1; i < data.length; i++) {
            int literal = data[i] & 0xFF;
            int key = code << 8 | literal;
            int slot = slot(key, tableBits);
            while (keys[slot] != NO_KEY && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == key) {
                code = codes[slot];
                continue;
            }
            out.write(code, width);
            code = literal;
            hi++;
            if (hi == overflow) {
                width++;
                overflow <<= 1;
            }
            if (hi == WRITER_MAX_CODE) {
                out.write(CLEAR, width);
                width = FIRST_WIDTH_BITS;
                hi = EOF;
                overflow = 1 << FIRST_WIDTH_BITS;
                Arrays.fill(keys, NO_KEY);
                continue;
            }
            keys[slot] = key;
            codes[slot] = hi;
        }
        out.write(code, width);
        hi++;
        if (hi == overflow) {
            width++;
        }
        if (hi == WRITER_MAX_CODE) {
            out.write(CLEAR, width);
            width = FIRST_WIDTH_BITS;
        }
        out.write(EOF, width);
        return out.finish();
    }

    /**
     * @param in             compressed bytes
     * @param offset         where they start
     * @param length         how many there are
     * @param maxOutputBytes output beyond this is refused before it is produced
     * @param memory         asked for the output buffer, and for each growth of it, before it is
     *                       allocated, so a bomb stops at the budget instead of after the array is built
     * @return the decompressed bytes: {@code length} of them at the start of {@code bytes}
     * @throws DropException CORRUPT_COMPRESSION for data Go would reject, DECOMPRESSION_LIMIT past the
     *                       limit, or whatever {@code memory} refuses with
     */
    static Slice decompress(byte[] in, int offset, int length, int maxOutputBytes, Allowance memory)
            throws DropException {
        LzwReader reader = new LzwReader(in, offset, length, maxOutputBytes);
        Output out = new Output(Math.min(maxOutputBytes, Math.max(64, length * 4)), maxOutputBytes, memory);
        byte[] piece = new byte[1 << MAX_WIDTH_BITS];
        try {
            for (int n = reader.read(piece); n > 0; n = reader.read(piece)) {
                out.write(piece, 0, n);
            }
        } catch (LzwReader.Failure e) {
            throw e.drop();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an in-memory LZW reader does no I/O", e);
        }
        return out.slice();
    }

    /** @return log2 of the slots for an input of this length: at least twice the codes it can define */
    static int tableBits(int inputLength) {
        int codes = Math.min(inputLength, WRITER_MAX_CODE - EOF);
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, codes)) + 1;
        return Math.max(MIN_TABLE_BITS, Math.min(MAX_TABLE_BITS, bits));
    }

    private static int slot(int key, int tableBits) {
        return (key * 0x9E3779B1) >>> (32 - tableBits);
    }

    static DropException corrupt(String detail) {
        return new DropException(DecodeDropReason.CORRUPT_COMPRESSION, "lzw: " + detail);
    }

    /** Packs codes least significant bit first. */
    private static final class BitWriter {
        private byte[] buf;
        private int size;
        private int bits;
        private int nBits;

        BitWriter(int initialCapacity) {
            buf = new byte[initialCapacity];
        }

        void write(int code, int width) {
            bits |= code << nBits;
            nBits += width;
            while (nBits >= 8) {
                put(bits);
                bits >>>= 8;
                nBits -= 8;
            }
        }

        byte[] finish() {
            if (nBits > 0) {
                put(bits);
            }
            return Arrays.copyOf(buf, size);
        }

        private void put(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }
    }

    /** Decompressed bytes: the first {@code length} of {@code bytes}, which may be longer. */
    record Slice(byte[] bytes, int length) {
    }

    /** Grants (or refuses) memory for an output buffer before it is allocated. */
    @FunctionalInterface
    interface Allowance {
        /** No budget beyond the output limit. */
        Allowance NONE = bytes -> { };

        /**
         * @param bytes how much larger the output is about to become
         * @throws DropException to refuse it
         */
        void reserve(long bytes) throws DropException;
    }

    /**
     * A growable buffer that refuses to grow past its limit. Its final buffer is handed out as it is,
     * not copied to its exact size: a copy would hold the output twice at the largest moment.
     */
    private static final class Output {
        private final int limit;
        private final Allowance memory;
        private byte[] buf;
        private int size;

        Output(int initialCapacity, int limit, Allowance memory) throws DropException {
            this.limit = limit;
            this.memory = memory;
            memory.reserve(initialCapacity);
            this.buf = new byte[initialCapacity];
        }

        void write(byte[] src, int from, int n) throws DropException {
            ensure(n);
            System.arraycopy(src, from, buf, size, n);
            size += n;
        }

        Slice slice() {
            return new Slice(buf, size);
        }

        private void ensure(int n) throws DropException {
            if (n > limit - size) {
                throw new DropException(DecodeDropReason.DECOMPRESSION_LIMIT,
                        "decompressed data exceeds " + limit + " bytes");
            }
            if (size + n > buf.length) {
                int capacity = (int) Math.min(limit, Math.max((long) buf.length * 2, size + n));
                // The old buffer is garbage once copied, and the collector reclaims garbage before
                // it gives up: what stays is the new buffer, so the budget counts the growth.
                memory.reserve(capacity - buf.length);
                buf = Arrays.copyOf(buf, capacity);
            }
        }
    }
}
