package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.UserData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input must always come back as messages or drops: no exception, no hang, no
 * unbounded allocation. Mutations start from valid encodings so that they reach deep into the
 * decoders instead of failing on the first byte.
 */
class HostileInputTest {
    /** Bytes with a meaning to msgpack, the framing or LZW, over-represented in mutations. */
    private static final int[] INTERESTING = {0x00, 0x01, 0x07, 0x09, 0x0c, 0x7f, 0x80, 0x8f, 0x9f, 0xbf, 0xc0,
        0xc1, 0xc4, 0xc6, 0xcc, 0xce, 0xcf, 0xd3, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xf4, 0xff};

    @Test
    void packetDecodingSurvivesRandomAndMutatedDatagrams() {
        long seed = 0x5eedL;
        Random random = new Random(seed);
        RandomMessages gen = new RandomMessages(random, false, false);
        List<PacketCodec> codecs = List.of(new PacketCodec(CodecConfig.DEFAULT),
                new PacketCodec(CodecConfig.DEFAULT.withCompression(false)),
                new PacketCodec(CodecConfig.DEFAULT.withLabel("L")),
                new PacketCodec(CodecConfig.DEFAULT.withCipher(new XorCipher(5))));
        DropCounters counters = new DropCounters();
        long decoded = 0;
        for (int i = 0; i < 100_000; i++) {
            PacketCodec codec = codecs.get(random.nextInt(10) < 7 ? random.nextInt(2) : random.nextInt(codecs.size()));
            List<Message> messages = new ArrayList<>();
            if (random.nextInt(4) == 0) {
                // Repetitive packets compress, so mutations also land inside LZW data.
                messages.addAll(Collections.nCopies(2 + random.nextInt(10), gen.datagram()));
            } else {
                for (int m = 1 + random.nextInt(6); m > 0; m--) {
                    messages.add(gen.datagram());
                }
            }
            byte[] valid = codec.encode(messages, random.nextInt(4) == 0);
            byte[] hostile = mutate(random, valid);
            DecodeResult result;
            try {
                result = codec.decode(hostile);
                MessageCodec.decode(hostile, 0, hostile.length);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " iteration " + i + " input "
                        + HexFormat.of().formatHex(hostile), t);
            }
            assertThat(result.messages().isEmpty() && result.drops().isEmpty())
                    .as("seed %d iteration %d: empty result", seed, i).isFalse();
            counters.record(result);
            decoded += result.messages().size();
        }
        // The mutations must reach every layer, or this test proves little.
        assertThat(decoded).as("seed %d", seed).isPositive();
        assertThat(counters.snapshot()).as("seed %d", seed).containsKeys(DecodeDropReason.TRUNCATED,
                DecodeDropReason.MALFORMED_MSGPACK, DecodeDropReason.INVALID_FIELD, DecodeDropReason.BAD_CRC,
                DecodeDropReason.CORRUPT_COMPRESSION, DecodeDropReason.UNKNOWN_TYPE, DecodeDropReason.BAD_ADDRESS,
                DecodeDropReason.TRAILING_GARBAGE, DecodeDropReason.LABEL_MISMATCH, DecodeDropReason.DECRYPTION_FAILED);
        assertThat(counters.count(DecodeDropReason.CORRUPT_COMPRESSION)).as("seed %d", seed).isGreaterThan(1000);
    }

    @Test
    void streamDecodingSurvivesRandomAndMutatedStreams() {
        long seed = 0xC0FFEEL;
        Random random = new Random(seed);
        RandomMessages gen = new RandomMessages(random, false, false);
        List<StreamCodec> codecs = List.of(new StreamCodec(CodecConfig.DEFAULT),
                new StreamCodec(CodecConfig.DEFAULT.withCompression(false)),
                new StreamCodec(CodecConfig.DEFAULT.withLabel("L").withCompression(false)),
                new StreamCodec(CodecConfig.DEFAULT.withCipher(new XorCipher(5))));
        DropCounters counters = new DropCounters();
        for (int i = 0; i < 30_000; i++) {
            StreamCodec codec = codecs.get(random.nextInt(10) < 8 ? random.nextInt(2) : random.nextInt(codecs.size()));
            Message message = switch (random.nextInt(5)) {
                case 0 -> new Ping(gen.uint32(), gen.text(), null, gen.text());
                case 1 -> new Ack(gen.uint32(), gen.bytes());
                case 2 -> new ErrorResponse(gen.text());
                case 3 -> new UserData(gen.bytes());
                default -> gen.pushPull(random.nextInt(4));
            };
            byte[] hostile = mutate(random, codec.encode(message));
            DecodeResult result;
            try {
                result = codec.read(StreamCodecTest.ExactStream.closedAfter(hostile));
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " iteration " + i + " input "
                        + HexFormat.of().formatHex(hostile), t);
            }
            assertThat(result.messages().size() == 1 || (result.messages().isEmpty() && !result.drops().isEmpty()))
                    .as("seed %d iteration %d: %s", seed, i, result).isTrue();
            counters.record(result);
        }
        assertThat(counters.snapshot()).as("seed %d", seed).containsKeys(DecodeDropReason.TRUNCATED,
                DecodeDropReason.MALFORMED_MSGPACK, DecodeDropReason.INVALID_FIELD, DecodeDropReason.CORRUPT_COMPRESSION,
                DecodeDropReason.UNKNOWN_TYPE, DecodeDropReason.TRAILING_GARBAGE, DecodeDropReason.DECRYPTION_FAILED);
    }

    private static byte[] mutate(Random random, byte[] valid) {
        byte[] b = valid.clone();
        switch (random.nextInt(8)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(4); n > 0 && b.length > 0; n--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 2 -> {
                byte[] tail = new byte[1 + random.nextInt(20)];
                random.nextBytes(tail);
                b = WireText.concat(b, tail);
            }
            case 3 -> {
                int at = random.nextInt(b.length + 1);
                byte[] insert = new byte[1 + random.nextInt(8)];
                random.nextBytes(insert);
                b = WireText.concat(Arrays.copyOf(b, at), insert, Arrays.copyOfRange(b, at, b.length));
            }
            case 4 -> {
                b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                if (b.length > 0) {
                    b[0] = (byte) (random.nextBoolean() ? random.nextInt(14) : 0xf4);
                }
            }
            case 5 -> {
                if (b.length > 0) {
                    int bit = random.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 6 -> {
                for (int n = 1 + random.nextInt(3); n > 0 && b.length > 0; n--) {
                    b[random.nextInt(b.length)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                }
            }
            default -> {
                // Splice a second encoding of the same bytes shifted: misaligned lengths and headers.
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(b.length + 1);
                b = WireText.concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(valid, from, valid.length));
            }
        }
        return b;
    }

    @Test
    void decodesEmptyUserDataAndOtherDegenerateInputs() {
        PacketCodec codec = new PacketCodec(CodecConfig.DEFAULT);
        assertThat(codec.decode(new byte[] {8}).messages()).containsExactly(new UserData(Bytes.EMPTY));
        assertThat(codec.decode(new byte[] {(byte) 0xf4, 1, 'L'}).drops()).extracting(DecodeDrop::reason)
                .containsExactly(DecodeDropReason.LABEL_MISMATCH);
    }
}
