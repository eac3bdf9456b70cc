package io.rollcall.core.codec;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts decode drops per reason. Thread-confined: each transport thread keeps its own and publishes
 * snapshots, so counting costs no synchronisation on the receive path.
 */
public final class DropCounters {
    private final EnumMap<DecodeDropReason, Long> counts = new EnumMap<>(DecodeDropReason.class);

    /**
     * Counts every drop in a decode result.
     *
     * @param result a result from any of the codecs
     */
    public void record(DecodeResult result) {
        for (DecodeDrop drop : result.drops()) {
            increment(drop.reason());
        }
    }

    /**
     * Counts one drop.
     *
     * @param reason why the input was refused
     */
    public void increment(DecodeDropReason reason) {
        counts.merge(reason, 1L, Long::sum);
    }

    /**
     * @param reason a reason
     * @return how many drops were counted for it
     */
    public long count(DecodeDropReason reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /** @return the number of drops counted for all reasons */
    public long total() {
        long total = 0;
        for (long c : counts.values()) {
            total += c;
        }
        return total;
    }

    /** @return an immutable copy of the non-zero counts, safe to hand to another thread */
    public Map<DecodeDropReason, Long> snapshot() {
        return counts.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(counts));
    }
}
