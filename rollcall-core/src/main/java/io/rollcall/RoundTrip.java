package io.rollcall;

import java.time.Duration;
import java.util.Objects;

/**
 * The round-trip times of this node's acknowledged probes of one member on one path (direct acks from
 * the member, or acks relayed by the helpers of an indirect probe), measured from the ping to its
 * ack. Observed only: the protocol's timeouts do not depend on them.
 *
 * @param last     the last acknowledged probe's round trip
 * @param smoothed the smoothed round trip: each new sample moves it 1/8 of the way (TCP's smoothed
 *                 round-trip time, RFC 6298)
 * @param samples  acknowledged probes measured
 */
public record RoundTrip(Duration last, Duration smoothed, long samples) {
    /**
     * Checks the values.
     *
     * @param last see the record component
     * @param smoothed see the record component
     * @param samples see the record component
     */
    public RoundTrip {
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(smoothed, "smoothed");
        if (samples < 1) {
            throw new IllegalArgumentException("a round trip needs at least one sample, got " + samples);
        }
    }
}
