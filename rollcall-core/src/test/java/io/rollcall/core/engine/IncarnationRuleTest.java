package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.GossipMessage;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, finding 11: two unauthenticated datagrams at incarnation 2^32-1 made a live member failed
 * for good. {@link IncarnationRule} bounds what one claim, and a stream of them, can do.
 */
class IncarnationRuleTest {
    private static final long MAX = 0xFFFF_FFFFL;
    private static final long J = IncarnationRule.MAX_INCARNATION_JUMP;

    @Test
    void suspectThenDeadAtTheCeilingNoLongerFailsAMember() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.receive(9, new Suspect(MAX, "n2", "attacker"));
        h.receive(9, new Dead(MAX, "n2", "attacker"));
        assertThat(h.stateOf(2)).isEqualTo(MemberState.ALIVE);
        assertThat(h.engine.member("n2").orElseThrow().incarnation()).isEqualTo(1);
        assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).isEqualTo(2);
        // Nothing of it is gossiped on.
        h.fire(new Timer.GossipTick());
        assertThat(EngineHarness.sentMessages(h.drain())).noneMatch(m -> m instanceof Suspect || m instanceof Dead);
    }

    @Test
    void claimsAboutOurselvesAtTheCeilingAreRefusedNotRefuted() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(3);
        h.receive(9, new Alive(MAX - 1, "self", EngineHarness.addr(9), Bytes.EMPTY, VersionVector.ROLLCALL));
        h.receive(9, new Suspect(MAX, "self", "attacker"));
        h.receive(9, new Dead(MAX, "self", "attacker"));
        assertThat(h.engine.localMember().incarnation()).isEqualTo(1);
        assertThat(h.engine.counters().refutations()).isZero();
        assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).isEqualTo(3);
        // An ordinary accusation is still refuted at once.
        h.receive(3, new Suspect(1, "self", "n3"));
        assertThat(h.engine.localMember().incarnation()).isEqualTo(2);
    }

    @Test
    void claimsWithinTheBoundApplyAndBeyondItAreRefused() {
        long seed = 1511L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 1_000; round++) {
            EngineHarness h = new EngineHarness(EngineConfig.lan(), round).started();
            long held = 1 + random.nextLong(MAX - J - 2);
            // A member we did not know is taken at whatever incarnation it has.
            h.receive(2, EngineHarness.alive(2, held));
            h.receive(4, EngineHarness.alive(4, 1));
            long claimed = Math.min(MAX, held + 1 + random.nextLong(2 * J));
            GossipMessage claim = switch (random.nextInt(3)) {
                case 0 -> EngineHarness.alive(2, claimed);
                case 1 -> new Suspect(claimed, "n2", "n4");
                default -> new Dead(claimed, "n2", "n4");
            };
            h.receive(4, claim);
            long now = h.engine.member("n2").orElseThrow().incarnation();
            String context = "seed " + seed + " round " + round + ": held " + held + ", " + claim;
            if (claimed - held > J) {
                assertThat(now).as(context).isEqualTo(held);
                assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).as(context).isEqualTo(1);
            } else {
                assertThat(now).as(context).isEqualTo(claimed);
                assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).as(context).isZero();
            }
        }
    }

    @Test
    void aStreamOfAccusationsRaisesOurIncarnationOncePerProbeInterval() {
        long seed = 1512L;
        SplittableRandom random = new SplittableRandom(seed);
        EngineConfig config = EngineConfig.lan();
        for (int round = 0; round < 100; round++) {
            EngineHarness h = new EngineHarness(config, round).started().withMembers(3);
            int intervals = 1 + random.nextInt(20);
            for (int i = 0; i < intervals; i++) {
                // The attacker accuses us at our current incarnation and as far above it as the bound allows,
                // many times per interval.
                for (int k = 0; k < 50; k++) {
                    long mine = h.engine.localMember().incarnation();
                    long accused = mine + (random.nextBoolean() ? 0 : random.nextLong(J + 1));
                    h.receive(9, random.nextBoolean() ? new Suspect(accused, "self", "attacker")
                            : new Dead(accused, "self", "attacker"));
                }
                h.now += config.probeIntervalMillis();
                h.fire(new Timer.GossipTick());
                h.drain();
            }
            String context = "seed " + seed + " round " + round + " intervals " + intervals;
            assertThat(h.engine.counters().refutations()).as(context).isLessThanOrEqualTo(intervals + 1);
            assertThat(h.engine.localMember().incarnation()).as(context)
                    .isLessThanOrEqualTo(1 + (long) (intervals + 1) * J);
            assertThat(h.engine.localMember().state()).as(context).isEqualTo(MemberState.ALIVE);
        }
    }

    @Test
    void anAccusationAboutUsIsRefutedOnlyIfTheRefutationStaysWithinTheBound() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 2).started().withMembers(3);
        // Peers judge our refutation (the accusation plus one) against what they hold of us.
        h.receive(3, new Suspect(1 + J, "self", "n3"));
        assertThat(h.engine.localMember().incarnation()).isEqualTo(1);
        assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).isEqualTo(1);
        h.receive(3, new Suspect(J, "self", "n3"));
        assertThat(h.engine.localMember().incarnation()).isEqualTo(1 + J);
        // So a bystander that held us at 1 takes the refutation.
        EngineHarness bystander = new EngineHarness(EngineConfig.lan(), 2).started().withMembers(3);
        bystander.receive(2, EngineHarness.alive(2, 1 + J));
        assertThat(bystander.engine.member("n2").orElseThrow().incarnation()).isEqualTo(1 + J);
    }

    @Test
    void accusationsWithinOneIntervalAreAnsweredByOneRefutationAboveTheHighest() {
        EngineConfig config = EngineConfig.lan();
        EngineHarness h = new EngineHarness(config, 3).started().withMembers(3);
        h.receive(3, new Suspect(1, "self", "n3"));
        assertThat(h.engine.localMember().incarnation()).isEqualTo(2);
        h.receive(3, new Suspect(2, "self", "n3"));
        h.receive(4, new Suspect(7, "self", "n4"));
        assertThat(h.engine.localMember().incarnation()).as("paced").isEqualTo(2);
        h.drain();
        h.now += config.probeIntervalMillis();
        h.fire(new Timer.GossipTick());
        assertThat(h.engine.localMember().incarnation()).isEqualTo(8);
        assertThat(EngineHarness.sent(h.drain(), Alive.class)).anyMatch(a -> a.node().equals("self") && a.incarnation() == 8);
        assertThat(h.engine.counters().refutations()).isEqualTo(2);
    }

    @Test
    void aMemberAheadOfOurViewIsCaughtUpByItsOwnReplyToOurStream() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 4).started().withMembers(3);
        long ahead = 1 + J + 500;
        // Gossip about n2 that far ahead is refused, from whoever relays it.
        h.receive(3, EngineHarness.alive(2, ahead));
        assertThat(h.engine.member("n2").orElseThrow().incarnation()).isEqualTo(1);
        PushNodeState n2 = new PushNodeState("n2", EngineHarness.addr(2), Bytes.EMPTY, ahead, MemberState.ALIVE,
                VersionVector.ROLLCALL);
        // In the reply of a stream to another peer, it is refused too.
        h.engine.join(List.of(EngineHarness.addr(3)));
        long toN3 = EngineHarness.of(h.drain(), Effect.SendStream.class).get(0).requestId();
        h.engine.handleStreamReply(toN3, new PushPull(false, List.of(n2), Bytes.EMPTY));
        assertThat(h.engine.member("n2").orElseThrow().incarnation()).isEqualTo(1);
        // n2 itself, answering a stream we opened to its address, is believed.
        h.engine.join(List.of(EngineHarness.addr(2)));
        long toN2 = EngineHarness.of(h.drain(), Effect.SendStream.class).get(0).requestId();
        h.engine.handleStreamReply(toN2, new PushPull(false, List.of(n2), Bytes.EMPTY));
        assertThat(h.engine.member("n2").orElseThrow().incarnation()).isEqualTo(ahead);
        assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).isEqualTo(2);
        // A peer answering from its own address cannot lift another name that way: n3 has left, so its name may be
        // reclaimed from another address, but n3's entry claimed at n4's address by n4 is judged as any claim.
        h.receive(3, new Dead(1, "n3", "n3"));
        h.engine.join(List.of(EngineHarness.addr(4)));
        long toN4 = EngineHarness.of(h.drain(), Effect.SendStream.class).get(0).requestId();
        h.engine.handleStreamReply(toN4, new PushPull(false, List.of(new PushNodeState("n3", EngineHarness.addr(4), Bytes.EMPTY,
                ahead, MemberState.ALIVE, VersionVector.ROLLCALL)), Bytes.EMPTY));
        assertThat(h.engine.member("n3").orElseThrow().incarnation()).isEqualTo(1);
        assertThat(h.engine.member("n3").orElseThrow().state()).isEqualTo(MemberState.LEFT);
        assertThat(h.engine.counters().dropped(DropReason.INCARNATION_JUMP)).isEqualTo(3);
    }
}
