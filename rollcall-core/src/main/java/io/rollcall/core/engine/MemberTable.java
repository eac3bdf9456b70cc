package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.MemberState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Every member this node knows, including itself and tombstones, with O(1) lookup and random pick.
 *
 * <p>The name index is an open-addressing hash table (linear probing, backward-shift deletion) over
 * the entries themselves rather than a {@code HashMap}: a simulated cluster of N nodes holds N * N
 * entries, and a map node per entry (32 bytes) was a third of the memory of a large simulation.
 */
final class MemberTable {
    private static final int MIN_CAPACITY = 16;

    private final ArrayList<MemberEntry> list = new ArrayList<>();
    /** Entries by name hash; null is an empty slot. Length is a power of two, at most 3/4 full. */
    private MemberEntry[] slots = new MemberEntry[MIN_CAPACITY];
    /**
     * Entries DEAD or LEFT. The periodic reap, the reconnect attempt and tombstone eviction look only
     * at these, instead of scanning every entry: in a large cluster there are few.
     */
    private final Set<MemberEntry> tombstones = new LinkedHashSet<>();
    private int liveCount;
    private final int[] stateCounts = new int[MemberState.values().length];
    /** Sum of the entries' {@link MemberFootprint footprints}. */
    private long bytes;

    MemberEntry get(String name) {
        int mask = slots.length - 1;
        for (int i = slot(name, mask); ; i = (i + 1) & mask) {
            MemberEntry e = slots[i];
            if (e == null || e.name.equals(name)) {
                return e;
            }
        }
    }

    /** Adds an entry whose name is not in the table; the engine looks a name up before adding it. */
    void add(MemberEntry entry) {
        assert get(entry.name) == null : entry.name;
        if ((list.size() + 1) * 4L > slots.length * 3L) {
            grow();
        }
        insertSlot(entry);
        entry.index = list.size();
        list.add(entry);
        entry.footprintBytes = MemberFootprint.bytes(entry.name, entry.meta) + entry.decisionBytes;
        bytes += entry.footprintBytes;
        stateCounts[entry.state.ordinal()]++;
        if (entry.state.isLive()) {
            liveCount++;
        } else {
            tombstones.add(entry);
        }
    }

    /**
     * Makes room for this many entries in all, so that adding up to that many grows neither the list
     * nor the name index.
     *
     * @param entries the number of entries the table will hold
     */
    void ensureCapacity(int entries) {
        list.ensureCapacity(entries);
        if (entries * 4L > slots.length * 3L) {
            int length = slots.length;
            while (entries * 4L > length * 3L) {
                length *= 2;
            }
            rehash(length);
        }
    }

    void remove(MemberEntry entry) {
        if (get(entry.name) != entry) {
            return;
        }
        removeSlot(entry);
        int last = list.size() - 1;
        MemberEntry moved = list.get(last);
        list.set(entry.index, moved);
        moved.index = entry.index;
        list.remove(last);
        entry.index = -1;
        entry.removed = true;
        bytes -= entry.footprintBytes;
        stateCounts[entry.state.ordinal()]--;
        if (entry.state.isLive()) {
            liveCount--;
        } else {
            tombstones.remove(entry);
        }
    }

    void setState(MemberEntry entry, MemberState state, long nowMillis) {
        if (entry.state == state) {
            return;
        }
        if (entry.state.isLive() != state.isLive()) {
            liveCount += state.isLive() ? 1 : -1;
            if (state.isLive()) {
                tombstones.remove(entry);
            } else {
                tombstones.add(entry);
            }
        }
        stateCounts[entry.state.ordinal()]--;
        stateCounts[state.ordinal()]++;
        entry.state = state;
        entry.stateSinceMillis = nowMillis;
    }

    /**
     * Replaces an entry's metadata, keeping the accounted bytes.
     *
     * @param entry an entry in the table
     * @param meta  its new metadata
     */
    void setMeta(MemberEntry entry, Bytes meta) {
        entry.meta = meta;
        if (entry.index >= 0) {
            int footprint = MemberFootprint.bytes(entry.name, meta) + entry.decisionBytes;
            bytes += footprint - entry.footprintBytes;
            entry.footprintBytes = footprint;
        }
    }

    /**
     * Changes what an entry's decision records are accounted at ({@link DecisionRecords}).
     *
     * @param entry an entry
     * @param delta the bytes added (negative: released)
     */
    void addDecisionBytes(MemberEntry entry, int delta) {
        entry.decisionBytes += delta;
        if (entry.index >= 0) {
            entry.footprintBytes += delta;
            bytes += delta;
        }
    }

    int size() {
        return list.size();
    }

    /** @return the heap bytes the entries are accounted at */
    long bytes() {
        return bytes;
    }

    /** @return members that are ALIVE or SUSPECT, ourselves included: the N of the scaling formulas */
    int liveCount() {
        return liveCount;
    }

    /** @return the DEAD and LEFT entries, in table order (the order a scan of {@link #all} meets them) */
    List<MemberEntry> tombstones() {
        List<MemberEntry> out = new ArrayList<>(tombstones);
        out.sort(Comparator.comparingInt(e -> e.index));
        return out;
    }

    /**
     * @param except an entry never to choose (ourselves)
     * @param keep   another entry never to choose (the one being made room for), or null
     * @return the DEAD or LEFT entry whose state is oldest, the first in table order among equals
     *         (what a scan of {@link #all} would choose), or null if there is none
     */
    MemberEntry oldestTombstone(MemberEntry except, MemberEntry keep) {
        MemberEntry oldest = null;
        for (MemberEntry e : tombstones) {
            if (e != except && e != keep && (oldest == null || e.stateSinceMillis < oldest.stateSinceMillis
                    || (e.stateSinceMillis == oldest.stateSinceMillis && e.index < oldest.index))) {
                oldest = e;
            }
        }
        return oldest;
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

    /** @return slots in the name index, for tests of its growth */
    int capacity() {
        return slots.length;
    }

    private static int slot(String name, int mask) {
        // String hashes of similar names ("node-17", "node-18") differ in few low bits; spread them.
        int h = name.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private void insertSlot(MemberEntry entry) {
        int mask = slots.length - 1;
        int i = slot(entry.name, mask);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = entry;
    }

    /** Empties the entry's slot and shifts later entries of its probe run back, so no tombstones are needed. */
    private void removeSlot(MemberEntry entry) {
        int mask = slots.length - 1;
        int hole = slot(entry.name, mask);
        while (slots[hole] != entry) {
            hole = (hole + 1) & mask;
        }
        for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = slot(slots[i].name, mask);
            // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
            boolean homeBetween = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!homeBetween) {
                slots[hole] = slots[i];
                slots[i] = null;
                hole = i;
            }
        }
        slots[hole] = null;
    }

    private void grow() {
        rehash(slots.length * 2);
    }

    private void rehash(int length) {
        slots = new MemberEntry[length];
        for (MemberEntry e : list) {
            insertSlot(e);
        }
    }
}
