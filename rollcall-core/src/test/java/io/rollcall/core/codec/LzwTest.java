package io.rollcall.core.codec;

import static io.rollcall.core.codec.WireText.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzwTest {
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private static byte[] decompress(byte[] in, int offset, int length, int maxOutputBytes) throws DropException {
        Lzw.Slice out = Lzw.decompress(in, offset, length, maxOutputBytes, Lzw.Allowance.NONE);
        return Arrays.copyOf(out.bytes(), out.length());
    }

    // Expected outputs were produced by Go 1.19's compress/lzw: lzw.NewWriter(&buf, lzw.LSB, 8).
    @Test
    void compressesShortInputsExactlyLikeGo() {
        assertThat(hex(Lzw.compress(new byte[0]))).isEqualTo("000302");
        assertThat(hex(Lzw.compress("a".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("00c30404");
        assertThat(hex(Lzw.compress("TOBEORNOTTOBEORTOBEORNOT".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("00a93c1152e48914274fa80824687061c183090302");
    }

    @Test
    void compressesInputThatFillsTheTableExactlyLikeGo() {
        // Go: x = x*1103515245 + 12345 (uint32); b[i] = byte((x >> 16) % 7) for 100000 bytes.
        byte[] smallAlphabet = new byte[100_000];
        int x = 12345;
        for (int i = 0; i < smallAlphabet.length; i++) {
            x = x * 1103515245 + 12345;
            smallAlphabet[i] = (byte) ((x >>> 16) % 7);
        }
        byte[] compressed = Lzw.compress(smallAlphabet);
        assertThat(compressed).hasSize(42298);
        assertThat(sha256(compressed)).isEqualTo("084eb43a5f9fc72bec6154d0aea13924f26908ea4c08bb0955caeaded8407e88");

        byte[] zeros = Lzw.compress(new byte[1 << 20]);
        assertThat(zeros).hasSize(1866);
        assertThat(sha256(zeros)).isEqualTo("142dea43e66e6da0eae56fc06c0aa26831b3256bd6f62263027c459100c56311");
    }

    @Test
    void theHashTableAlwaysHasTwiceTheSlotsOfTheCodesAnInputCanDefine() {
        for (int n = 0; n < 20_000; n++) {
            int slots = 1 << Lzw.tableBits(n);
            assertThat(slots).as("input of %d bytes", n).isGreaterThanOrEqualTo(2 * Math.min(n, 4095 - 257));
            assertThat(slots).as("input of %d bytes", n).isLessThanOrEqualTo(Math.max(64, 4 * Math.min(n, 4095 - 257)));
        }
    }

    @Test
    void startsWithAClearCodeAndNeedsItsEndCode() throws DropException {
        byte[] compressed = Lzw.compress("hello hello hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(((compressed[0] & 0xFF) | (compressed[1] & 0x01) << 8)).isEqualTo(LzwCodes.CLEAR);
        // Dropping the last byte loses (part of) the end code: Go reports an unexpected EOF.
        assertThatThrownBy(() -> decompress(compressed, 0, compressed.length - 1, NO_LIMIT))
                .isInstanceOfSatisfying(DropException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeDropReason.CORRUPT_COMPRESSION));
        assertThat(new String(decompress(compressed, 0, compressed.length, NO_LIMIT), StandardCharsets.US_ASCII))
                .isEqualTo("hello hello hello");
    }

    @Test
    void roundTripsRandomDataOfManySizesAndShapes() throws DropException {
        long seed = 20_260_705L;
        Random random = new Random(seed);
        int[] sizes = {0, 1, 2, 255, 256, 4095, 4096, 65_536, 100_000};
        for (int round = 0; round < 90; round++) {
            int size = round < sizes.length ? sizes[round] : random.nextInt(100_001);
            int shape = round % 4;
            byte[] data = new byte[size];
            if (shape == 0) {
                random.nextBytes(data);
            } else if (shape == 1) {
                for (int i = 0; i < size; i++) {
                    data[i] = (byte) random.nextInt(3);
                }
            } else if (shape == 2) {
                Arrays.fill(data, (byte) 7);
            } else {
                byte[] pattern = new byte[1 + random.nextInt(40)];
                random.nextBytes(pattern);
                for (int i = 0; i < size; i++) {
                    data[i] = pattern[i % pattern.length];
                }
            }
            byte[] compressed = Lzw.compress(data);
            byte[] back = decompress(compressed, 0, compressed.length, NO_LIMIT);
            assertThat(back).as("seed %d round %d size %d shape %d", seed, round, size, shape).isEqualTo(data);
        }
    }

    @Test
    void keepsDecodingWithoutNewCodesOnceTheTableIsFull() throws DropException {
        byte[] stream = new LzwCodes().zeroRunsFillingTheTable().repeat(4095, 3).code(65).code(LzwCodes.EOF)
                .toByteArray();
        byte[] out = decompress(stream, 0, stream.length, NO_LIMIT);
        long zeros = LzwCodes.ZEROS_FROM_TABLE_FILL + 3L * LzwCodes.ZEROS_PER_FULL_CODE;
        assertThat(out).hasSize((int) zeros + 1);
        assertThat(out[out.length - 1]).isEqualTo((byte) 65);
        for (int i = 0; i < zeros; i++) {
            if (out[i] != 0) {
                throw new AssertionError("byte " + i + " is " + out[i]);
            }
        }
    }

    @Test
    void refusesCodesNotYetDefined() {
        byte[] stream = new LzwCodes().code(LzwCodes.CLEAR).code('a').code(300).code(LzwCodes.EOF).toByteArray();
        assertThatThrownBy(() -> decompress(stream, 0, stream.length, NO_LIMIT))
                .isInstanceOfSatisfying(DropException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeDropReason.CORRUPT_COMPRESSION));
    }

    @Test
    void stopsAtTheOutputLimit() throws DropException {
        byte[] compressed = Lzw.compress(new byte[10_000]);
        assertThat(decompress(compressed, 0, compressed.length, 10_000)).hasSize(10_000);
        assertThatThrownBy(() -> decompress(compressed, 0, compressed.length, 9_999))
                .isInstanceOfSatisfying(DropException.class,
                        e -> assertThat(e.reason()).isEqualTo(DecodeDropReason.DECOMPRESSION_LIMIT));
    }

    private static String sha256(byte[] data) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
