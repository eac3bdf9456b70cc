package io.rollcall.core.codec;

import static io.rollcall.core.codec.WireText.bytes;
import static io.rollcall.core.codec.WireText.concat;
import static io.rollcall.core.codec.WireText.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.UserData;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamCodecTest {
    private static final Endpoint ADDR = Endpoint.parse("[fe80::1]:7946", 0);
    private static final StreamCodec PLAIN = new StreamCodec(CodecConfig.DEFAULT.withCompression(false));
    private static final StreamCodec DEFAULT = new StreamCodec(CodecConfig.DEFAULT);

    @Test
    void roundTripsEveryStreamMessageUnderEveryFraming() throws IOException {
        long seed = 99L;
        Random random = new Random(seed);
        RandomMessages gen = new RandomMessages(random, true, false);
        List<Message> messages = List.of(
                new Ping(3, "target", ADDR, "me"),
                new Ack(0xFFFF_FFFFL, Bytes.of(new byte[] {1, 2, 3})),
                new ErrorResponse("Encryption is configured but remote state is not encrypted"),
                new UserData(Bytes.EMPTY),
                new UserData(Bytes.of(new byte[70_000])),
                new PushPull(false, List.of(), Bytes.EMPTY),
                gen.pushPull(1),
                gen.pushPull(1000),
                new PushPull(true, List.of(gen.node()), Bytes.of(new byte[100_000])));
        List<CodecConfig> configs = List.of(CodecConfig.DEFAULT, CodecConfig.DEFAULT.withCompression(false),
                CodecConfig.DEFAULT.withLabel("blue"), CodecConfig.DEFAULT.withCipher(new XorCipher(7)),
                CodecConfig.DEFAULT.withLabel("green").withCipher(new XorCipher(9)).withCompression(false));
        for (CodecConfig config : configs) {
            StreamCodec codec = new StreamCodec(config);
            for (Message m : messages) {
                byte[] wire = codec.encode(m);
                ExactStream in = new ExactStream(wire);
                assertThat(codec.read(in)).as("seed %d, %s, %s", seed, config, m.type()).isEqualTo(DecodeResult.of(m));
                assertThat(in.remaining()).isZero();
            }
        }
    }

    @Test
    void readsOneMessageAndNotOneByteMore() throws IOException {
        // The peer keeps the connection open after its request: a read past the message would block.
        for (StreamCodec codec : List.of(PLAIN, DEFAULT)) {
            byte[] request = codec.encode(new PushPull(true, List.of(node("a")), Bytes.of(new byte[] {1, 2})));
            ExactStream in = new ExactStream(concat(request, bytes("ff ff ff")));
            assertThat(codec.read(in).isClean()).isTrue();
            assertThat(in.remaining()).isEqualTo(3);
        }
        ExactStream ping = new ExactStream(PLAIN.encode(new Ping(1, "n", null, "")));
        assertThat(PLAIN.read(ping).messages()).containsExactly(new Ping(1, "n", null, ""));
    }

    @Test
    void framesUserMessagesWithALengthHeaderAndAlwaysCompresses() {
        byte[] user = PLAIN.encode(new UserData(Bytes.of(new byte[] {0x42})));
        assertThat(hex(user)).isEqualTo(hex(bytes("08 81 aa\"UserMsgLen\" 01 42")));
        byte[] compressed = DEFAULT.encode(new UserData(Bytes.of(new byte[] {0x42})));
        assertThat(compressed[0]).isEqualTo((byte) 9);
        assertThat(compressed.length).isGreaterThan(user.length);
        assertThatThrownBy(() -> PLAIN.encode(new Nack(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAPushPullClaimingAMillionMembersFromItsHeaderAlone() throws IOException {
        byte[] header = bytes("06 83 a4\"Join\" c2 a5\"Nodes\" ce 000f4240 ac\"UserStateLen\" 00");
        ExactStream in = new ExactStream(header); // nothing follows: reading on would fail the test
        assertDrop(PLAIN.read(in), DecodeDropReason.TOO_MANY_NODES);
        assertDrop(PLAIN.read(new ExactStream(bytes("06 81 a5\"Nodes\" ff"))), DecodeDropReason.INVALID_FIELD);

        StreamCodec small = new StreamCodec(CodecConfig.DEFAULT.withCompression(false)
                .withLimits(CodecLimits.DEFAULT.withMaxPushPullNodes(2)));
        byte[] three = small.encode(new PushPull(false, List.of(node("a"), node("b"), node("c")), Bytes.EMPTY));
        assertDrop(small.read(new ExactStream(three)), DecodeDropReason.TOO_MANY_NODES);
    }

    @Test
    void rejectsOversizedDeclaredLengths() throws IOException {
        assertDrop(PLAIN.read(new ExactStream(bytes("06 82 a5\"Nodes\" 00 ac\"UserStateLen\" ce 01400001"))),
                DecodeDropReason.OVERSIZED);
        assertDrop(PLAIN.read(new ExactStream(bytes("08 81 aa\"UserMsgLen\" ce 01400001"))), DecodeDropReason.OVERSIZED);
        StreamCodec tiny = new StreamCodec(CodecConfig.DEFAULT.withCompression(false)
                .withLimits(new CodecLimits(65_536, 1000, 10, 1000, 1000, 4, 10, 1000, 1_000_000)));
        byte[] big = PLAIN.encode(new UserData(Bytes.of(new byte[990])));
        assertDrop(tiny.read(new ExactStream(big)), DecodeDropReason.OVERSIZED);
        byte[] deep = bytes("00 81 a5\"SeqNo\"" + " 91".repeat(2000) + " 00");
        assertDrop(tiny.read(new ExactStream(deep)), DecodeDropReason.OVERSIZED);
    }

    @Test
    void dropsOnlyTheEntriesItCannotRepresent() throws IOException {
        byte[] header = bytes("06 83 a4\"Join\" c2 a5\"Nodes\" 03 ac\"UserStateLen\" 00");
        byte[] good = bytes("84 a4\"Name\" a1\"a\" a4\"Addr\" a4 0a000001 a4\"Port\" cd 1f0a a3\"Vsn\" a6 010502020505");
        byte[] unknownState = bytes("83 a4\"Name\" a1\"b\" a4\"Addr\" a4 0a000001 a5\"State\" 07");
        byte[] badAddress = bytes("82 a4\"Name\" a1\"c\" a4\"Addr\" a3 0a0000");
        DecodeResult result = PLAIN.read(new ExactStream(concat(header, good, unknownState, badAddress)));
        PushNodeState a = new PushNodeState("a", Endpoint.parse("10.0.0.1:7946", 0), Bytes.EMPTY, 0, MemberState.ALIVE,
                VersionVector.ROLLCALL);
        assertThat(result.messages()).containsExactly(new PushPull(false, List.of(a), Bytes.EMPTY));
        assertThat(result.drops()).extracting(DecodeDrop::reason)
                .containsExactly(DecodeDropReason.UNKNOWN_STATE, DecodeDropReason.BAD_ADDRESS);

        // An entry Go itself could not decode fails the whole exchange, as in Go.
        byte[] wrongType = bytes("81 a4\"Name\" 05");
        byte[] oneNode = bytes("06 82 a5\"Nodes\" 01 ac\"UserStateLen\" 00");
        assertDrop(PLAIN.read(new ExactStream(concat(oneNode, wrongType))), DecodeDropReason.INVALID_FIELD);
    }

    @Test
    void dropsTruncatedUnknownAndMisplacedStreams() throws IOException {
        byte[] pushPull = PLAIN.encode(new PushPull(true, List.of(node("a")), Bytes.of(new byte[10])));
        for (int cut = 0; cut < pushPull.length; cut++) {
            DecodeResult result = PLAIN.read(ExactStream.closedAfter(Arrays.copyOf(pushPull, cut)));
            assertThat(result.drops()).as("cut at %d", cut).extracting(DecodeDrop::reason)
                    .containsExactly(DecodeDropReason.TRUNCATED);
        }
        assertDrop(PLAIN.read(new ExactStream(bytes("63"))), DecodeDropReason.UNKNOWN_TYPE);
        assertDrop(PLAIN.read(new ExactStream(MessageCodec.encode(
                new Alive(1, "n", ADDR, Bytes.EMPTY, VersionVector.ROLLCALL)))), DecodeDropReason.UNEXPECTED_TYPE);
        assertDrop(PLAIN.read(new ExactStream(bytes("0b 80"))), DecodeDropReason.UNEXPECTED_TYPE);
        // After decompression nothing may follow the message.
        byte[] padded = CompressionFrame.wrap(concat(MessageCodec.encode(new Ping(1, "", null, "")), bytes("00")));
        assertDrop(DEFAULT.read(new ExactStream(padded)), DecodeDropReason.TRAILING_GARBAGE);
        assertDrop(DEFAULT.read(new ExactStream(CompressionFrame.wrap(new byte[0]))), DecodeDropReason.CORRUPT_COMPRESSION);
    }

    @Test
    void enforcesLabelsAndEncryption() throws IOException {
        StreamCodec blue = new StreamCodec(CodecConfig.DEFAULT.withLabel("blue"));
        byte[] labelled = blue.encode(new Ping(1, "", null, ""));
        assertThat(hex(labelled)).startsWith("f404");
        assertDrop(DEFAULT.read(new ExactStream(labelled)), DecodeDropReason.LABEL_MISMATCH);
        assertDrop(blue.read(new ExactStream(DEFAULT.encode(new Ping(1, "", null, "")))), DecodeDropReason.LABEL_MISMATCH);
        assertDrop(DEFAULT.read(new ExactStream(bytes("f4 00 00 80"))), DecodeDropReason.LABEL_MISMATCH);

        StreamCodec secret = new StreamCodec(CodecConfig.DEFAULT.withCipher(new XorCipher(1)));
        byte[] encrypted = secret.encode(new Ping(1, "", null, ""));
        assertThat(encrypted[0]).isEqualTo((byte) 10);
        assertThat(((encrypted[1] & 0xFF) << 24 | (encrypted[2] & 0xFF) << 16 | (encrypted[3] & 0xFF) << 8
                | (encrypted[4] & 0xFF))).isEqualTo(encrypted.length - 5);
        assertDrop(DEFAULT.read(new ExactStream(encrypted)), DecodeDropReason.ENCRYPTED_NO_KEY);
        assertDrop(secret.read(new ExactStream(DEFAULT.encode(new Ping(1, "", null, "")))), DecodeDropReason.NOT_ENCRYPTED);
        byte[] tampered = encrypted.clone();
        tampered[tampered.length - 1] ^= 1;
        assertDrop(secret.read(new ExactStream(tampered)), DecodeDropReason.DECRYPTION_FAILED);
        // The frame header is authenticated: a different declared length cannot decrypt.
        byte[] longer = concat(encrypted, bytes("00"));
        longer[4]++;
        assertDrop(secret.read(new ExactStream(longer)), DecodeDropReason.DECRYPTION_FAILED);
        assertDrop(secret.read(new ExactStream(bytes("0a 7fffffff"))), DecodeDropReason.OVERSIZED);
    }

    @Test
    void dropsADecompressionBombSentAsAStream() throws IOException {
        long target = 100L * 1024 * 1024;
        int repeats = (int) ((target - LzwCodes.ZEROS_FROM_TABLE_FILL) / LzwCodes.ZEROS_PER_FULL_CODE) + 1;
        byte[] lzw = new LzwCodes().zeroRunsFillingTheTable().repeat(4095, repeats).code(LzwCodes.EOF).toByteArray();
        // Decompressed as it is decoded, the zeros are refused as soon as they stop being a message,
        // long before the limit; a bomb that is a message all the way is MemoryBudgetCodecTest's.
        assertDrop(DEFAULT.read(new ExactStream(PacketCodecTest.compressFrame(0, lzw))), DecodeDropReason.MALFORMED_MSGPACK);
    }

    private static PushNodeState node(String name) {
        return new PushNodeState(name, ADDR, Bytes.EMPTY, 1, MemberState.ALIVE, VersionVector.ROLLCALL);
    }

    private static void assertDrop(DecodeResult result, DecodeDropReason reason) {
        assertThat(result.messages()).isEmpty();
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(reason);
    }

    /**
     * A connection whose peer has sent these bytes and keeps the connection open: reading past
     * them fails the test instead of blocking. Hands out at most 7 bytes per read, like a slow network.
     */
    static final class ExactStream extends InputStream {
        private final byte[] data;
        private final boolean closed;
        private int pos;

        ExactStream(byte[] data) {
            this(data, false);
        }

        private ExactStream(byte[] data, boolean closed) {
            this.data = data;
            this.closed = closed;
        }

        /** A peer that sent these bytes and then closed the connection. */
        static ExactStream closedAfter(byte[] data) {
            return new ExactStream(data, true);
        }

        @Override
        public int read() {
            if (atEnd()) {
                return -1;
            }
            return data[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (atEnd()) {
                return -1;
            }
            int n = Math.min(Math.min(len, 7), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean atEnd() {
            if (pos < data.length) {
                return false;
            }
            if (!closed) {
                throw new AssertionError("read past the " + data.length + " bytes the peer sent");
            }
            return true;
        }

        int remaining() {
            return data.length - pos;
        }
    }
}
