package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.of;
import static io.rollcall.core.engine.EngineHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.MemberState;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.Suspect;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The isolation hold ({@link Isolation}): two failed probes of ours with every nack they asked for
 * missing, late ones included, make us refute nothing for the hold; one alone, nacks that come, a
 * deadline that fired late (a stall) or a hold of 0 do not.
 */
class IsolationTest {
    private static final EngineConfig LAN = EngineConfig.lan();
    private static final long INTERVAL = LAN.probeIntervalMillis();

    /** Runs one probe to its end, answered by nothing but the given helpers' nacks; its deadline fires {@code lateMillis} late. */
    private static Ping failProbe(EngineHarness h, int nacks, long lateMillis) {
        h.fire(new Timer.ProbeTick());
        List<Effect> started = h.drain();
        Ping ping = sent(started, Ping.class).get(0);
        // The deadline stretches with our health score (Lifeguard), which failed probes raise.
        long deadline = of(started, Effect.SetTimer.class).stream().filter(t -> t.timer() instanceof Timer.ProbeDeadline)
                .findFirst().orElseThrow().delayMillis();
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        List<Effect.SendPacket> asked = of(h.drain(), Effect.SendPacket.class);
        assertThat(sent(new java.util.ArrayList<>(asked), IndirectPing.class)).hasSize(3);
        h.now += deadline + lateMillis;
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        // The helpers' nacks come just after the deadline, as they do with memberlist's timing.
        for (int i = 0; i < nacks; i++) {
            h.receive(asked.get(i).to().addressBytes()[3], new Nack(ping.seqNo()));
        }
        h.now += LAN.probeTimeoutMillis();
        h.fire(new Timer.NackGrace(ping.seqNo()));
        h.drain();
        return ping;
    }

    @Test
    void aFailedProbeWhoseHelpersNackedLateIsTheTargetsFaultNotOurs() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(6);
        Ping ping = failProbe(h, 1, 0);
        assertThat(h.engine.isolationHold()).isFalse();
        assertThat(h.engine.member(ping.node()).orElseThrow().state()).isEqualTo(MemberState.SUSPECT);
        assertThat(h.engine.counters().isolationEvidence()).isZero();
    }

    @Test
    void oneProbeWithNoNackAtAllIsNotYetEnoughToHold() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(6);
        failProbe(h, 0, 0);
        assertThat(h.engine.counters().isolationEvidence()).isEqualTo(1);
        assertThat(h.engine.isolationHold()).isFalse();
        h.now += LAN.isolationHoldIntervals() * INTERVAL;
        failProbe(h, 0, 0);
        assertThat(h.engine.isolationHold()).as("the first is older than the hold").isFalse();
    }

    @Test
    void twoProbesWithNoNackHoldOurRefutationsForTheHoldThenWeRefute() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(6);
        failProbe(h, 0, 0);
        failProbe(h, 0, 0);
        assertThat(h.engine.isolationHold()).isTrue();
        assertThat(h.engine.counters().isolationEvidence()).isEqualTo(2);

        Ping third = failProbe(h, 0, 0);
        assertThat(h.engine.member(third.node()).orElseThrow().state()).as("our accusations still go out")
                .isEqualTo(MemberState.SUSPECT);

        long incarnation = h.engine.localMember().incarnation();
        h.receive(2, new Suspect(incarnation, "self", "n2"));
        h.fire(new Timer.GossipTick());
        assertThat(sent(h.drain(), Alive.class)).as("no refutation while held").noneMatch(a -> a.node().equals("self"));
        assertThat(h.engine.localMember().incarnation()).isEqualTo(incarnation);
        assertThat(h.engine.counters().refutationsHeld()).isEqualTo(1);

        h.now += LAN.isolationHoldIntervals() * INTERVAL;
        assertThat(h.engine.isolationHold()).isFalse();
        h.fire(new Timer.GossipTick());
        assertThat(h.engine.localMember().incarnation()).as("refuted once the hold is over").isGreaterThan(incarnation);
    }

    @Test
    void aDeadlineThatFiredLateIsOurStallNotOurLinks() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(6);
        failProbe(h, 0, INTERVAL);
        failProbe(h, 0, INTERVAL);
        assertThat(h.engine.isolationHold()).isFalse();
        assertThat(h.engine.counters().isolationEvidence()).isZero();
    }

    @Test
    void aHoldOfZeroIntervalsIsOff() {
        EngineHarness h = new EngineHarness(LAN.toBuilder().isolationHoldIntervals(0).build(), 1).started().withMembers(6);
        failProbe(h, 0, 0);
        Ping ping = failProbe(h, 0, 0);
        assertThat(h.engine.isolationHold()).isFalse();
        assertThat(h.engine.member(ping.node()).orElseThrow().state()).isEqualTo(MemberState.SUSPECT);
    }
}
