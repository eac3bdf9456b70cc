package io.rollcall;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Round-trip times of this node's acknowledged probes ({@link Rollcall#roundTrips()}): per member,
 * direct acks and acks relayed by helpers kept apart, and a histogram of each over the node's life.
 * A probe answered only through the TCP fallback is not measured.
 *
 * @param direct            by member name, the times of acks from the member itself; members never
 *                          acknowledged directly are left out
 * @param indirect          by member name, the times of acks relayed by helpers of an indirect probe
 * @param directHistogram   every direct ack's round trip
 * @param indirectHistogram every relayed ack's round trip
 */
public record ProbeRoundTrips(Map<String, RoundTrip> direct, Map<String, RoundTrip> indirect,
                              Histogram directHistogram, Histogram indirectHistogram) {
    /**
     * Copies the maps.
     *
     * @param direct see the record component
     * @param indirect see the record component
     * @param directHistogram see the record component
     * @param indirectHistogram see the record component
     */
    public ProbeRoundTrips {
        direct = Map.copyOf(direct);
        indirect = Map.copyOf(indirect);
        Objects.requireNonNull(directHistogram, "directHistogram");
        Objects.requireNonNull(indirectHistogram, "indirectHistogram");
    }

    /**
     * Round trips counted in fixed buckets, as a Prometheus histogram has them.
     *
     * @param upperBounds each bucket's inclusive upper bound, ascending
     * @param counts      samples per bucket: one per bound, and a last one for samples above every bound
     * @param sum         the sum of every sample
     */
    public record Histogram(List<Duration> upperBounds, List<Long> counts, Duration sum) {
        /**
         * Copies and checks.
         *
         * @param upperBounds see the record component
         * @param counts see the record component
         * @param sum see the record component
         */
        public Histogram {
            upperBounds = List.copyOf(upperBounds);
            counts = List.copyOf(counts);
            Objects.requireNonNull(sum, "sum");
            if (counts.size() != upperBounds.size() + 1) {
                throw new IllegalArgumentException("a histogram needs one count per bound and one above: "
                        + upperBounds.size() + " bounds, " + counts.size() + " counts");
            }
        }

        /** @return the samples counted */
        public long count() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }
}
