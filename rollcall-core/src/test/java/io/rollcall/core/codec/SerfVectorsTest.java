package io.rollcall.core.codec;

import static io.rollcall.core.codec.WireText.bytes;
import static io.rollcall.core.codec.WireText.concat;
import static io.rollcall.core.codec.WireText.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bytes captured from serf 0.9.4 (memberlist 0.2.2), as recorded in the protocol reference, section 1.4. */
class SerfVectorsTest {
    private static final Endpoint S4 = Endpoint.parse("127.0.0.1:17986", 0);    // 0x4642
    private static final Endpoint VEC1 = Endpoint.parse("127.0.0.1:17987", 0);  // 0x4643
    private static final Bytes SERF_EMPTY_TAGS = Bytes.of(new byte[] {(byte) 0xff, (byte) 0x80});

    @Test
    void encodesAndDecodesSerfsUdpPing() {
        byte[] wire = bytes("00 85 a4\"Node\" a4\"vec1\" a5\"SeqNo\" 01 aa\"SourceAddr\" a4 7f000001"
                + " aa\"SourceNode\" a2\"s4\" aa\"SourcePort\" cd 4642");
        assertThat(wire).hasSize(63);
        Ping ping = new Ping(1, "vec1", S4, "s4");
        assertThat(hex(MessageCodec.encode(ping))).isEqualTo(hex(wire));
        assertThat(new PacketCodec(CodecConfig.DEFAULT).decode(wire).messages()).containsExactly(ping);
    }

    @Test
    void encodesAndDecodesSerfsCrcCheckedCompoundOfTwoAlives() {
        // The reference elides the second alive's Node and Port; the CRC confirms "s4" and 0x4642.
        byte[] wire = bytes("0c 62316289  07 02 003c 003c"
                + " 04 86 a4\"Addr\" a4 7f000001 ab\"Incarnation\" 01 a4\"Meta\" c0 a4\"Node\" a4\"vec1\""
                + " a4\"Port\" cd 4643 a3\"Vsn\" a6 010502020504"
                + " 04 86 a4\"Addr\" a4 7f000001 ab\"Incarnation\" 01 a4\"Meta\" a2 ff80 a4\"Node\" a2\"s4\""
                + " a4\"Port\" cd 4642 a3\"Vsn\" a6 010502020505");
        List<Alive> alives = List.of(
                new Alive(1, "vec1", VEC1, Bytes.EMPTY, new VersionVector(1, 5, 2, 2, 5, 4)),
                new Alive(1, "s4", S4, SERF_EMPTY_TAGS, new VersionVector(1, 5, 2, 2, 5, 5)));
        PacketCodec uncompressed = new PacketCodec(CodecConfig.DEFAULT.withCompression(false));
        assertThat(hex(uncompressed.encode(alives, true))).isEqualTo(hex(wire));
        assertThat(new PacketCodec(CodecConfig.DEFAULT).decode(wire)).isEqualTo(new DecodeResult(List.copyOf(alives), List.of()));
    }

    @Test
    void encodesAndDecodesSerfsPushPullReply() throws IOException {
        byte[] header = bytes("06 83 a4\"Join\" c3 a5\"Nodes\" 01 ac\"UserStateLen\" cd 024a");
        byte[] node = bytes("87 a4\"Addr\" a4 7f000001 ab\"Incarnation\" 01 a4\"Meta\" a2 ff80 a4\"Name\" a2\"s4\""
                + " a4\"Port\" cd 4642 a5\"State\" 00 a3\"Vsn\" a6 010502020505");
        // Serf's 586-byte user state starts like this; the rest is opaque to memberlist.
        byte[] userState = Arrays.copyOf(bytes("02 86 aa\"EventLTime\" 01 a6\"Events\" dc 0200 c0 c0"), 586);
        byte[] decompressed = concat(header, node, userState);
        PushPull pushPull = new PushPull(true, List.of(new PushNodeState("s4", S4, SERF_EMPTY_TAGS, 1,
                MemberState.ALIVE, new VersionVector(1, 5, 2, 2, 5, 5))), Bytes.of(userState));

        assertThat(hex(MessageCodec.encode(pushPull))).isEqualTo(hex(decompressed));
        StreamCodec streams = new StreamCodec(CodecConfig.DEFAULT);
        assertThat(streams.read(new ByteArrayInputStream(decompressed)).messages()).containsExactly(pushPull);
        // serf sends it compress-wrapped: 09 82 a4"Algo" 00 a3"Buf" da <len> <LZW>.
        byte[] wrapped = streams.encode(pushPull);
        assertThat(hex(wrapped)).startsWith(hex(bytes("09 82 a4\"Algo\" 00 a3\"Buf\" da")));
        assertThat(streams.read(new ByteArrayInputStream(wrapped)).messages()).containsExactly(pushPull);
    }
}
