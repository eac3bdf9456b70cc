package io.rollcall.core.engine;

import static io.rollcall.core.engine.EngineHarness.of;
import static io.rollcall.core.engine.EngineHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.Suspect;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SuspicionAndLeaveTest {

    private static Effect.SetTimer suspicionTimer(List<Effect> effects) {
        return of(effects, Effect.SetTimer.class).stream().filter(t -> t.timer() instanceof Timer.SuspicionTimeout)
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void confirmationsShortenTheSuspicionFromMaxToMin() {
        // Five members: N = 5, min 4 s, max 24 s, two confirmations expected.
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        h.receive(3, new Suspect(1, "n2", "n3"));
        assertThat(suspicionTimer(h.drain()).delayMillis()).isEqualTo(24_000);
        h.receive(3, new Suspect(1, "n2", "n3"));
        assertThat(of(h.drain(), Effect.SetTimer.class)).as("the accuser cannot confirm itself").isEmpty();
        h.receive(4, new Suspect(1, "n2", "n4"));
        List<Effect> effects = h.drain();
        assertThat(suspicionTimer(effects).delayMillis()).isEqualTo(11_381);
        h.fire(new Timer.GossipTick());
        assertThat(sent(h.drain(), Suspect.class)).as("a new confirmation is gossiped on")
                .contains(new Suspect(1, "n2", "n4"));
        h.now += 1_000;
        h.receive(5, new Suspect(1, "n2", "n5"));
        assertThat(suspicionTimer(h.drain()).delayMillis()).isEqualTo(3_000);
    }

    private static List<Effect> n3SuspectsN2AndTheSuspicionRunsOut(EngineHarness h, long afterMillis) {
        h.receive(3, new Suspect(1, "n2", "n3"));
        Timer timer = suspicionTimer(h.drain()).timer();
        h.now += afterMillis;
        h.fire(timer);
        return h.drain();
    }

    @Test
    void anUnrefutedSuspicionEndsInFailedAndIsGossipedAsDead() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        List<Effect> effects = n3SuspectsN2AndTheSuspicionRunsOut(h, 24_000);
        assertThat(of(effects, MembershipEvent.Failed.class)).hasSize(1);
        assertThat(h.stateOf(2)).isEqualTo(MemberState.DEAD);
        h.fire(new Timer.GossipTick());
        assertThat(sent(h.drain(), Dead.class)).contains(new Dead(1, "n2", "self"));
        assertThat(h.engine.counters().deathsDeclared()).isEqualTo(1);
    }

    @Test
    void ourOwnVerdictGoesAtOnceToEveryLiveMemberAndTheAccusedInASmallCluster() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        // No gossip tick has run: these are the direct sends.
        List<Effect.SendPacket> verdicts = of(n3SuspectsN2AndTheSuspicionRunsOut(h, 24_000), Effect.SendPacket.class).stream()
                .filter(p -> p.messages().contains(new Dead(1, "n2", "self"))).toList();
        assertThat(verdicts).extracting(Effect.SendPacket::to)
                .containsExactlyInAnyOrder(EngineHarness.addr(2), EngineHarness.addr(3), EngineHarness.addr(4), EngineHarness.addr(5));
    }

    @Test
    void aLargeClusterLeavesTheVerdictToGossip() {
        int members = Dissemination.MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL + 1;
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(members);
        List<Effect> effects = n3SuspectsN2AndTheSuspicionRunsOut(h, 600_000);
        assertThat(h.stateOf(2)).isEqualTo(MemberState.DEAD);
        assertThat(sent(effects, Dead.class)).isEmpty();
    }

    @Test
    void aRefutationCancelsTheSuspicionAndRecoversTheMember() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        h.receive(3, new Suspect(1, "n2", "n3"));
        Timer timer = suspicionTimer(h.drain()).timer();
        h.receive(2, EngineHarness.alive(2, 2));
        assertThat(of(h.drain(), MembershipEvent.Recovered.class)).hasSize(1);
        h.now += 30_000;
        h.fire(timer);
        assertThat(of(h.drain(), MembershipEvent.Failed.class)).as("stale timer ignored").isEmpty();
        assertThat(h.stateOf(2)).isEqualTo(MemberState.ALIVE);
    }

    /**
     * Where our own alive at {@code incarnation} went alone in a packet: the direct refutations, and
     * gossip rounds (to at most 3 members each) that had nothing else to send.
     */
    private static Set<Endpoint> refutationsSentTo(List<Effect> effects, long incarnation) {
        return of(effects, Effect.SendPacket.class).stream()
                .filter(p -> p.messages().size() == 1 && p.messages().get(0) instanceof Alive a
                        && a.node().equals("self") && a.incarnation() == incarnation)
                .map(Effect.SendPacket::to).collect(Collectors.toSet());
    }

    private static final Set<Endpoint> FOUR_MEMBERS =
            Set.of(EngineHarness.addr(2), EngineHarness.addr(3), EngineHarness.addr(4), EngineHarness.addr(5));

    @Test
    void ourOwnRefutationGoesAtOnceToEveryLiveMemberInASmallCluster() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        // No gossip tick runs: these are the direct sends.
        h.receive(3, new Suspect(1, "self", "n3"));
        assertThat(refutationsSentTo(h.drain(), 2)).isEqualTo(FOUR_MEMBERS);
    }

    @Test
    void directRefutationsAreSentAtMostOncePerProbeIntervalTheLatestGoingOutAfterIt() {
        EngineConfig config = EngineConfig.lan();
        EngineHarness h = new EngineHarness(config, 1).started().withMembers(4);
        h.receive(3, new Suspect(1, "self", "n3"));
        assertThat(refutationsSentTo(h.drain(), 2)).isEqualTo(FOUR_MEMBERS);
        // More accusations within the interval: refutations are paced (IncarnationRule), so they wait for
        // its end and are then answered together, above the highest.
        h.receive(3, new Suspect(2, "self", "n3"));
        h.receive(4, new Dead(3, "self", "n4"));
        List<Effect> meanwhile = new ArrayList<>(h.drain());
        h.fire(new Timer.GossipTick());
        meanwhile.addAll(h.drain());
        assertThat(h.engine.localMember().incarnation()).isEqualTo(2);
        assertThat(refutationsSentTo(meanwhile, 3)).isEmpty();
        assertThat(refutationsSentTo(meanwhile, 4)).isEmpty();
        h.now += config.probeIntervalMillis();
        h.fire(new Timer.GossipTick());
        assertThat(refutationsSentTo(h.drain(), 4)).as("the latest refutation, to everyone, once the interval is over")
                .isEqualTo(FOUR_MEMBERS);
        h.now += config.probeIntervalMillis();
        h.fire(new Timer.GossipTick());
        assertThat(refutationsSentTo(h.drain(), 4)).as("nothing pending, nothing sent to everyone again").hasSizeLessThan(4);
    }

    @Test
    void aLargeClusterLeavesTheRefutationToGossip() {
        int members = Dissemination.MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL + 1;
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(members);
        h.receive(3, new Suspect(1, "self", "n3"));
        assertThat(refutationsSentTo(h.drain(), 2)).isEmpty();
        assertThat(h.engine.localMember().incarnation()).isEqualTo(2);
    }

    @Test
    void aStaleAccusationAboutUsIsAnsweredWithOurCurrentAliveToItsSender() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(4);
        h.receive(3, new Suspect(1, "self", "n3"));
        h.drain();
        // n4 missed the refutation and still accuses us at incarnation 1, as a buddy-system ping would.
        h.receive(4, new Suspect(1, "self", "n4"));
        h.receive(5, new Dead(1, "self", "n5"));
        List<Effect.SendPacket> packets = of(h.drain(), Effect.SendPacket.class);
        for (int host : new int[] {4, 5}) {
            assertThat(packets).as("answer to n%d", host).anySatisfy(p -> {
                assertThat(p.to()).isEqualTo(EngineHarness.addr(host));
                assertThat(p.messages()).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Alive.class, a -> {
                    assertThat(a.node()).isEqualTo("self");
                    assertThat(a.incarnation()).isEqualTo(2);
                }));
            });
        }
        assertThat(h.engine.localMember().incarnation()).as("no new refutation for an old claim").isEqualTo(2);
    }

    @Test
    void refutationIsGossipedWithTheRaisedIncarnation() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.receive(2, new Suspect(4, "self", "n2"));
        h.drain();
        h.fire(new Timer.GossipTick());
        List<Alive> alives = sent(h.drain(), Alive.class);
        assertThat(alives).anySatisfy(a -> {
            assertThat(a.node()).isEqualTo("self");
            assertThat(a.incarnation()).isEqualTo(5);
        });
    }

    @Test
    void leaveGossipsOurDepartureThenCompletes() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.engine.leave(5_000);
        List<Effect> effects = h.drain();
        assertThat(of(effects, MembershipEvent.Left.class)).hasSize(1);
        assertThat(h.engine.phase()).isEqualTo(MembershipEngine.Phase.LEAVING);
        int sentTimes = 0;
        java.util.Set<io.rollcall.core.Endpoint> toldDirectly = new java.util.HashSet<>();
        Timer propagated = null;
        for (int round = 0; round < 20 && propagated == null; round++) {
            if (round > 0) {
                h.fire(new Timer.GossipTick());
                effects = h.drain();
            }
            for (Effect.SendPacket p : of(effects, Effect.SendPacket.class)) {
                long leaves = p.messages().stream().filter(m -> m instanceof Dead d && d.isLeave()).count();
                sentTimes += (int) leaves;
                if (leaves > 0 && p.messages().get(0) instanceof Dead) {
                    toldDirectly.add(p.to());
                }
            }
            if (round == 0) {
                assertThat(toldDirectly).as("told directly with the leave itself, not at the next gossip round").hasSize(3);
            }
            propagated = of(effects, Timer.LeavePropagated.class).stream().findFirst().orElse(null);
        }
        // Gossiped its full number of times, and also told to each of the three members directly.
        assertThat(toldDirectly).containsExactlyInAnyOrder(EngineHarness.addr(2), EngineHarness.addr(3), EngineHarness.addr(4));
        assertThat(sentTimes).isGreaterThanOrEqualTo(Timeouts.retransmitLimit(4, 3)).isLessThanOrEqualTo(Timeouts.retransmitLimit(4, 3) + 3);
        assertThat(propagated).isNotNull();
        h.fire(new Timer.ProbeTick());
        assertThat(sent(h.drain(), io.rollcall.core.message.Ping.class)).as("no probing while leaving").isEmpty();
        h.fire(propagated);
        assertThat(of(h.drain(), LeaveCompleted.class)).containsExactly(new LeaveCompleted(false));
        assertThat(h.engine.phase()).isEqualTo(MembershipEngine.Phase.LEFT);
    }

    @Test
    void leaveWithNobodyToTellCompletesAtOnceAndATimeoutIsReported() {
        EngineHarness alone = new EngineHarness(EngineConfig.lan(), 1).started();
        alone.engine.leave(5_000);
        assertThat(of(alone.drain(), LeaveCompleted.class)).containsExactly(new LeaveCompleted(false));

        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.engine.leave(5_000);
        h.drain();
        h.fire(new Timer.LeaveDeadline());
        assertThat(of(h.drain(), LeaveCompleted.class)).containsExactly(new LeaveCompleted(true));
    }

    @Test
    void aLeaveBeatsAFailureAtTheSameIncarnationButNotTheReverse() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.receive(3, new Dead(1, "n2", "n3"));
        h.receive(2, new Dead(1, "n2", "n2"));
        assertThat(h.stateOf(2)).isEqualTo(MemberState.LEFT);
        h.receive(4, new Dead(1, "n2", "n4"));
        assertThat(h.stateOf(2)).isEqualTo(MemberState.LEFT);
        List<Effect> effects = h.drain();
        assertThat(of(effects, MembershipEvent.Failed.class)).hasSize(1);
        assertThat(of(effects, MembershipEvent.Left.class)).hasSize(1);
    }
}
