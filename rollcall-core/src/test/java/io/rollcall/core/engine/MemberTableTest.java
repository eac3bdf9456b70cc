package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The open-addressing name index and the tombstone set behave like a map and a filter under any mix of changes. */
class MemberTableTest {
    private static final Endpoint ADDRESS = Endpoint.of(new byte[] {127, 0, 0, 1}, 7946);

    private static MemberEntry entry(String name, MemberState state) {
        return new MemberEntry(name, ADDRESS, Bytes.EMPTY, VersionVector.ROLLCALL, 1, state, 0);
    }

    @Test
    void randomAddsAndRemovesMatchAMap() {
        SplittableRandom random = new SplittableRandom(42);
        MemberTable table = new MemberTable();
        Map<String, MemberEntry> model = new HashMap<>();
        // Few distinct names, so the same names are removed and added again, and long probe runs form.
        for (int step = 0; step < 200_000; step++) {
            String name = "node-" + random.nextInt(3_000);
            MemberEntry present = model.get(name);
            if (present == null) {
                MemberEntry e = entry(name, random.nextInt(4) == 0 ? MemberState.DEAD : MemberState.ALIVE);
                table.add(e);
                model.put(name, e);
            } else if (random.nextBoolean()) {
                table.remove(present);
                model.remove(name);
                assertThat(present.removed).isTrue();
            } else {
                MemberState[] states = MemberState.values();
                table.setState(present, states[random.nextInt(states.length)], step);
            }
            if (step % 10_000 == 0) {
                assertMatches(table, model);
            }
        }
        assertMatches(table, model);
    }

    @Test
    void collidingHashesAreKeptApart() {
        // "Aa" and "BB" have the same String hash, as do all concatenations of them.
        List<String> names = new ArrayList<>();
        for (String a : List.of("Aa", "BB")) {
            for (String b : List.of("Aa", "BB")) {
                for (String c : List.of("Aa", "BB")) {
                    names.add(a + b + c);
                }
            }
        }
        MemberTable table = new MemberTable();
        Map<String, MemberEntry> model = new HashMap<>();
        for (String name : names) {
            MemberEntry e = entry(name, MemberState.ALIVE);
            table.add(e);
            model.put(name, e);
        }
        assertMatches(table, model);
        for (int i = 0; i < names.size(); i += 2) {
            table.remove(model.remove(names.get(i)));
            assertMatches(table, model);
        }
        assertThat(table.get("AaAaAa")).isNull();
    }

    @Test
    void removingAnEntryThatIsNotTheTablesOwnIsIgnored() {
        MemberTable table = new MemberTable();
        MemberEntry held = entry("a", MemberState.ALIVE);
        table.add(held);
        table.remove(entry("a", MemberState.ALIVE));
        assertThat(table.get("a")).isSameAs(held);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void indexGrowsToKeepAQuarterFree() {
        MemberTable table = new MemberTable();
        for (int i = 0; i < 10_000; i++) {
            table.add(entry("m" + i, MemberState.ALIVE));
            assertThat(table.size() * 4L).isLessThanOrEqualTo(table.capacity() * 3L);
        }
        assertThat(table.capacity()).isEqualTo(16_384);
    }

    @Test
    void roomMadeAheadKeepsEveryEntryFindableAndAddsWithoutGrowing() {
        MemberTable table = new MemberTable();
        Map<String, MemberEntry> model = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            MemberEntry e = entry("m" + i, MemberState.ALIVE);
            table.add(e);
            model.put(e.name, e);
        }
        table.ensureCapacity(10_000);
        int capacity = table.capacity();
        assertThat(capacity).isEqualTo(16_384);
        assertMatches(table, model);
        for (int i = 100; i < 10_000; i++) {
            MemberEntry e = entry("m" + i, MemberState.ALIVE);
            table.add(e);
            model.put(e.name, e);
        }
        assertThat(table.capacity()).isEqualTo(capacity);
        assertMatches(table, model);
        table.ensureCapacity(50);
        assertThat(table.capacity()).isEqualTo(capacity);
    }

    private static void assertMatches(MemberTable table, Map<String, MemberEntry> model) {
        assertThat(table.size()).isEqualTo(model.size());
        for (Map.Entry<String, MemberEntry> e : model.entrySet()) {
            assertThat(table.get(e.getKey())).isSameAs(e.getValue());
        }
        for (int i = 0; i < table.size(); i++) {
            MemberEntry e = table.at(i);
            assertThat(e.index).isEqualTo(i);
            assertThat(model.get(e.name)).isSameAs(e);
        }
        for (int i = 0; i < 3_000; i++) {
            String name = "absent-" + i;
            assertThat(table.get(name)).isNull();
        }
        List<MemberEntry> tombstones = new ArrayList<>();
        for (MemberEntry e : table.all()) {
            if (!e.state.isLive()) {
                tombstones.add(e);
            }
        }
        assertThat(table.tombstones()).containsExactlyElementsOf(tombstones);
        MemberEntry oldest = null;
        for (MemberEntry e : tombstones) {
            if (oldest == null || e.stateSinceMillis < oldest.stateSinceMillis) {
                oldest = e;
            }
        }
        assertThat(table.oldestTombstone(null, null)).isSameAs(oldest);
        long live = model.values().stream().filter(e -> e.state.isLive()).count();
        assertThat(table.liveCount()).isEqualTo(live);
        assertThat(table.count(MemberState.DEAD) + table.count(MemberState.LEFT)).isEqualTo(model.size() - live);
    }
}
