package io.rollcall.core.codec;

import static io.rollcall.core.codec.WireText.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.MessageType;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.WireSizes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

class MessageCodecTest {
    private static final Endpoint V4 = Endpoint.parse("10.1.2.3:7946", 0);
    private static final Endpoint V6 = Endpoint.parse("[2001:db8::17]:65535", 0);
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    @Test
    void roundTripsEveryDatagramMessageIncludingEdges() {
        String long40 = "n".repeat(40);
        String long300 = "\u00e9".repeat(150);
        Bytes meta512 = Bytes.of(new byte[512]);
        List<Message> messages = List.of(
                new Ping(0, "", null, ""),
                new Ping(UINT32_MAX, long300, V6, long40),
                new Ping(7, "target", V4, ""),
                new IndirectPing(1, V6, long40, true, V4, "prober"),
                new IndirectPing(UINT32_MAX, V4, "", false, null, ""),
                new Ack(128, Bytes.EMPTY),
                new Ack(65_536, Bytes.of(new byte[] {1, 2, 3})),
                new Nack(UINT32_MAX),
                new Suspect(255, "suspect", "accuser"),
                new Suspect(256, long300, ""),
                new Dead(65_535, "gone", "gone"),
                new Dead(UINT32_MAX, long40, "x"),
                new Alive(1, "a", V4, Bytes.EMPTY, VersionVector.ROLLCALL),
                new Alive(UINT32_MAX, long300, V6, meta512, new VersionVector(1, 5, 2, 2, 5, 4)),
                new UserData(Bytes.EMPTY),
                new UserData(Bytes.of("serf".getBytes(StandardCharsets.UTF_8))),
                new ErrorResponse(long300));
        for (Message m : messages) {
            byte[] wire = MessageCodec.encode(m);
            assertThat(wire.length).as("size of %s", m).isEqualTo(WireSizes.of(m));
            assertThat(MessageCodec.decode(wire, 0, wire.length)).as("%s", m).isEqualTo(DecodeResult.of(m));
        }
    }

    @Test
    void encodedLengthIsWireSizeAndDatagramsRoundTripForRandomMessages() {
        long seed = 42_424_242L;
        Random random = new Random(seed);
        RandomMessages exact = new RandomMessages(random, true, true);
        RandomMessages anything = new RandomMessages(random, false, true);
        for (int i = 0; i < 20_000; i++) {
            Message m = (i % 2 == 0 ? exact : anything).any();
            byte[] wire = MessageCodec.encode(m);
            assertThat(wire.length).as("seed %d iteration %d: %s", seed, i, m).isEqualTo(WireSizes.of(m));
            if (i % 2 == 0 && !(m instanceof PushPull)) {
                assertThat(MessageCodec.decode(wire, 0, wire.length)).as("seed %d iteration %d", seed, i)
                        .isEqualTo(DecodeResult.of(m));
            }
        }
    }

    @Test
    void writesStringsAndBytesInGosRawStringFamily() {
        byte[] fixstr = MessageCodec.encode(new Nack(5));
        assertThat(hex(fixstr)).isEqualTo(hex(WireText.bytes("0b 81 a5\"SeqNo\" 05")));

        String name40 = "n".repeat(40);
        byte[] str16 = MessageCodec.encode(new Suspect(1, name40, ""));
        assertThat(hex(str16)).isEqualTo(hex(WireText.bytes("03 83 a4\"From\" a0 ab\"Incarnation\" 01 a4\"Node\" da 0028 \""
                + name40 + "\"")));

        byte[] str32 = MessageCodec.encode(new ErrorResponse("e".repeat(70_000)));
        assertThat(hex(str32)).startsWith(hex(WireText.bytes("0d 81 a5\"Error\" db 00011170")));

        // An empty []byte is Go's nil slice: c0, not an empty string.
        byte[] ack = MessageCodec.encode(new Ack(300, Bytes.EMPTY));
        assertThat(hex(ack)).isEqualTo(hex(WireText.bytes("02 82 a7\"Payload\" c0 a5\"SeqNo\" cd 012c")));
    }

    @Test
    void omitsEmptySourceFieldsAndZeroSourcePortLikeGosOmitempty() {
        byte[] bare = MessageCodec.encode(new Ping(1, "n", null, ""));
        assertThat(hex(bare)).isEqualTo(hex(WireText.bytes("00 82 a4\"Node\" a1\"n\" a5\"SeqNo\" 01")));
        byte[] noPort = MessageCodec.encode(new Ping(1, "n", Endpoint.parse("127.0.0.1:0", 0), ""));
        assertThat(hex(noPort)).isEqualTo(hex(WireText.bytes("00 83 a4\"Node\" a1\"n\" a5\"SeqNo\" 01 aa\"SourceAddr\" a4 7f000001")));
        // memberlist only replies to the source when address and port are both set.
        assertThat(MessageCodec.decode(noPort, 0, noPort.length).messages()).containsExactly(new Ping(1, "n", null, ""));
    }

    @Test
    void writesAMalformedVersionVectorAsNil() {
        Alive alive = new Alive(1, "n", V4, Bytes.EMPTY, null);
        byte[] wire = MessageCodec.encode(alive);
        assertThat(hex(wire)).endsWith(hex(WireText.bytes("a3\"Vsn\" c0")));
        assertThat(MessageCodec.decode(wire, 0, wire.length).messages()).containsExactly(alive);
    }

    @Test
    void acceptsAnyIntegerWidthBinStringsUnknownKeysAndAnyKeyOrder() {
        byte[] wire = message(MessageType.PING, p -> {
            p.packMapHeader(4);
            p.packString("Future"); // a newer peer's field, with nested values to skip
            p.packMapHeader(2).packString("a").packArrayHeader(2).packInt(1).packMapHeader(1).packString("b")
                    .packBinaryHeader(2).writePayload(new byte[] {9, 9});
            p.packString("b").packFloat(1.5f);
            p.packString("SourceNode").packBinaryHeader(2).writePayload("s4".getBytes(StandardCharsets.US_ASCII));
            p.packString("SeqNo").writePayload(new byte[] {(byte) 0xd1, 0x01, 0x2c});
            p.packString("Node").packString("n".repeat(40));
        });
        assertThat(hex(wire)).contains("d1012c").contains("d928"); // int16 SeqNo, str8 Node from a modern encoder
        assertThat(MessageCodec.decode(wire, 0, wire.length).messages())
                .containsExactly(new Ping(300, "n".repeat(40), null, "s4"));
    }

    @Test
    void acceptsUint64NilAndMissingFieldsAsGoDoes() {
        byte[] ack = WireText.bytes("02 82 a7\"Payload\" c0 a5\"SeqNo\" cf 0000000000000005");
        assertThat(MessageCodec.decode(ack, 0, ack.length).messages()).containsExactly(new Ack(5, Bytes.EMPTY));

        byte[] empty = WireText.bytes("03 80");
        assertThat(MessageCodec.decode(empty, 0, empty.length).messages()).containsExactly(new Suspect(0, "", ""));

        byte[] nils = WireText.bytes("05 83 a4\"Node\" c0 a4\"From\" c0 ab\"Incarnation\" c0");
        assertThat(MessageCodec.decode(nils, 0, nils.length).messages()).containsExactly(new Dead(0, "", ""));

        byte[] boolAsInt = WireText.bytes("01 83 a4\"Nack\" 01 a6\"Target\" a4 0a010203 a4\"Port\" cd 1f0a");
        assertThat(MessageCodec.decode(boolAsInt, 0, boolAsInt.length).messages())
                .containsExactly(new IndirectPing(0, V4, "", true, null, ""));
    }

    @Test
    void turnsAVersionVectorOfTheWrongShapeIntoNull() {
        byte[] shortVsn = WireText.bytes("04 83 a4\"Addr\" a4 0a010203 a4\"Port\" cd 1f0a a3\"Vsn\" a3 010502");
        assertThat(MessageCodec.decode(shortVsn, 0, shortVsn.length).messages())
                .containsExactly(new Alive(0, "", V4, Bytes.EMPTY, null));
        byte[] arrayVsn = WireText.bytes("04 83 a4\"Addr\" a4 0a010203 a4\"Port\" cd 1f0a a3\"Vsn\" 96 01 05 02 02 05 05");
        assertThat(MessageCodec.decode(arrayVsn, 0, arrayVsn.length).messages())
                .containsExactly(new Alive(0, "", V4, Bytes.EMPTY, null));
    }

    @Test
    void dropsWhatGoWouldRefuseOrWeCannotRepresent() {
        assertDrop("0b 81 a5\"SeqNo\" ff", DecodeDropReason.INVALID_FIELD);                 // -1
        assertDrop("0b 81 a5\"SeqNo\" cf 0000000100000000", DecodeDropReason.INVALID_FIELD); // 2^32
        assertDrop("0b 81 a5\"SeqNo\" cf ffffffffffffffff", DecodeDropReason.INVALID_FIELD); // 2^64-1
        assertDrop("0b 81 a5\"SeqNo\" a1\"1\"", DecodeDropReason.INVALID_FIELD);
        assertDrop("04 82 a4\"Addr\" a4 0a010203 a4\"Port\" ce 00010000", DecodeDropReason.INVALID_FIELD);
        assertDrop("04 81 a4\"Addr\" a5 0a01020304", DecodeDropReason.BAD_ADDRESS);
        assertDrop("04 81 a4\"Node\" a1\"n\"", DecodeDropReason.BAD_ADDRESS);
        assertDrop("01 81 a5\"SeqNo\" 01", DecodeDropReason.BAD_ADDRESS);
        assertDrop("00 81 aa\"SourceAddr\" a3 7f0000", DecodeDropReason.BAD_ADDRESS);
        assertDrop("03 83 a4\"Node\" 05 a4\"From\" a0 ab\"Incarnation\" 01", DecodeDropReason.INVALID_FIELD);
        assertDrop("01 81 a4\"Nack\" 02", DecodeDropReason.INVALID_FIELD);
        assertDrop("0b 81 a5\"SeqNo\" 05 00", DecodeDropReason.TRAILING_GARBAGE);
        assertDrop("0b 93 01 02 03", DecodeDropReason.MALFORMED_MSGPACK);
        assertDrop("0b c1", DecodeDropReason.MALFORMED_MSGPACK);
        assertDrop("0b 82 a5\"SeqNo\" 05", DecodeDropReason.TRUNCATED);
        assertDrop("0d 81 a5\"Error\" db 7fffffff 41", DecodeDropReason.TRUNCATED);
        assertDrop("0b", DecodeDropReason.TRUNCATED);
        assertDrop("", DecodeDropReason.TRUNCATED);
        assertDrop("63 80", DecodeDropReason.UNKNOWN_TYPE);
        assertDrop("06 80", DecodeDropReason.UNEXPECTED_TYPE);
        assertDrop("07 00", DecodeDropReason.UNEXPECTED_TYPE);
    }

    @Test
    void refusesToEncodeNumbersOutsideTheirGoTypes() {
        assertThatThrownBy(() -> MessageCodec.encode(new Nack(UINT32_MAX + 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageCodec.encode(new Suspect(-1, "n", ""))).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertDrop(String wireText, DecodeDropReason reason) {
        byte[] wire = WireText.bytes(wireText);
        DecodeResult result = MessageCodec.decode(wire, 0, wire.length);
        assertThat(result.messages()).as(wireText).isEmpty();
        assertThat(result.drops()).as(wireText).extracting(DecodeDrop::reason).containsExactly(reason);
    }

    interface Packing {
        void pack(MessagePacker p) throws IOException;
    }

    /** A message as a modern msgpack encoder (str8, bin) would write it. */
    static byte[] message(MessageType type, Packing body) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.writePayload(new byte[] {(byte) type.code()});
            body.pack(p);
            return p.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
