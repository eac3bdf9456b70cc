package io.rollcall.core.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.function.Predicate;

/**
 * The probe order: every member we hold, ourselves included, on a ring sorted by a key that every
 * node computes alike from the name alone ({@link #ORDER}). Probe rounds are numbered by wall-clock
 * time ({@code time / probeInterval}), so nodes with synchronised clocks agree on the round; in round
 * {@code r}, with {@code M} members on the ring, the member at position {@code p} probes position
 * {@code p + 1 + (r mod (M - 1))}.
 *
 * <p>Why not SWIM's per-node shuffled order: with independent orders the number of nodes that probe
 * a given member in one interval is close to Poisson with mean 1, so the wait until a crashed
 * member is first probed is exponential (mean one interval, and 5% of crashes wait three or more).
 * With every node shifting by the same amount in a round, the shift is a permutation: each member
 * is probed by exactly one node per round, and a crash is first probed within two intervals (mean
 * about 0.6 of one). Each node still visits every other member once in {@code M - 1} rounds, as in
 * SWIM's round robin; a node that skips rounds (its probe outlasted them) and meets a shift it has
 * already used in this pass takes the next unused one, so however its probes are spaced it probes
 * every member once per M - 1 probes. Where views or clocks disagree (members joining, a clock off by more than an
 * interval) two nodes may pick the same member in a round and another none: the order degrades
 * towards the random one, never below it.
 */
final class ProbeRing {
    /**
     * The ring's order: {@link String#hashCode()} (specified by the language, so the same on every
     * JVM, and cached in the string), then the name itself for the rare equal hashes.
     */
    static final Comparator<String> ORDER = (a, b) -> {
        int byHash = Integer.compare(a.hashCode(), b.hashCode());
        return byHash != 0 ? byHash : a.compareTo(b);
    };
    private static final Comparator<MemberEntry> ENTRY_ORDER = (a, b) -> ORDER.compare(a.name, b.name);

    private MemberEntry[] ring = new MemberEntry[8];
    private int size;
    /** Entries were appended out of order: sorted before the ring is next read. */
    private boolean unsorted;
    /**
     * Where {@link #target}'s node last was, until the ring changes: a binary search at every probe
     * touches a dozen entries' names, which in the 10,000-node simulator are mostly cache misses.
     */
    private MemberEntry placed;
    private int placedAt = -1;
    /**
     * The shifts used since every shift was last used (bit s - 1 for shift s), for the ring size
     * {@link #passSize}: a node that skips rounds never takes a shift twice in one pass.
     */
    private final BitSet usedShifts = new BitSet();
    private int passSize;

    /** @param members how many members the ring will hold: room for them at once */
    void ensureCapacity(int members) {
        if (members > ring.length) {
            ring = Arrays.copyOf(ring, members);
        }
    }

    /**
     * Adds a member. Appended, and sorted in when the ring is next read: a state exchange adds a
     * whole cluster at once, and one sort of a nearly sorted array costs less than an insertion each.
     */
    void insert(MemberEntry entry) {
        if (size == ring.length) {
            ring = Arrays.copyOf(ring, Math.max(8, size * 2));
        }
        if (size > 0 && ENTRY_ORDER.compare(ring[size - 1], entry) > 0) {
            unsorted = true;
        }
        ring[size++] = entry;
        placedAt = -1;
    }

    /** Takes a member off the ring (it was removed from the member table). */
    void remove(MemberEntry entry) {
        int at = indexOf(entry);
        if (at >= 0) {
            System.arraycopy(ring, at + 1, ring, at, size - at - 1);
            ring[--size] = null;
            placedAt = -1;
        }
    }

    /**
     * @param self     our own entry (on the ring)
     * @param round    the probe round: wall-clock milliseconds divided by the probe interval
     * @param eligible which members may be probed now
     * @return the member to probe in this round: the one {@code round}'s shift names, or if it may not
     *         be probed, the next on the ring that may; null if none may
     */
    MemberEntry target(MemberEntry self, long round, Predicate<MemberEntry> eligible) {
        if (placed != self || placedAt < 0) {
            placed = self;
            placedAt = indexOf(self);
        }
        int p = placedAt;
        if (p < 0 || size < 2) {
            return null;
        }
        int shifts = size - 1;
        if (passSize != shifts || usedShifts.cardinality() >= shifts) {
            usedShifts.clear();
            passSize = shifts;
        }
        int shift = 1 + (int) Math.floorMod(round, (long) shifts);
        if (usedShifts.get(shift - 1)) {
            // Only after skipped rounds (a probe stretched by poor health outlasted them): the round's
            // shift was used in this pass. Probes spaced by a whole turn of rounds would otherwise land
            // on one member for ever; the next unused shift keeps the round robin.
            int next = usedShifts.nextClearBit(shift - 1);
            shift = 1 + (next < shifts ? next : usedShifts.nextClearBit(0));
        }
        usedShifts.set(shift - 1);
        for (int i = 0; i < size - 1; i++) {
            MemberEntry e = ring[(int) (((long) p + shift + i) % size)];
            if (e != self && eligible.test(e)) {
                return e;
            }
        }
        return null;
    }

    int size() {
        return size;
    }

    private int indexOf(MemberEntry entry) {
        if (unsorted) {
            Arrays.sort(ring, 0, size, ENTRY_ORDER);
            unsorted = false;
        }
        int at = Arrays.binarySearch(ring, 0, size, entry, ENTRY_ORDER);
        // Names are unique in the table, so the key finds the entry itself, unless it never was added.
        return at >= 0 && ring[at] == entry ? at : -1;
    }
}
