package io.rollcall;

import io.rollcall.core.coordinate.Coordinate;
import java.time.Duration;
import java.util.List;

/**
 * A member's network coordinate, Serf's Vivaldi coordinate: every node places itself in a virtual
 * space from the round trips of its probes, so that the distance between two coordinates estimates
 * the round trip between their nodes without either measuring it ({@link #estimatedRttTo}). Rollcall
 * and Serf agents exchange them in probe acks, so any two members of a mixed cluster can be compared,
 * as {@code serf rtt} does. Values are in seconds.
 *
 * @param vector     the Euclidean part (8 components in Serf's system)
 * @param error      the node's own estimate of its error: 1.5 knows nothing, lower is more confident
 * @param adjustment seconds added to every estimate from this node (may be negative)
 * @param height     seconds every path to this node pays (its access link)
 */
public record NetworkCoordinate(List<Double> vector, double error, double adjustment, double height) {
    /**
     * Copies the vector.
     *
     * @param vector see the record component
     * @param error see the record component
     * @param adjustment see the record component
     * @param height see the record component
     */
    public NetworkCoordinate {
        vector = List.copyOf(vector);
    }

    /**
     * The estimated round trip between this coordinate's node and {@code other}'s, as Serf computes it
     * (and {@code serf rtt} prints it): the Euclidean distance plus both heights and both adjustments,
     * truncated to the nanosecond.
     *
     * @param other another member's coordinate
     * @return the estimate
     * @throws IllegalArgumentException if the two have different numbers of components
     */
    public Duration estimatedRttTo(NetworkCoordinate other) {
        return Duration.ofNanos(toCore().distanceNanos(other.toCore()));
    }

    static NetworkCoordinate of(Coordinate c) {
        List<Double> vec = new java.util.ArrayList<>();
        for (double v : c.vec()) {
            vec.add(v);
        }
        return new NetworkCoordinate(vec, c.error(), c.adjustment(), c.height());
    }

    private Coordinate toCore() {
        double[] vec = new double[vector.size()];
        for (int i = 0; i < vec.length; i++) {
            vec[i] = vector.get(i);
        }
        return new Coordinate(vec, error, adjustment, height);
    }
}
