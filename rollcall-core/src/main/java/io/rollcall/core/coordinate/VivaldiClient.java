package io.rollcall.core.coordinate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One node's Vivaldi state, updated as Serf's coordinate client is: each observed round trip to a
 * peer, through a per-peer moving-median filter, moves our coordinate towards or away from the
 * peer's by a step weighted by our error against theirs, updates our error estimate and the
 * adjustment window, and lets gravity pull the coordinate back towards the origin. A coordinate that
 * became invalid (NaN or infinite) is reset to the origin. Mutable, not thread-safe: one owner.
 */
public final class VivaldiClient {
    /** Round trips above this are refused (Serf's 10 s bound); so are negative ones. */
    public static final long MAX_RTT_NANOS = 10_000_000_000L;
    /** Most peers whose latency filter is kept; a round trip to one more is refused until one is forgotten. */
    public static final int MAX_FILTERED_PEERS = 65_536;

    /** Why an observation was not used. */
    public enum Rejection {
        /** The peer's coordinate has another number of components. */
        DIMENSIONALITY,
        /** The peer's coordinate has a NaN or infinite part. */
        INVALID_COORDINATE,
        /** The round trip is negative or above {@link #MAX_RTT_NANOS}. */
        RTT_OUT_OF_RANGE,
        /** {@link #MAX_FILTERED_PEERS} peers are already filtered. */
        TOO_MANY_PEERS
    }

    private final VivaldiConfig config;
    private final RandomGenerator random;
    private final Coordinate origin;
    private final double[] adjustmentSamples;
    private final Map<String, LatencyFilter> latencySamples = new HashMap<>();
    private Coordinate coordinate;
    private int adjustmentIndex;
    private long resets;

    /**
     * @param config the coordinate system
     * @param random for the direction that separates two coordinates at the same point
     */
    public VivaldiClient(VivaldiConfig config, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.origin = Coordinate.origin(config);
        this.coordinate = origin;
        this.adjustmentSamples = new double[config.adjustmentWindow()];
    }

    /** @return our coordinate now */
    public Coordinate coordinate() {
        return coordinate;
    }

    /** @return the coordinate system */
    public VivaldiConfig config() {
        return config;
    }

    /** @return how many times our coordinate became invalid and was reset to the origin */
    public long resets() {
        return resets;
    }

    /** @return peers whose latency filter is kept */
    public int filteredPeers() {
        return latencySamples.size();
    }

    /**
     * Takes one observation: the round trip to {@code peer}, whose coordinate is {@code other}.
     *
     * @param peer     the peer's name, which keys its latency filter
     * @param other    the coordinate the peer sent
     * @param rttNanos the round trip we measured
     * @return why the observation was refused; empty if it was used
     */
    public Optional<Rejection> update(String peer, Coordinate other, long rttNanos) {
        if (other.dimensionality() != config.dimensionality()) {
            return Optional.of(Rejection.DIMENSIONALITY);
        }
        if (!other.isValid()) {
            return Optional.of(Rejection.INVALID_COORDINATE);
        }
        if (rttNanos < 0 || rttNanos > MAX_RTT_NANOS) {
            return Optional.of(Rejection.RTT_OUT_OF_RANGE);
        }
        if (!latencySamples.containsKey(peer) && latencySamples.size() >= MAX_FILTERED_PEERS) {
            return Optional.of(Rejection.TOO_MANY_PEERS);
        }
        double rttSeconds = filteredRtt(peer, rttNanos / 1.0e9);
        updatePosition(other, rttSeconds);
        updateAdjustment(other, rttSeconds);
        applyGravity();
        if (!coordinate.isValid()) {
            resets++;
            coordinate = origin;
        }
        return Optional.empty();
    }

    /**
     * @param other a coordinate of the same dimensionality
     * @return the estimated round trip from us to it, in nanoseconds
     */
    public long distanceNanos(Coordinate other) {
        return coordinate.distanceNanos(other);
    }

    /** Drops a peer's latency filter (the peer left the member table). */
    public void forget(String peer) {
        latencySamples.remove(peer);
    }

    /** The median of the peer's last few round trips, this one included. */
    private double filteredRtt(String peer, double rttSeconds) {
        return latencySamples.computeIfAbsent(peer, p -> new LatencyFilter(config.latencyFilterSamples())).add(rttSeconds);
    }

    private void updatePosition(Coordinate other, double rttSeconds) {
        double rtt = Math.max(rttSeconds, Coordinate.ZERO_THRESHOLD);
        double distance = coordinate.distanceSeconds(other);
        double wrongness = Math.abs(distance - rtt) / rtt;
        double totalError = Math.max(coordinate.error() + other.error(), Coordinate.ZERO_THRESHOLD);
        double weight = coordinate.error() / totalError;
        double error = Math.min(config.errorMax(),
                config.errorGain() * weight * wrongness + coordinate.error() * (1.0 - config.errorGain() * weight));
        double force = config.positionGain() * weight * (rtt - distance);
        coordinate = coordinate.withError(error).applyForce(config, force, other, random);
    }

    private void updateAdjustment(Coordinate other, double rttSeconds) {
        if (adjustmentSamples.length == 0) {
            return;
        }
        adjustmentSamples[adjustmentIndex] = rttSeconds - coordinate.rawDistanceSeconds(other);
        adjustmentIndex = (adjustmentIndex + 1) % adjustmentSamples.length;
        double sum = 0;
        for (double s : adjustmentSamples) {
            sum += s;
        }
        coordinate = coordinate.withAdjustment(sum / (2.0 * adjustmentSamples.length));
    }

    private void applyGravity() {
        double distance = origin.distanceSeconds(coordinate);
        double force = -Math.pow(distance / config.gravityRhoSeconds(), 2.0);
        coordinate = coordinate.applyForce(config, force, origin, random);
    }

    /** One peer's last round trips, oldest overwritten first. */
    private static final class LatencyFilter {
        private final double[] ring;
        private int next;
        private int filled;

        LatencyFilter(int size) {
            ring = new double[size];
        }

        double add(double sample) {
            ring[next] = sample;
            next = (next + 1) % ring.length;
            filled = Math.min(filled + 1, ring.length);
            double[] sorted = Arrays.copyOf(ring, filled);
            Arrays.sort(sorted);
            return sorted[filled / 2];
        }
    }
}
