package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.CoordinateCodec;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Ping;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Serf-semantics switch ({@link RollcallConfig.Builder#serfCompatible}) turns off everything Serf
 * adds: user events, queries and network coordinates (acks without a payload, as plain memberlist's).
 */
class SerfSwitchTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private Rollcall node(String name, boolean serf) throws Exception {
        Rollcall r = Rollcall.start(RollcallConfig.builder(name).bind("127.0.0.1:0").profile(Profile.LOCAL)
                .serfCompatible(serf).build());
        open.add(r);
        return r;
    }

    /** Pings the node the way a memberlist peer does and returns its UDP ack. */
    private static Ack ackTo(Rollcall node) throws Exception {
        PacketCodec codec = new PacketCodec(CodecConfig.DEFAULT);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            socket.setSoTimeout(5_000);
            Endpoint me = Endpoint.of(new byte[] {127, 0, 0, 1}, socket.getLocalPort());
            byte[] ping = codec.encode(List.of(new Ping(77, node.name(), me, "prober")), false);
            socket.send(new DatagramPacket(ping, ping.length, node.address()));
            byte[] buf = new byte[65_536];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            DecodeResult decoded = codec.decode(buf, 0, reply.getLength());
            for (Message m : decoded.messages()) {
                if (m instanceof Ack ack && ack.seqNo() == 77) {
                    return ack;
                }
            }
            throw new AssertionError("no ack in " + decoded);
        }
    }

    @Test
    void withSerfSemanticsOurAcksCarryOurCoordinate() throws Exception {
        Rollcall on = node("on", true);
        Ack ack = ackTo(on);
        assertThat(CoordinateCodec.decode(ack.payload()).coordinate().dimensionality()).isEqualTo(8);
        assertThat(on.coordinates()).containsOnlyKeys("on");
    }

    @Test
    void offTurnsOffEventsQueriesAndCoordinates() throws Exception {
        Rollcall a = node("a", false);
        Rollcall b = node("b", false);
        assertThat(a.join(List.of(b.address())).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(ackTo(a).payload().isEmpty()).as("a plain memberlist ack").isTrue();
        assertThat(a.coordinates()).isEmpty();
        assertThat(a.estimatedRtt("a", "b")).isEmpty();
        assertThat(a.sendEvent("deploy", new byte[0], false)).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
        assertThat(a.query("uptime", new byte[0], QueryOptions.DEFAULT)).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
    }
}
