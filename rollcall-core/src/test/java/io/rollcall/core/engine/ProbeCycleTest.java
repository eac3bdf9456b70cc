package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.addr;
import static io.rollcall.core.engine.EngineHarness.of;
import static io.rollcall.core.engine.EngineHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.Suspect;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeCycleTest {

    private static Ping startProbe(EngineHarness h) {
        h.fire(new Timer.ProbeTick());
        List<Effect> effects = h.drain();
        List<Ping> pings = sent(effects, Ping.class);
        assertThat(pings).hasSize(1);
        assertThat(of(effects, Timer.ProbeTimeout.class)).hasSize(1);
        assertThat(of(effects, Timer.ProbeDeadline.class)).hasSize(1);
        return pings.get(0);
    }

    @Test
    void answersAPingAtItsSourceAddressWithTheSameSequenceNumber() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        h.receive(2, new Ping(42, "self", addr(9), "n2"));
        List<Effect> effects = h.drain();
        Effect.SendPacket reply = of(effects, Effect.SendPacket.class).get(0);
        assertThat(reply.to()).isEqualTo(addr(9));
        assertThat(reply.messages().get(0)).isEqualTo(new Ack(42, Bytes.EMPTY));
    }

    @Test
    void ignoresAndCountsAPingForAnotherName() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        h.receive(2, new Ping(42, "someone-else", null, ""));
        assertThat(h.drain()).isEmpty();
        assertThat(h.engine.counters().dropped(DropReason.PING_FOR_OTHER_NODE)).isEqualTo(1);
    }

    @Test
    void aTimelyAckEndsTheProbeAndImprovesHealth() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        // Worsen health first, so an improvement is visible.
        h.receive(2, new Suspect(1, "self", "n2"));
        h.drain();
        assertThat(h.engine.healthScore()).isEqualTo(1);
        Ping ping = startProbe(h);
        h.receive(2, new Ack(ping.seqNo(), Bytes.EMPTY));
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        List<Effect> effects = h.drain();
        assertThat(sent(effects, IndirectPing.class)).isEmpty();
        assertThat(h.engine.healthScore()).isZero();
        assertThat(h.engine.counters().probesFailed()).isZero();
    }

    @Test
    void everyProbeEndsExactlyOnceSoTheDriverCanStopWatchingItsSocket() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        // Acked at once: the end comes with the ack; the timers firing later add nothing.
        Ping acked = startProbe(h);
        h.receive(2, new Ack(acked.seqNo(), Bytes.EMPTY));
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).containsExactly(new Effect.ProbeEnded(acked.seqNo()));
        h.fire(new Timer.ProbeTimeout(acked.seqNo()));
        h.fire(new Timer.ProbeDeadline(acked.seqNo()));
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).isEmpty();
        // Never answered: it ends at its deadline, not at the direct timeout.
        Ping silent = startProbe(h);
        h.fire(new Timer.ProbeTimeout(silent.seqNo()));
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).isEmpty();
        h.fire(new Timer.ProbeDeadline(silent.seqNo()));
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).containsExactly(new Effect.ProbeEnded(silent.seqNo()));
        // Port unreachable, then a leave with a probe in flight.
        Ping unreachable = startProbe(h);
        h.engine.handleProbeUnreachable(unreachable.seqNo());
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).containsExactly(new Effect.ProbeEnded(unreachable.seqNo()));
        Ping abandoned = startProbe(h);
        h.engine.leave(5_000);
        assertThat(of(h.drain(), Effect.ProbeEnded.class)).containsExactly(new Effect.ProbeEnded(abandoned.seqNo()));
    }

    @Test
    void aMissedAckGoesIndirectThenSuspectsAndCountsMissingNacksAgainstOurHealth() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(5);
        Ping ping = startProbe(h);
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        List<Effect> effects = h.drain();
        List<IndirectPing> indirect = sent(effects, IndirectPing.class);
        assertThat(indirect).hasSize(3).allSatisfy(ip -> {
            assertThat(ip.seqNo()).isEqualTo(ping.seqNo());
            assertThat(ip.node()).isEqualTo(ping.node());
            assertThat(ip.nack()).isTrue();
        });
        assertThat(of(effects, Effect.SendStream.class)).as("TCP fallback probe").hasSize(1);
        // One of three helpers answers with a nack: two nacks are missing.
        h.receive(3, new Nack(ping.seqNo()));
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        effects = h.drain();
        assertThat(h.engine.healthScore()).isEqualTo(2);
        assertThat(of(effects, MembershipEvent.Suspected.class)).hasSize(1);
        String target = ping.node();
        assertThat(h.engine.member(target).orElseThrow().state()).isEqualTo(MemberState.SUSPECT);
    }

    @Test
    void anUnhealthyNodeWaitsLongerBeforeSuspecting() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(5);
        h.receive(2, new Suspect(1, "self", "n2"));
        // Refutations are paced to one per probe interval (IncarnationRule): the second accusation comes after it.
        h.now += EngineConfig.lan().probeIntervalMillis();
        h.receive(2, new Suspect(2, "self", "n2"));
        h.drain();
        assertThat(h.engine.healthScore()).isEqualTo(2);
        h.fire(new Timer.ProbeTick());
        List<Effect> effects = h.drain();
        Effect.SetTimer deadline = of(effects, Effect.SetTimer.class).stream()
                .filter(t -> t.timer() instanceof Timer.ProbeDeadline).findFirst().orElseThrow();
        assertThat(deadline.delayMillis()).isEqualTo(3 * 1000);
    }

    @Test
    void anIndirectAckOrATcpAckSavesTheTarget() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(5);
        Ping ping = startProbe(h);
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        h.drain();
        h.receive(3, new Ack(ping.seqNo(), Bytes.EMPTY));
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        assertThat(of(h.drain(), MembershipEvent.Suspected.class)).isEmpty();

        ping = startProbe(h);
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        Effect.SendStream tcp = of(h.drain(), Effect.SendStream.class).get(0);
        h.engine.handleStreamReply(tcp.requestId(), new Ack(ping.seqNo(), Bytes.EMPTY));
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        assertThat(of(h.drain(), MembershipEvent.Suspected.class)).isEmpty();
        assertThat(h.engine.counters().tcpFallbackSuccesses()).isEqualTo(1);
    }

    @Test
    void probingASuspectCarriesTheSuspicionSoItCanRefute() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(1);
        h.receive(2, new Suspect(1, "n2", "n9"));
        h.drain();
        h.fire(new Timer.ProbeTick());
        List<Effect> effects = h.drain();
        Effect.SendPacket packet = of(effects, Effect.SendPacket.class).get(0);
        assertThat(packet.to()).isEqualTo(addr(2));
        assertThat(packet.messages()).anySatisfy(m -> assertThat(m).isEqualTo(new Suspect(1, "n2", "self")));
    }

    @Test
    void servesIndirectProbesForwardingTheAckOrANack() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.receive(2, new IndirectPing(500, addr(3), "n3", true, addr(2), "n2"));
        List<Effect> effects = h.drain();
        Ping relayed = sent(effects, Ping.class).get(0);
        assertThat(relayed.node()).isEqualTo("n3");
        h.receive(3, new Ack(relayed.seqNo(), Bytes.EMPTY));
        effects = h.drain();
        Effect.SendPacket forwarded = of(effects, Effect.SendPacket.class).get(0);
        assertThat(forwarded.to()).isEqualTo(addr(2));
        assertThat(forwarded.messages().get(0)).isEqualTo(new Ack(500, Bytes.EMPTY));

        h.receive(2, new IndirectPing(501, addr(4), "n4", true, null, "n2"));
        relayed = sent(h.drain(), Ping.class).get(0);
        h.fire(new Timer.RelayTimeout(relayed.seqNo()));
        assertThat(sent(h.drain(), Nack.class)).containsExactly(new Nack(501));
    }

    @Test
    void aMemberWeHoldDeadThatProbesUsIsToldSo() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        h.receive(3, new io.rollcall.core.message.Dead(1, "n2", "n3"));
        h.drain();
        h.receive(2, new Ping(7, "self", addr(2), "n2"));
        List<io.rollcall.core.message.Message> reply = of(h.drain(), Effect.SendPacket.class).get(0).messages();
        assertThat(reply).contains(new Ack(7, Bytes.EMPTY), new Suspect(1, "n2", "self"));
    }

    @Test
    void aPortUnreachableReportSuspectsTheTargetAtOnceWithoutGoingIndirectOrHurtingOurHealth() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(5);
        Ping ping = startProbe(h);
        h.engine.handleProbeUnreachable(ping.seqNo());
        h.drain();
        assertThat(h.engine.member(ping.node()).orElseThrow().state()).isEqualTo(MemberState.SUSPECT);
        assertThat(h.engine.counters().probesUnreachable()).isEqualTo(1);
        assertThat(h.engine.counters().probesFailed()).isEqualTo(1);
        assertThat(h.engine.healthScore()).isZero();
        // The probe is over: its timers no longer do anything.
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        List<Effect> effects = h.drain();
        assertThat(sent(effects, IndirectPing.class)).isEmpty();
        assertThat(of(effects, Effect.SendStream.class)).isEmpty();
        assertThat(h.engine.counters().probesFailed()).isEqualTo(1);
        assertThat(h.engine.healthScore()).isZero();
    }

    @Test
    void aPortUnreachableReportAboutAnAnsweredOrOtherProbeIsIgnored() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(5);
        Ping ping = startProbe(h);
        h.engine.handleProbeUnreachable(ping.seqNo() + 1000);
        h.receive(2, new Ack(ping.seqNo(), Bytes.EMPTY));
        h.engine.handleProbeUnreachable(ping.seqNo());
        h.drain();
        assertThat(h.engine.member(ping.node()).orElseThrow().state()).isEqualTo(MemberState.ALIVE);
        assertThat(h.engine.counters().probesUnreachable()).isZero();
        assertThat(h.engine.counters().probesFailed()).isZero();
    }

    @Test
    void aPortUnreachableReportIsIgnoredWhenTurnedOff() {
        EngineHarness h = new EngineHarness(EngineConfig.lan().toBuilder().suspectOnPortUnreachable(false).build(), 1)
                .started().withMembers(5);
        Ping ping = startProbe(h);
        h.engine.handleProbeUnreachable(ping.seqNo());
        h.drain();
        assertThat(h.engine.member(ping.node()).orElseThrow().state()).isEqualTo(MemberState.ALIVE);
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        assertThat(sent(h.drain(), IndirectPing.class)).hasSize(3);
    }
}
