package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.of;
import static io.rollcall.core.engine.EngineHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Ping;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTripTimesTest {

    private static Ping startProbe(EngineHarness h) {
        h.fire(new Timer.ProbeTick());
        List<Ping> pings = sent(h.drain(), Ping.class);
        assertThat(pings).hasSize(1);
        return pings.get(0);
    }

    private static int host(String name) {
        return Integer.parseInt(name.substring(1));
    }

    @Test
    void directAcksGiveTheLastAndSmoothedTimeOfTheirTarget() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(1);
        Ping first = startProbe(h);
        h.now += 3;
        h.receive(host(first.node()), new Ack(first.seqNo(), Bytes.EMPTY));
        assertThat(h.engine.roundTripsByMember().direct()).containsExactly(java.util.Map.entry("n2", new RoundTripTimes.Sample(3_000, 3_000, 1)));
        h.fire(new Timer.ProbeDeadline(first.seqNo()));
        h.now += 1_000;
        Ping second = startProbe(h);
        h.now += 11;
        h.receive(host(second.node()), new Ack(second.seqNo(), Bytes.EMPTY));
        // 3 ms + (11 ms - 3 ms) / 8
        assertThat(h.engine.roundTripsByMember().direct().get("n2")).isEqualTo(new RoundTripTimes.Sample(11_000, 4_000, 2));
        assertThat(h.engine.roundTripsByMember().viaHelper()).isEmpty();
        long[] counts = h.engine.roundTripTimes().histogram(false).counts();
        assertThat(counts[5]).as("3 ms: the bucket up to 5 ms").isEqualTo(1);
        assertThat(counts[7]).as("11 ms: the bucket up to 25 ms").isEqualTo(1);
        assertThat(h.engine.roundTripTimes().histogram(false).sumMicros()).isEqualTo(14_000);
    }

    @Test
    void anAckRelayedByAHelperCountsAsIndirectAndAStrayAckAsNothing() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        Ping ping = startProbe(h);
        h.receive(host(ping.node()), new Ack(ping.seqNo() + 99, Bytes.EMPTY));
        assertThat(h.engine.roundTripsByMember().direct()).isEmpty();
        h.now += EngineConfig.lan().probeTimeoutMillis();
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        List<IndirectPing> asked = sent(h.drain(), IndirectPing.class);
        assertThat(asked).isNotEmpty();
        h.now += 40;
        // The relayed ack comes from a helper, not from the target.
        int relay = host(ping.node()) == 3 ? 4 : 3;
        h.receive(relay, new Ack(ping.seqNo(), Bytes.EMPTY));
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).hasSize(1);
        assertThat(h.engine.roundTripsByMember().direct()).isEmpty();
        long rtt = (EngineConfig.lan().probeTimeoutMillis() + 40) * 1_000L;
        assertThat(h.engine.roundTripsByMember().viaHelper()).containsExactly(java.util.Map.entry(ping.node(), new RoundTripTimes.Sample(rtt, rtt, 1)));
        assertThat(h.engine.roundTripTimes().histogram(true).count()).isEqualTo(1);
        assertThat(h.engine.roundTripTimes().histogram(false).count()).isZero();
    }
}
