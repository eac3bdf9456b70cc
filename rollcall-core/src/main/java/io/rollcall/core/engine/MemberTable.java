package io.rollcall.core.engine;

import io.rollcall.core.MemberState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** Every member this node knows, including itself and tombstones, with O(1) lookup and random pick. */
final class MemberTable {
    private final Map<String, MemberEntry> byName = new HashMap<>();
    private final ArrayList<MemberEntry> list = new ArrayList<>();
    private int liveCount;
    private final int[] stateCounts = new int[MemberState.values().length];

    MemberEntry get(String name) {
        return byName.get(name);
    }

    void add(MemberEntry entry) {
        entry.index = list.size();
        list.add(entry);
        byName.put(entry.name, entry);
        stateCounts[entry.state.ordinal()]++;
        if (entry.state.isLive()) {
            liveCount++;
        }
    }

    void remove(MemberEntry entry) {
        if (byName.get(entry.name) != entry) {
            return;
        }
        byName.remove(entry.name);
        int last = list.size() - 1;
        MemberEntry moved = list.get(last);
        list.set(entry.index, moved);
        moved.index = entry.index;
        list.remove(last);
        entry.index = -1;
        entry.removed = true;
        stateCounts[entry.state.ordinal()]--;
        if (entry.state.isLive()) {
            liveCount--;
        }
    }

    void setState(MemberEntry entry, MemberState state, long nowMillis) {
        if (entry.state == state) {
            return;
        }
        if (entry.state.isLive() != state.isLive()) {
            liveCount += state.isLive() ? 1 : -1;
        }
        stateCounts[entry.state.ordinal()]--;
        stateCounts[state.ordinal()]++;
        entry.state = state;
        entry.stateSinceMillis = nowMillis;
    }

    int size() {
        return list.size();
    }

    /** @return members that are ALIVE or SUSPECT, ourselves included: the N of the scaling formulas */
    int liveCount() {
        return liveCount;
    }

    MemberEntry at(int index) {
        return list.get(index);
    }

    List<MemberEntry> all() {
        return list;
    }

    /**
     * Up to {@code k} distinct random members satisfying {@code eligible}.
     *
     * @param k        how many
     * @param eligible filter
     * @param random   randomness
     * @return the picks, in random order
     */
    List<MemberEntry> randomMembers(int k, Predicate<MemberEntry> eligible, RandomGenerator random) {
        int n = list.size();
        List<MemberEntry> out = new ArrayList<>(Math.min(k, n));
        if (k <= 0 || n == 0) {
            return out;
        }
        if (n <= 4 * k + 16) {
            // Small table: a partial Fisher-Yates over the eligible members is exact and cheap.
            List<MemberEntry> candidates = new ArrayList<>();
            for (MemberEntry e : list) {
                if (eligible.test(e)) {
                    candidates.add(e);
                }
            }
            for (int i = 0; i < k && i < candidates.size(); i++) {
                int j = i + random.nextInt(candidates.size() - i);
                MemberEntry tmp = candidates.get(i);
                candidates.set(i, candidates.get(j));
                candidates.set(j, tmp);
                out.add(candidates.get(i));
            }
            return out;
        }
        // Large table: rejection sampling, bounded like memberlist's kRandomNodes (3n tries).
        int attempts = 3 * n;
        for (int i = 0; i < attempts && out.size() < k; i++) {
            MemberEntry e = list.get(random.nextInt(n));
            if (eligible.test(e) && !out.contains(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * @param state a state
     * @return how many members are in it
     */
    int count(MemberState state) {
        return stateCounts[state.ordinal()];
    }
}
