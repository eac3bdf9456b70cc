package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.addr;
import static io.rollcall.core.engine.EngineHarness.alive;
import static io.rollcall.core.engine.EngineHarness.of;
import static io.rollcall.core.engine.EngineHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.Suspect;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each transition is recorded with the evidence it was decided on ({@link DecisionRecord}): our
 * probe's answers, the timeouts Lifeguard chose and how confirmations shortened them, who told us
 * and from where; at most {@link DecisionRecords#RECORDS_PER_MEMBER} per member, accounted in the
 * member table's bytes.
 */
class DecisionRecordsTest {
    private static final EngineConfig LAN = EngineConfig.lan();

    private static Ping startProbe(EngineHarness h) {
        h.fire(new Timer.ProbeTick());
        return sent(h.drain(), Ping.class).get(0);
    }

    private static List<DecisionRecord> records(EngineHarness h, String name) {
        return h.engine.decisionRecords(name);
    }

    private static Timer.SuspicionTimeout suspicionTimer(List<Effect> effects) {
        return of(effects, Timer.SuspicionTimeout.class).get(0);
    }

    @Test
    void ourFailedProbeIsRecordedWithItsHelpersTheirAnswersTheFallbackOurHealthAndTheTimeout() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(5);
        long startedAt = h.now;
        Ping ping = startProbe(h);
        h.fire(new Timer.ProbeTimeout(ping.seqNo()));
        List<Effect.SendPacket> asked = of(h.drain(), Effect.SendPacket.class);
        assertThat(asked).hasSize(3);
        int nackingHost = asked.get(0).to().addressBytes()[3];
        h.receive(nackingHost, new Nack(ping.seqNo()));
        h.now += LAN.probeIntervalMillis();
        h.fire(new Timer.ProbeDeadline(ping.seqNo()));
        List<Effect> effects = h.drain();

        assertThat(records(h, ping.node())).singleElement().isInstanceOfSatisfying(DecisionRecord.Suspected.class, s -> {
            assertThat(s.via()).isEqualTo(DecisionRecord.Via.OUR_PROBE);
            assertThat(s.accuser()).isEqualTo("self");
            assertThat(s.learnedFrom()).isNull();
            assertThat(s.atMillis()).isEqualTo(h.now);
            DecisionRecord.ProbeEvidence probe = s.probe();
            assertThat(probe.startedAtMillis()).isEqualTo(startedAt);
            assertThat(probe.direct()).isEqualTo(DecisionRecord.DirectResult.NO_ACK);
            assertThat(probe.tcpFallbackTried()).isTrue();
            assertThat(probe.healthScore()).isZero();
            assertThat(probe.probeDeadlineMillis()).isEqualTo(LAN.probeIntervalMillis());
            assertThat(probe.helpers()).hasSize(3);
            assertThat(probe.helpers()).filteredOn(x -> x.answer() == DecisionRecord.HelperAnswer.NACK)
                    .singleElement().satisfies(x -> assertThat(x.address()).isEqualTo(addr(nackingHost)));
            assertThat(probe.helpers()).filteredOn(x -> x.answer() == DecisionRecord.HelperAnswer.NO_ANSWER).hasSize(2);
            // Six members: the floor is suspicionMult x log10(6) x interval, rounded; the ceiling six times it.
            long min = Timeouts.suspicionMinMillis(LAN.suspicionMult(), 6, LAN.probeIntervalMillis());
            assertThat(s.minTimeoutMillis()).isEqualTo(min);
            assertThat(s.timeoutMillis()).isEqualTo(LAN.suspicionMaxTimeoutMult() * min);
            assertThat(s.expectedConfirmations()).isEqualTo(LAN.suspicionMult() - 2);
        });
        assertThat(of(effects, DecisionRecorded.class)).singleElement()
                .satisfies(r -> assertThat(r.member()).isEqualTo(ping.node()));
    }

    @Test
    void confirmationsShortenTheTimeoutAndTheVerdictRecordsTheSuspicionThatRanOut() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(5);
        h.receive(2, new Suspect(1, "n5", "n2"));
        Timer.SuspicionTimeout timer = suspicionTimer(h.drain());
        long suspectedAt = h.now;
        h.now += 100;
        h.receive(3, new Suspect(1, "n5", "n3"));
        h.receive(4, new Suspect(1, "n5", "n4"));
        h.receive(4, new Suspect(1, "n5", "n4")); // not independent: no record
        List<DecisionRecord> held = records(h, "n5");
        assertThat(held).hasSize(3);
        DecisionRecord.Suspected s = (DecisionRecord.Suspected) held.get(0);
        assertThat(s.via()).isEqualTo(DecisionRecord.Via.GOSSIP);
        assertThat(s.accuser()).isEqualTo("n2");
        assertThat(s.learnedFrom()).isEqualTo(addr(2));
        assertThat(s.probe()).isNull();
        DecisionRecord.Confirmed first = (DecisionRecord.Confirmed) held.get(1);
        DecisionRecord.Confirmed second = (DecisionRecord.Confirmed) held.get(2);
        assertThat(first.confirmer()).isEqualTo("n3");
        assertThat(first.learnedFrom()).isEqualTo(addr(3));
        assertThat(first.confirmations()).isEqualTo(1);
        assertThat(first.previousTimeoutMillis()).isEqualTo(s.timeoutMillis());
        assertThat(first.timeoutMillis()).isLessThan(first.previousTimeoutMillis()).isGreaterThan(s.minTimeoutMillis());
        assertThat(second.confirmations()).isEqualTo(2);
        assertThat(second.previousTimeoutMillis()).isEqualTo(first.timeoutMillis());
        assertThat(second.timeoutMillis()).isEqualTo(s.minTimeoutMillis());

        h.now = suspectedAt + second.timeoutMillis();
        h.fire(timer);
        h.drain();
        assertThat(records(h, "n5").get(3)).isInstanceOfSatisfying(DecisionRecord.Failed.class, f -> {
            assertThat(f.via()).isEqualTo(DecisionRecord.Via.OUR_SUSPICION_TIMEOUT);
            assertThat(f.declaredBy()).isEqualTo("self");
            assertThat(f.learnedFrom()).isNull();
            assertThat(f.suspectedAtMillis()).isEqualTo(suspectedAt);
            assertThat(f.confirmations()).isEqualTo(2);
            assertThat(f.timeoutMillis()).isEqualTo(s.minTimeoutMillis());
            assertThat(f.atMillis() - f.suspectedAtMillis()).isEqualTo(f.timeoutMillis());
        });
    }

    @Test
    void learnedTransitionsSayWhoToldUsFromWhere() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(4);
        h.receive(3, new Suspect(1, "n2", "n3"));
        h.now += 700;
        h.receive(2, alive(2, 2));
        h.receive(4, new Dead(2, "n2", "n4"));
        h.receive(2, alive(2, 3));
        h.receive(5, new Dead(3, "n2", "n2"));
        List<DecisionRecord> held = records(h, "n2");
        assertThat(held).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("Suspected", "Refuted", "Failed", "Rejoined", "Left");
        assertThat((DecisionRecord.Refuted) held.get(1)).satisfies(r -> {
            assertThat(r.incarnation()).isEqualTo(2);
            assertThat(r.learnedFrom()).isEqualTo(addr(2));
            assertThat(r.suspectedFor()).isEqualTo(700);
        });
        assertThat((DecisionRecord.Failed) held.get(2)).satisfies(f -> {
            assertThat(f.via()).isEqualTo(DecisionRecord.Via.GOSSIP);
            assertThat(f.declaredBy()).isEqualTo("n4");
            assertThat(f.learnedFrom()).isEqualTo(addr(4));
            assertThat(f.suspectedAtMillis()).isEqualTo(-1);
        });
        assertThat((DecisionRecord.Rejoined) held.get(3)).satisfies(j -> {
            assertThat(j.wasLeft()).isFalse();
            assertThat(j.address()).isEqualTo(addr(2));
        });
        assertThat(held.get(4).learnedFrom()).isEqualTo(addr(5));
    }

    @Test
    void ourOwnRefutationIsRecordedOnOurEntry() {
        EngineHarness h = new EngineHarness(LAN, 1).started().withMembers(2);
        h.receive(2, new Suspect(1, "self", "n2"));
        assertThat(records(h, "self")).singleElement().isInstanceOfSatisfying(DecisionRecord.Refuted.class, r -> {
            assertThat(r.via()).isEqualTo(DecisionRecord.Via.OUR_REFUTATION);
            assertThat(r.incarnation()).isEqualTo(h.engine.localMember().incarnation());
        });
    }

    @Test
    void aRecordThatFindsNoRoomIsCountedAndTheTransitionStillHappens() {
        long members = MemberFootprint.bytes("self", Bytes.EMPTY) + MemberFootprint.bytes("n2", Bytes.EMPTY);
        EngineHarness h = new EngineHarness(EngineConfig.builder().maxMemberBytes(members + 10).build(), 1)
                .started().withMembers(1);
        h.receive(2, new Suspect(1, "n2", "n2"));
        assertThat(h.stateOf(2)).isEqualTo(MemberState.SUSPECT);
        assertThat(records(h, "n2")).isEmpty();
        assertThat(h.engine.counters().dropped(DropReason.DECISION_RECORD_NO_ROOM)).isEqualTo(1);
        assertThat(of(h.drain(), DecisionRecorded.class)).as("still published").hasSize(1);
        assertThat(h.engine.memberTableBytes()).isEqualTo(members);
    }

    /**
     * A seeded stream of claims about a few members, from a few senders: after every step each member
     * holds at most {@link DecisionRecords#RECORDS_PER_MEMBER} records, oldest dropped first, and the
     * table's bytes are exactly the members' footprints plus what their records are accounted at.
     */
    @Test
    void recordsStayBoundedAndAccountedUnderAnyStreamOfClaims() {
        long seed = 20261208L;
        SplittableRandom random = new SplittableRandom(seed);
        EngineHarness h = new EngineHarness(LAN, seed).started().withMembers(4);
        long[] incarnation = {0, 0, 1, 1, 1, 1};
        int recordsSeen = 0;
        for (int step = 0; step < 20_000; step++) {
            int host = 2 + random.nextInt(4);
            int sender = 2 + random.nextInt(4);
            String node = "n" + host;
            long inc = incarnation[host] + random.nextInt(2);
            incarnation[host] = Math.max(incarnation[host], inc);
            h.now += random.nextInt(500);
            switch (random.nextInt(4)) {
                case 0 -> h.receive(sender, new Suspect(inc, node, "n" + sender));
                case 1 -> h.receive(sender, new Dead(inc, node, "n" + sender));
                case 2 -> h.receive(sender, new Dead(inc, node, node));
                default -> h.receive(host, new Alive(inc + 1, node, addr(host), Bytes.EMPTY, io.rollcall.core.VersionVector.ROLLCALL));
            }
            recordsSeen += of(h.drain(), DecisionRecorded.class).size();
            long expectedBytes = 0;
            for (Member m : h.engine.members()) {
                List<DecisionRecord> held = h.engine.decisionRecords(m.name());
                assertThat(held).as("seed %d step %d", seed, step).hasSizeLessThanOrEqualTo(DecisionRecords.RECORDS_PER_MEMBER);
                expectedBytes += MemberFootprint.bytes(m.name(), m.meta());
                if (!held.isEmpty()) {
                    expectedBytes += DecisionRecords.DEQUE_BYTES;
                }
                for (int i = 1; i < held.size(); i++) {
                    assertThat(held.get(i).atMillis()).as("seed %d: oldest first", seed)
                            .isGreaterThanOrEqualTo(held.get(i - 1).atMillis());
                }
                for (DecisionRecord r : held) {
                    expectedBytes += DecisionRecords.bytesOf(r);
                }
            }
            assertThat(h.engine.memberTableBytes()).as("seed %d step %d", seed, step).isEqualTo(expectedBytes);
        }
        assertThat(recordsSeen).as("seed %d: the stream made decisions", seed).isGreaterThan(1_000);
    }
}
