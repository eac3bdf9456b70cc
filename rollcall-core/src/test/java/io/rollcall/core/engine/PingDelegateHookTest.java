package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.addr;
import static io.rollcall.core.engine.EngineHarness.of;
import static io.rollcall.core.engine.EngineHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Ping;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PingDelegateHookTest {
    private static final Bytes OURS = Bytes.of(new byte[] {1, 2, 3});

    /** Records what the engine tells it and fills every ack with {@link #OURS}. */
    private static final class Recorder implements PingDelegate {
        final List<String> completed = new ArrayList<>();

        @Override
        public Bytes ackPayload() {
            return OURS;
        }

        @Override
        public void pingCompleted(String member, long rttMicros, Bytes payload) {
            completed.add(member + " " + rttMicros + " " + payload.length());
        }
    }

    private static EngineHarness harness(PingDelegate delegate, int members) {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1);
        if (delegate != null) {
            h.engine.setPingDelegate(delegate);
        }
        return h.started().withMembers(members);
    }

    private static Ping startProbe(EngineHarness h) {
        h.fire(new Timer.ProbeTick());
        List<Ping> pings = sent(h.drain(), Ping.class);
        assertThat(pings).hasSize(1);
        return pings.get(0);
    }

    @Test
    void ourUdpAcksCarryTheDelegatesPayloadAndOurTcpAcksNone() {
        EngineHarness h = harness(new Recorder(), 2);
        h.receive(2, new Ping(42, "self", null, "n2"));
        Effect.SendPacket reply = of(h.drain(), Effect.SendPacket.class).get(0);
        assertThat(reply.messages().get(0)).isEqualTo(new Ack(42, OURS));
        // memberlist attaches the payload to UDP acks only.
        assertThat(h.engine.handleStream(addr(2), new Ping(43, "self", null, "n2"))).isEqualTo(new Ack(43, Bytes.EMPTY));
    }

    @Test
    void withoutADelegateAcksCarryNoPayload() {
        EngineHarness h = harness(null, 2);
        h.receive(2, new Ping(42, "self", null, "n2"));
        assertThat(of(h.drain(), Effect.SendPacket.class).get(0).messages().get(0)).isEqualTo(new Ack(42, Bytes.EMPTY));
    }

    @Test
    void aDirectAckToOurProbeReportsItsRoundTripAndPayload() {
        Recorder recorder = new Recorder();
        EngineHarness h = harness(recorder, 1);
        Ping ping = startProbe(h);
        h.now += 7;
        h.receive(2, new Ack(ping.seqNo(), Bytes.of(new byte[5])));
        assertThat(recorder.completed).containsExactly("n2 7000 5");
    }

    @Test
    void anAckRelayedByAHelperOrAnUnknownAckReportsNothing() {
        Recorder recorder = new Recorder();
        EngineHarness h = harness(recorder, 3);
        Ping ping = startProbe(h);
        h.receive(9, new Ack(ping.seqNo() + 100, OURS));
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        h.drain();
        int helper = ping.node().equals("n2") ? 3 : 2;
        h.receive(helper, new Ack(ping.seqNo(), OURS)); // relayed: from a helper's address, not the target's
        assertThat(recorder.completed).isEmpty();
    }

    @Test
    void theDelegateIsFixedBeforeTheStart() {
        EngineHarness h = harness(null, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.engine.setPingDelegate(new Recorder()))
                .isInstanceOf(IllegalStateException.class);
    }
}
