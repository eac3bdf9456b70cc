package io.rollcall.core.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Round-trip times of acknowledged probes, observed only: nothing in the protocol reads them. Per
 * member, the last and the smoothed time, direct acks (from the target) and indirect ones (relayed
 * by a helper) kept apart; and, for the whole node, one histogram of each with fixed buckets.
 * Time in microseconds from the injected clock, so a simulated run measures alike every time.
 */
public final class RoundTripTimes {
    /** The histograms' bucket upper bounds, in microseconds (a last bucket holds everything above). */
    public static final long[] BUCKET_BOUNDS_MICROS = {100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
            100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000};
    /**
     * Weight of a new sample in the smoothed time: 1/8, TCP's smoothed round-trip time (RFC 6298),
     * so one slow ack moves it an eighth of the way and a lasting change shows within a few probes.
     */
    static final int SMOOTHING_SHIFT = 3;

    /** One member's times on one path. Mutable; owned by the protocol thread. */
    static final class Stats {
        long lastMicros;
        long smoothedMicros;
        long samples;

        void add(long micros) {
            lastMicros = micros;
            smoothedMicros = samples == 0 ? micros : smoothedMicros + ((micros - smoothedMicros) >> SMOOTHING_SHIFT);
            samples++;
        }

        Sample snapshot() {
            return new Sample(lastMicros, smoothedMicros, samples);
        }
    }

    /**
     * A member's times on one path, as read.
     *
     * @param lastMicros     the last acknowledged probe's round trip
     * @param smoothedMicros the smoothed round trip
     * @param samples        acknowledged probes measured
     */
    public record Sample(long lastMicros, long smoothedMicros, long samples) {
    }

    /**
     * Every member's times, as read.
     *
     * @param direct    times of acks from the member itself, by name; members never acknowledged left out
     * @param viaHelper times of acks relayed by helpers, by name; likewise
     */
    public record PerMember(Map<String, Sample> direct, Map<String, Sample> viaHelper) {
        /** Reads both paths' times of {@code members} in one walk. */
        static PerMember of(Iterable<MemberEntry> members) {
            Map<String, Sample> direct = new HashMap<>();
            Map<String, Sample> viaHelper = new HashMap<>();
            for (MemberEntry e : members) {
                if (e.directRtt != null) {
                    direct.put(e.name, e.directRtt.snapshot());
                }
                if (e.indirectRtt != null) {
                    viaHelper.put(e.name, e.indirectRtt.snapshot());
                }
            }
            return new PerMember(Collections.unmodifiableMap(direct), Collections.unmodifiableMap(viaHelper));
        }
    }

    /**
     * A histogram, as read.
     *
     * @param counts    samples per bucket of {@link #BUCKET_BOUNDS_MICROS}, and one more for above the last
     * @param sumMicros the sum of every sample
     */
    public record Histogram(long[] counts, long sumMicros) {
        /** Copies the counts. */
        public Histogram {
            counts = counts.clone();
        }

        /** @return the samples counted */
        public long count() {
            return Arrays.stream(counts).sum();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Histogram h && Arrays.equals(counts, h.counts) && sumMicros == h.sumMicros;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(counts) * 31 + Long.hashCode(sumMicros);
        }

        @Override
        public String toString() {
            return "Histogram" + Arrays.toString(counts) + " sum " + sumMicros + " us";
        }
    }

    private final long[] direct = new long[BUCKET_BOUNDS_MICROS.length + 1];
    private final long[] indirect = new long[BUCKET_BOUNDS_MICROS.length + 1];
    private long directSumMicros;
    private long indirectSumMicros;

    /** Counts an acknowledged probe of {@code entry}. */
    void record(MemberEntry entry, boolean viaHelper, long micros) {
        long rtt = Math.max(0, micros);
        if (viaHelper) {
            if (entry.indirectRtt == null) {
                entry.indirectRtt = new Stats();
            }
            entry.indirectRtt.add(rtt);
            indirect[bucket(rtt)]++;
            indirectSumMicros += rtt;
        } else {
            if (entry.directRtt == null) {
                entry.directRtt = new Stats();
            }
            entry.directRtt.add(rtt);
            direct[bucket(rtt)]++;
            directSumMicros += rtt;
        }
    }

    private static int bucket(long micros) {
        int i = 0;
        while (i < BUCKET_BOUNDS_MICROS.length && micros > BUCKET_BOUNDS_MICROS[i]) {
            i++;
        }
        return i;
    }

    /** @return the histogram of direct acks, or of indirect ones */
    public Histogram histogram(boolean viaHelper) {
        return viaHelper ? new Histogram(indirect, indirectSumMicros) : new Histogram(direct, directSumMicros);
    }
}
