package io.rollcall.core.codec;

import java.io.ByteArrayOutputStream;

/**
 * Packs an explicit LZW code sequence with the code widths Go's reader expects, so tests can build
 * streams no compressor would write: undefined codes, missing end codes, decompression bombs.
 */
final class LzwCodes {
    static final int CLEAR = 256;
    static final int EOF = 257;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int bits;
    private int nBits;
    private int width = 9;
    private int hi = EOF;

    /** Appends one code, tracking the width exactly as Go's reader does after reading it. */
    LzwCodes code(int code) {
        bits |= code << nBits;
        nBits += width;
        while (nBits >= 8) {
            out.write(bits & 0xFF);
            bits >>>= 8;
            nBits -= 8;
        }
        if (code == CLEAR) {
            width = 9;
            hi = EOF;
        } else if (code != EOF) {
            hi++;
            if (hi >= 1 << width) {
                if (width == 12) {
                    hi--;
                } else {
                    width++;
                }
            }
        }
        return this;
    }

    LzwCodes repeat(int code, int times) {
        for (int i = 0; i < times; i++) {
            code(code);
        }
        return this;
    }

    /**
     * Clear, a literal zero, then every code from 258 to 4095 in turn: each one is the code being
     * defined, so it expands to one more zero than the last, filling the table with runs of zeros up
     * to 3839 bytes long.
     *
     * @return this
     */
    LzwCodes zeroRunsFillingTheTable() {
        code(CLEAR).code(0);
        for (int c = 258; c <= 4095; c++) {
            code(c);
        }
        return this;
    }

    /** Zeros produced by {@link #zeroRunsFillingTheTable()}. */
    static final long ZEROS_FROM_TABLE_FILL = 1 + (3839L * 3840 / 2 - 1);
    /** Zeros produced by each repetition of code 4095 once the table is full. */
    static final int ZEROS_PER_FULL_CODE = 3839;

    byte[] toByteArray() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        if (nBits > 0) {
            copy.write(bits & 0xFF);
        }
        return copy.toByteArray();
    }
}
