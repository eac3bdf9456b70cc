package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The probe ring's two promises, checked over seeded random clusters: nodes holding the same members
 * probe every member exactly once per round, and each node probes every other member once in
 * {@code M - 1} rounds.
 */
class ProbeRingTest {
    private static final Endpoint ADDRESS = Endpoint.of(new byte[] {127, 0, 0, 1}, 7946);

    private static MemberEntry entry(String name) {
        return new MemberEntry(name, ADDRESS, Bytes.EMPTY, VersionVector.ROLLCALL, 1, MemberState.ALIVE, 0);
    }

    /** Names of varied shapes, some sharing a hash code ("Aa" and "BB" do), so ties are broken by name. */
    private static List<String> names(SplittableRandom random, int count) {
        Set<String> names = new HashSet<>();
        while (names.size() < count) {
            names.add(switch (random.nextInt(3)) {
                case 0 -> "node-" + random.nextInt(100_000);
                case 1 -> "Aa".repeat(1 + random.nextInt(3)) + random.nextInt(50);
                default -> "BB".repeat(1 + random.nextInt(3)) + random.nextInt(50);
            });
        }
        return new ArrayList<>(names);
    }

    @Test
    void nodesThatHoldTheSameMembersProbeEachExactlyOncePerRound() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            int m = 2 + random.nextInt(60);
            List<String> names = names(random, m);
            long seed = random.nextLong();
            ClusterRings cluster = new ClusterRings(names, seed);
            long firstRound = random.nextLong(1L << 40);
            for (long round = firstRound; round < firstRound + 2L * m; round++) {
                Map<String, Integer> probedBy = new HashMap<>();
                for (String node : names) {
                    MemberEntry target = cluster.target(node, round);
                    assertThat(target).as("trial %d seed %d: %s in round %d", trial, seed, node, round).isNotNull();
                    assertThat(target.name).as("trial %d seed %d round %d", trial, seed, round).isNotEqualTo(node);
                    probedBy.merge(target.name, 1, Integer::sum);
                }
                assertThat(probedBy).as("trial %d seed %d round %d: probes per member", trial, seed, round)
                        .hasSize(m).allSatisfy((name, times) -> assertThat(times).isEqualTo(1));
            }
        }
    }

    @Test
    void eachNodeProbesEveryOtherMemberOnceInMMinusOneRounds() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 40; trial++) {
            int m = 2 + random.nextInt(60);
            List<String> names = names(random, m);
            long seed = random.nextLong();
            ClusterRings cluster = new ClusterRings(names, seed);
            long firstRound = random.nextLong(1L << 40) - (1L << 39); // negative rounds too (a clock before 1970)
            for (String node : names) {
                Set<String> seen = new HashSet<>();
                for (long round = firstRound; round < firstRound + m - 1; round++) {
                    assertThat(seen.add(cluster.target(node, round).name))
                            .as("trial %d seed %d: %s probed a member twice within %d rounds", trial, seed, node, m - 1).isTrue();
                }
                assertThat(seen).as("trial %d seed %d: %s", trial, seed, node).hasSize(m - 1);
            }
        }
    }

    /** A ring of a b c d e (single letters sort alphabetically by hash code) held by "a". */
    private static ProbeRing abcde(Map<String, MemberEntry> entries) {
        ProbeRing ring = new ProbeRing();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            MemberEntry e = entry(name);
            entries.put(name, e);
            ring.insert(e);
        }
        return ring;
    }

    @Test
    void aMemberThatMayNotBeProbedIsPassedOverForTheNextOnTheRing() {
        Map<String, MemberEntry> e = new HashMap<>();
        // Round 0 shifts by 1, round 3 by 4; each query on a fresh ring, as a first probe.
        assertThat(abcde(e).target(e.get("a"), 0, x -> true).name).isEqualTo("b");
        assertThat(abcde(e).target(e.get("a"), 0, x -> !x.name.equals("b")).name).isEqualTo("c");
        assertThat(abcde(e).target(e.get("a"), 3, x -> true).name).isEqualTo("e");
        assertThat(abcde(e).target(e.get("a"), 3, x -> !x.name.equals("e")).name).isEqualTo("b");
        assertThat(abcde(e).target(e.get("a"), 3, x -> false)).isNull();
    }

    @Test
    void aNodeWhoseProbesEachTakeAWholeTurnOfRoundsStillMovesOn() {
        // M - 1 = 4: probing every 4th round lands on the same shift each time.
        Map<String, MemberEntry> e = new HashMap<>();
        ProbeRing ring = abcde(e);
        Set<String> seen = new HashSet<>();
        for (long round = 7; round < 7 + 4 * 4; round += 4) {
            seen.add(ring.target(e.get("a"), round, x -> true).name);
        }
        assertThat(seen).containsExactlyInAnyOrder("b", "c", "d", "e");
        // Probing every round again: each round's own shift.
        assertThat(ring.target(e.get("a"), 100, x -> true).name).isEqualTo("b");
        assertThat(ring.target(e.get("a"), 101, x -> true).name).isEqualTo("c");
    }

    @Test
    void removedMembersLeaveTheRingAndLateArrivalsAreSortedIn() {
        ProbeRing ring = new ProbeRing();
        Map<String, MemberEntry> entries = new HashMap<>();
        for (String name : List.of("e", "d", "a", "c")) {
            MemberEntry e = entry(name);
            entries.put(name, e);
            ring.insert(e);
        }
        MemberEntry self = entries.get("a");
        ring.remove(entries.get("c"));
        assertThat(ring.size()).isEqualTo(3);
        Set<String> seen = new HashSet<>();
        for (long round = 0; round < 2; round++) {
            seen.add(ring.target(self, round, e -> true).name);
        }
        assertThat(seen).containsExactlyInAnyOrder("d", "e");
        MemberEntry b = entry("b");
        ring.insert(b);
        assertThat(ring.target(self, 3, e -> true)).as("round 3 of a b d e: shift 1").isSameAs(b);
        ring.remove(entry("b")); // an equal name but not the entry held: nothing changes
        assertThat(ring.size()).isEqualTo(4);
        assertThat(ring.target(entry("a"), 0, e -> true)).as("an entry that is not on the ring has no turn").isNull();
    }

    /** Every node's ring, and each node's own entry objects (nodes never share entries). */
    private static final class ClusterRings {
        private final Map<String, ProbeRing> rings = new HashMap<>();
        private final Map<String, Map<String, MemberEntry>> entries = new HashMap<>();

        ClusterRings(List<String> names, long seed) {
            Random shuffle = new Random(seed);
            for (String node : names) {
                List<String> order = new ArrayList<>(names);
                Collections.shuffle(order, shuffle);
                ProbeRing ring = new ProbeRing();
                Map<String, MemberEntry> own = new HashMap<>();
                for (String name : order) {
                    MemberEntry e = entry(name);
                    own.put(name, e);
                    ring.insert(e);
                }
                rings.put(node, ring);
                entries.put(node, own);
            }
        }

        MemberEntry target(String node, long round) {
            MemberEntry self = entries.get(node).get(node);
            return rings.get(node).target(self, round, e -> e != self);
        }
    }
}
