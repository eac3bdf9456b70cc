package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.SerfMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every datagram and stream captured from real serf 0.9.4 agents (resources/serf-0.9.4, with how
 * each was produced) decodes completely, to what the capture notes say it is.
 */
class CapturedSerfTrafficTest {
    private final PacketCodec packets = new PacketCodec(CodecConfig.DEFAULT);
    private final StreamCodec streams = new StreamCodec(CodecConfig.DEFAULT);

    private static byte[] vector(String name) throws IOException {
        try (InputStream in = CapturedSerfTrafficTest.class.getResourceAsStream("/serf-0.9.4/" + name + ".hex")) {
            assertThat(in).as("vector " + name).isNotNull();
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
    }

    private DecodeResult packet(String name) throws IOException {
        DecodeResult r = packets.decode(vector(name));
        assertThat(r.drops()).as(name).isEmpty();
        return r;
    }

    private DecodeResult stream(String name) throws IOException {
        DecodeResult r = streams.read(new ByteArrayInputStream(vector(name)));
        assertThat(r.drops()).as(name).isEmpty();
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp-ack", "udp-ack-compressed", "udp-dead-failed", "udp-dead-leave",
        "udp-fake-leave-intent-about-s1", "udp-gossip-compound-crc", "udp-gossip-compressed-crc", "udp-indirect-ping",
        "udp-nack", "udp-ping", "udp-ping-piggyback-dead", "udp-ping-suspect-compound-crc", "udp-serf-join-intent",
        "udp-serf-join-refute", "udp-serf-leave-intent", "udp-serf-leave-intent-sigint", "udp-serf-query",
        "udp-serf-query-response", "udp-serf-relay", "udp-serf-relayed-response", "udp-serf-user-event", "udp-suspect"})
    void everyCapturedDatagramDecodesCleanly(String name) throws IOException {
        assertThat(packet(name).messages()).as(name).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp-fallback-ping-ack", "tcp-fallback-ping-request", "tcp-ping-ack-to-plain-ping",
        "tcp-pushpull-antientropy-request", "tcp-pushpull-antientropy-response", "tcp-pushpull-join-request",
        "tcp-pushpull-join-response", "tcp-pushpull-join-response-3nodes", "tcp-pushpull-join-response-to-plain-node",
        "tcp-pushpull-plain-join-request"})
    void everyCapturedStreamDecodesCleanly(String name) throws IOException {
        assertThat(stream(name).messages()).as(name).hasSize(1);
    }

    @Test
    void capturedMessagesAreWhatTheNotesSay() throws IOException {
        assertThat(packet("udp-ping").messages()).singleElement().isInstanceOf(Ping.class);
        assertThat(packet("udp-ack").messages()).singleElement().isInstanceOf(Ack.class);
        assertThat(packet("udp-nack").messages()).singleElement().isInstanceOf(Nack.class);
        assertThat(packet("udp-indirect-ping").messages()).singleElement().isInstanceOf(IndirectPing.class);
        assertThat(packet("udp-suspect").messages()).anyMatch(m -> m instanceof Suspect);
        assertThat(packet("udp-dead-leave").messages()).anyMatch(m -> m instanceof Dead d && d.isLeave());
        assertThat(packet("udp-dead-failed").messages()).anyMatch(m -> m instanceof Dead d && !d.isLeave());
        List<Message> gossip = packet("udp-gossip-compound-crc").messages();
        assertThat(gossip).anyMatch(m -> m instanceof Alive);
        PushPull state = (PushPull) stream("tcp-pushpull-join-response").messages().get(0);
        assertThat(state.nodes()).isNotEmpty();
        assertThat(SerfCodec.decode(state.userState().toByteArray())).isInstanceOf(SerfMessage.State.class);
    }

    @Test
    void capturedSerfIntentsDecodeToIntents() throws IOException {
        assertThat(serf("udp-serf-join-intent")).anyMatch(m -> m instanceof SerfMessage.JoinIntent);
        assertThat(serf("udp-serf-leave-intent")).anyMatch(m -> m instanceof SerfMessage.LeaveIntent);
        assertThat(serf("udp-serf-join-refute")).anyMatch(m -> m instanceof SerfMessage.JoinIntent j && j.ltime() == 101);
        assertThat(serf("udp-serf-user-event")).anyMatch(m -> m instanceof SerfMessage.UserEvent e && e.name().equals("myevent"));
        assertThat(serf("udp-serf-relay")).anyMatch(m -> m instanceof SerfMessage.Relay r && r.destName().equals("s1")
                && r.destPort() == 7946 && SerfCodec.decode(r.message().toByteArray()) instanceof SerfMessage.QueryResponse);
    }

    @Test
    void ourSerfMessagesRoundTrip() {
        SerfMessage.JoinIntent join = new SerfMessage.JoinIntent(7, "r1");
        SerfMessage.LeaveIntent leave = new SerfMessage.LeaveIntent(300, "r1", false);
        SerfMessage.State state = new SerfMessage.State(9, java.util.Map.of("a", 1L, "b", 200L), List.of("b"), 1, 1);
        assertThat(SerfCodec.decode(SerfCodec.encodeJoin(join))).isEqualTo(join);
        assertThat(SerfCodec.decode(SerfCodec.encodeLeave(leave))).isEqualTo(leave);
        assertThat(SerfCodec.decode(SerfCodec.encodeState(state))).isEqualTo(state);
        assertThat(SerfCodec.decode(new byte[] {1, (byte) 0xc1})).isNull();
        assertThat(SerfCodec.decode(new byte[0])).isNull();
    }

    @Test
    void tagsFollowSerfsEncoding() {
        assertThat(HexFormat.of().formatHex(SerfTags.encode(java.util.Map.of()).toByteArray())).isEqualTo("ff80");
        java.util.Map<String, String> tags = java.util.Map.of("role", "web", "dc", "x");
        assertThat(SerfTags.decode(SerfTags.encode(tags))).isEqualTo(tags);
        assertThat(SerfTags.decode(io.rollcall.core.Bytes.of("web".getBytes(StandardCharsets.UTF_8)))).isEqualTo(java.util.Map.of("role", "web"));
    }

    private List<SerfMessage> serf(String name) throws IOException {
        return packet(name).messages().stream().filter(m -> m instanceof UserData)
                .map(m -> SerfCodec.decode(((UserData) m).payload().toByteArray())).toList();
    }
}
