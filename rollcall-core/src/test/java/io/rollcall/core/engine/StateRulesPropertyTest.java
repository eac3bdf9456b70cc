package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.Precedence;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.GossipMessage;
import io.rollcall.core.message.Suspect;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded property loops over the precedence rules as the engine applies them to gossip: whatever
 * the order, claims about a member end in the greatest claim, and no step lowers an incarnation.
 */
class StateRulesPropertyTest {
    private static final int MEMBER = 2;

    @Test
    void anyOrderOfClaimsEndsInTheGreatestClaim() {
        long seed = 77L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 2_000; round++) {
            List<GossipMessage> claims = randomClaims(random);
            EngineHarness forward = new EngineHarness(EngineConfig.lan(), round).started().withMembers(3);
            EngineHarness shuffled = new EngineHarness(EngineConfig.lan(), round).started().withMembers(3);
            List<GossipMessage> other = new ArrayList<>(claims);
            for (int i = other.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                GossipMessage t = other.get(i);
                other.set(i, other.get(j));
                other.set(j, t);
            }
            long lastIncarnation = 1;
            for (GossipMessage claim : claims) {
                forward.receive(3, claim);
                long inc = forward.engine.member(EngineHarness.name(MEMBER)).orElseThrow().incarnation();
                assertThat(inc).as("seed %d round %d: incarnation went down after %s", seed, round, claim)
                        .isGreaterThanOrEqualTo(lastIncarnation);
                lastIncarnation = inc;
            }
            for (GossipMessage claim : other) {
                shuffled.receive(3, claim);
            }
            Member a = forward.engine.member(EngineHarness.name(MEMBER)).orElseThrow();
            Member b = shuffled.engine.member(EngineHarness.name(MEMBER)).orElseThrow();
            long expectedInc = 1;
            MemberState expectedState = MemberState.ALIVE;
            for (GossipMessage c : claims) {
                MemberState s = stateOf(c);
                if (Precedence.supersedes(c.incarnation(), s, expectedInc, expectedState)) {
                    expectedInc = c.incarnation();
                    expectedState = s;
                }
            }
            String context = "seed " + seed + " round " + round + " claims " + claims;
            assertThat(a.incarnation()).as(context).isEqualTo(expectedInc);
            assertThat(a.state()).as(context).isEqualTo(expectedState);
            assertThat(b.incarnation()).as(context).isEqualTo(expectedInc);
            assertThat(b.state()).as(context).isEqualTo(expectedState);
        }
    }

    @Test
    void staleClaimsChangeNothingAndAreAnsweredWithTheNewerClaim() {
        long seed = 5L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 500; round++) {
            EngineHarness h = new EngineHarness(EngineConfig.lan(), round).started().withMembers(3);
            h.receive(3, EngineHarness.alive(MEMBER, 10));
            h.drain();
            h.fire(new Timer.GossipTick());
            h.drain();
            for (GossipMessage claim : randomClaims(random)) {
                if (claim.incarnation() >= 10) {
                    continue;
                }
                h.receive(3, claim);
                List<Effect> effects = h.drain();
                String context = "seed " + seed + " round " + round + ": stale " + claim;
                assertThat(EngineHarness.of(effects, MembershipEvent.class)).as(context).isEmpty();
                assertThat(h.stateOf(MEMBER)).as(context).isEqualTo(MemberState.ALIVE);
                List<Effect.SendPacket> packets = EngineHarness.of(effects, Effect.SendPacket.class);
                if (!packets.isEmpty()) {
                    // The sender missed news: it is told what we hold, and nothing else is sent.
                    assertThat(packets).as(context).hasSize(1);
                    assertThat(packets.get(0).to()).as(context).isEqualTo(EngineHarness.addr(3));
                    assertThat(packets.get(0).messages().get(0)).as(context).isEqualTo(EngineHarness.alive(MEMBER, 10));
                } else {
                    assertThat(effects).as(context + " (correction budget spent)").isEmpty();
                }
            }
        }
    }

    @Test
    void claimsAboutOurselvesAreRefutedAboveTheAccusation() {
        long seed = 9L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 500; round++) {
            EngineHarness h = new EngineHarness(EngineConfig.lan(), round).started().withMembers(3);
            long before = h.engine.localMember().incarnation();
            long accused = before + random.nextLong(5);
            GossipMessage claim = random.nextBoolean() ? new Suspect(accused, "self", EngineHarness.name(3))
                    : new Dead(accused, "self", random.nextBoolean() ? "self" : EngineHarness.name(3));
            h.receive(3, claim);
            assertThat(h.engine.localMember().incarnation()).as("seed %d round %d %s", seed, round, claim)
                    .isEqualTo(accused + 1);
            assertThat(h.engine.localMember().state()).isEqualTo(MemberState.ALIVE);
            assertThat(h.engine.counters().refutations()).isEqualTo(1);
        }
    }

    private static List<GossipMessage> randomClaims(SplittableRandom random) {
        List<GossipMessage> claims = new ArrayList<>();
        int count = 1 + random.nextInt(8);
        for (int i = 0; i < count; i++) {
            long inc = 1 + random.nextLong(4);
            String from = EngineHarness.name(3 + random.nextInt(2));
            switch (random.nextInt(4)) {
                case 0 -> claims.add(EngineHarness.alive(MEMBER, inc));
                case 1 -> claims.add(new Suspect(inc, EngineHarness.name(MEMBER), from));
                case 2 -> claims.add(new Dead(inc, EngineHarness.name(MEMBER), from));
                default -> claims.add(new Dead(inc, EngineHarness.name(MEMBER), EngineHarness.name(MEMBER)));
            }
        }
        return claims;
    }

    private static MemberState stateOf(GossipMessage m) {
        if (m instanceof Suspect) {
            return MemberState.SUSPECT;
        }
        if (m instanceof Dead d) {
            return d.isLeave() ? MemberState.LEFT : MemberState.DEAD;
        }
        return MemberState.ALIVE;
    }
}
