package io.rollcall.sim;

/**
 * How the simulated network treats every datagram and stream: one-way latency is
 * {@code latencyMinMillis} plus an exponentially distributed extra with mean
 * {@code latencyJitterMeanMillis} (capped at {@code latencyMaxMillis}); each datagram is lost with
 * probability {@code lossRate}. Streams are reliable (TCP retransmits) but blocked by partitions.
 *
 * <p>With {@code portUnreachable}, a probe sent to a node whose process is gone (crashed or exited;
 * not paused) is answered by its host with an ICMP port unreachable, as loopback and a LAN do; the
 * answer takes a round trip, may be lost like any datagram, and is blocked by partitions. Without
 * it, as behind a firewall that drops ICMP, such a probe just goes unanswered.
 *
 * <p>With {@code clockSkewMaxMillis} above 0, every node's wall clock is off by its own amount, up to
 * that much either way (drawn from the seed when the node starts). Only the engine's probe rounds
 * read the wall clock, so this shows what clocks that are not synchronised cost.
 *
 * @param latencyMinMillis       smallest one-way delay
 * @param latencyJitterMeanMillis mean of the exponential extra delay
 * @param latencyMaxMillis       largest one-way delay
 * @param lossRate               probability a datagram is dropped, 0..1
 * @param portUnreachable        whether a probe of a gone process is answered with ICMP port unreachable
 * @param clockSkewMaxMillis     largest offset of a node's wall clock, either way; 0: every clock agrees
 */
public record NetworkModel(double latencyMinMillis, double latencyJitterMeanMillis, double latencyMaxMillis, double lossRate,
                           boolean portUnreachable, long clockSkewMaxMillis) {
    /** Validates the fields. */
    public NetworkModel {
        if (latencyMinMillis < 0 || latencyJitterMeanMillis < 0 || latencyMaxMillis < latencyMinMillis) {
            throw new IllegalArgumentException("latency must satisfy 0 <= min <= max and jitter >= 0");
        }
        if (lossRate < 0 || lossRate > 1) {
            throw new IllegalArgumentException("lossRate must be within 0..1, got " + lossRate);
        }
        if (clockSkewMaxMillis < 0) {
            throw new IllegalArgumentException("clockSkewMaxMillis must be >= 0, got " + clockSkewMaxMillis);
        }
    }

    /** @return a LAN: 0.2 ms minimum, 0.5 ms mean jitter, 20 ms cap, no loss, ICMP dropped, clocks that agree */
    public static NetworkModel lan() {
        return new NetworkModel(0.2, 0.5, 20, 0, false, 0);
    }

    /**
     * @param rate probability a datagram is dropped
     * @return this model with that loss rate
     */
    public NetworkModel withLoss(double rate) {
        return new NetworkModel(latencyMinMillis, latencyJitterMeanMillis, latencyMaxMillis, rate, portUnreachable,
                clockSkewMaxMillis);
    }

    /**
     * @param answered whether probes of a gone process are answered with ICMP port unreachable
     * @return this model with that behaviour
     */
    public NetworkModel withPortUnreachable(boolean answered) {
        return new NetworkModel(latencyMinMillis, latencyJitterMeanMillis, latencyMaxMillis, lossRate, answered,
                clockSkewMaxMillis);
    }

    /**
     * @param maxMillis largest offset of a node's wall clock, either way
     * @return this model with clocks off by up to that much
     */
    public NetworkModel withClockSkew(long maxMillis) {
        return new NetworkModel(latencyMinMillis, latencyJitterMeanMillis, latencyMaxMillis, lossRate, portUnreachable,
                maxMillis);
    }
}
