package io.rollcall.sim;

/**
 * How the simulated network treats every datagram and stream: one-way latency is
 * {@code latencyMinMillis} plus an exponentially distributed extra with mean
 * {@code latencyJitterMeanMillis} (capped at {@code latencyMaxMillis}); each datagram is lost with
 * probability {@code lossRate}. Streams are reliable (TCP retransmits) but blocked by partitions.
 *
 * @param latencyMinMillis       smallest one-way delay
 * @param latencyJitterMeanMillis mean of the exponential extra delay
 * @param latencyMaxMillis       largest one-way delay
 * @param lossRate               probability a datagram is dropped, 0..1
 */
public record NetworkModel(double latencyMinMillis, double latencyJitterMeanMillis, double latencyMaxMillis, double lossRate) {
    /** Validates the fields. */
    public NetworkModel {
        if (latencyMinMillis < 0 || latencyJitterMeanMillis < 0 || latencyMaxMillis < latencyMinMillis) {
            throw new IllegalArgumentException("latency must satisfy 0 <= min <= max and jitter >= 0");
        }
        if (lossRate < 0 || lossRate > 1) {
            throw new IllegalArgumentException("lossRate must be within 0..1, got " + lossRate);
        }
    }

    /** @return a LAN: 0.2 ms minimum, 0.5 ms mean jitter, 20 ms cap, no loss */
    public static NetworkModel lan() {
        return new NetworkModel(0.2, 0.5, 20, 0);
    }

    /**
     * @param rate probability a datagram is dropped
     * @return this model with that loss rate
     */
    public NetworkModel withLoss(double rate) {
        return new NetworkModel(latencyMinMillis, latencyJitterMeanMillis, latencyMaxMillis, rate);
    }
}
