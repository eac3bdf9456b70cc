package io.rollcall.core.engine;

import java.util.ArrayList;
import java.util.random.RandomGenerator;
import java.util.function.Predicate;

/**
 * SWIM's round-robin probe order: every member is probed once per pass, in an order reshuffled at
 * the start of each pass, which bounds the time until a failed member is first probed to one pass
 * (instead of the unbounded tail of picking at random). New members are inserted at a random place.
 */
final class ProbeRotation {
    private final ArrayList<MemberEntry> order = new ArrayList<>();
    private int cursor;

    /** @param members how many members the order will hold: room for them at once */
    void ensureCapacity(int members) {
        order.ensureCapacity(members);
    }

    void insert(MemberEntry entry, RandomGenerator random) {
        order.add(entry);
        int at = random.nextInt(order.size());
        order.set(order.size() - 1, order.get(at));
        order.set(at, entry);
    }

    /**
     * @param eligible which members may be probed now
     * @param random   randomness for the reshuffle
     * @return the next member to probe, or null if none is eligible
     */
    MemberEntry next(Predicate<MemberEntry> eligible, RandomGenerator random) {
        int budget = order.size() + 1;
        for (int i = 0; i <= budget; i++) {
            if (cursor >= order.size()) {
                reshuffle(random);
                if (order.isEmpty()) {
                    return null;
                }
            }
            MemberEntry e = order.get(cursor++);
            if (!e.removed && eligible.test(e)) {
                return e;
            }
        }
        return null;
    }

    private void reshuffle(RandomGenerator random) {
        order.removeIf(e -> e.removed);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            MemberEntry tmp = order.get(i);
            order.set(i, order.get(j));
            order.set(j, tmp);
        }
        cursor = 0;
    }
}
