package io.rollcall.core.codec;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decompresses LZW (Go's compress/lzw, LSB, 8-bit literals; see {@link Lzw}) as it is read, so a
 * stream's message is decoded from the compressed bytes without the whole output ever existing in
 * memory: what it costs is its tables (about 24 KB) and whatever the reader keeps. Output past
 * {@code maxOutputBytes} is refused before it is produced. Failures are {@link Failure}s carrying the
 * drop, since an {@link InputStream} can only throw {@link IOException}.
 */
final class LzwReader extends InputStream {
    private static final int FIRST_WIDTH_BITS = 9;
    private static final int MAX_WIDTH_BITS = 12;

    private final byte[] in;
    private final int end;
    private final long maxOutputBytes;
    private final int[] prefix = new int[1 << MAX_WIDTH_BITS];
    private final byte[] suffix = new byte[1 << MAX_WIDTH_BITS];
    /** One code expands to at most one byte more than the table has entries; its bytes wait here. */
    private final byte[] expansion = new byte[1 << MAX_WIDTH_BITS];
    private int pending = expansion.length;
    private int pos;
    private int bits;
    private int nBits;
    private int width = FIRST_WIDTH_BITS;
    private int hi = Lzw.EOF;
    private int overflow = 1 << FIRST_WIDTH_BITS;
    private int last = -1;
    private boolean ended;
    private long produced;

    /** A drop raised while reading. */
    static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient DropException drop;

        Failure(DropException drop) {
            super(drop.getMessage());
            this.drop = drop;
        }

        DropException drop() {
            return drop;
        }
    }

    /**
     * @param in             compressed bytes
     * @param offset         where they start
     * @param length         how many there are
     * @param maxOutputBytes output beyond this is refused (DECOMPRESSION_LIMIT) before it is produced
     */
    LzwReader(byte[] in, int offset, int length, long maxOutputBytes) {
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        this.maxOutputBytes = maxOutputBytes;
    }

    @Override
    public int read() throws IOException {
        if (pending == expansion.length && !decodeNext()) {
            return -1;
        }
        return expansion[pending++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            if (pending == expansion.length && !decodeNext()) {
                break;
            }
            int k = Math.min(len - n, expansion.length - pending);
            System.arraycopy(expansion, pending, b, off + n, k);
            pending += k;
            n += k;
        }
        return n == 0 && len > 0 ? -1 : n;
    }

    /** @return bytes decompressed so far */
    long produced() {
        return produced;
    }

    /** Decodes codes until one produces output; false at the end code. */
    private boolean decodeNext() throws Failure {
        try {
            while (!ended) {
                int code = nextCode();
                if (code == Lzw.CLEAR) {
                    width = FIRST_WIDTH_BITS;
                    hi = Lzw.EOF;
                    overflow = 1 << FIRST_WIDTH_BITS;
                    last = -1;
                    continue;
                }
                if (code == Lzw.EOF) {
                    ended = true;
                    return false;
                }
                expand(code);
                return true;
            }
            return false;
        } catch (DropException e) {
            throw new Failure(e);
        }
    }

    private int nextCode() throws DropException {
        while (nBits < width) {
            if (pos >= end) {
                throw Lzw.corrupt("data ends before the end code");
            }
            bits |= (in[pos++] & 0xFF) << nBits;
            nBits += 8;
        }
        int code = bits & ((1 << width) - 1);
        bits >>>= width;
        nBits -= width;
        return code;
    }

    /** Puts the bytes of a literal or table code into {@code expansion} and defines the next code. */
    private void expand(int code) throws DropException {
        int i = expansion.length;
        int first;
        if (code < Lzw.CLEAR) {
            expansion[--i] = (byte) code;
            first = code;
        } else if (code <= hi) {
            int c = code;
            if (code == hi && last >= 0) {
                // The code being defined right now: the last string plus its own first byte.
                c = last;
                while (c >= Lzw.CLEAR) {
                    c = prefix[c];
                }
                expansion[--i] = (byte) c;
                c = last;
            }
            while (c >= Lzw.CLEAR) {
                if (i == 1) {
                    throw Lzw.corrupt("code chain longer than the table");
                }
                expansion[--i] = suffix[c];
                c = prefix[c];
            }
            expansion[--i] = (byte) c;
            first = c;
        } else {
            throw Lzw.corrupt("invalid code " + code);
        }
        int n = expansion.length - i;
        if (n > maxOutputBytes - produced) {
            throw new DropException(DecodeDropReason.DECOMPRESSION_LIMIT,
                    "decompressed data exceeds " + maxOutputBytes + " bytes");
        }
        produced += n;
        pending = i;
        if (last >= 0) {
            suffix[hi] = (byte) first;
            prefix[hi] = last;
        }
        last = code;
        hi++;
        if (hi >= overflow) {
            if (width == MAX_WIDTH_BITS) {
                // Table full: decode on without defining codes until the peer clears.
                last = -1;
                hi--;
            } else {
                width++;
                overflow <<= 1;
            }
        }
    }
}
