package io.rollcall.core.coordinate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A node's network coordinate, as Serf has it: a point in Euclidean space plus a height (the delay of
 * the node's own access link, which every path to it pays), an estimate of its own error, and an
 * adjustment term that corrects for what the space cannot embed. Units are seconds. Immutable.
 *
 * @param vec        the Euclidean part
 * @param error      the node's confidence in it: 0 is certain, the config's error bound knows nothing
 * @param adjustment seconds added to every distance measured from this node (may be negative)
 * @param height     seconds, at least the config's minimum
 */
public record Coordinate(double[] vec, double error, double adjustment, double height) {
    /** Below this, a distance or an error counts as zero (Serf's threshold). */
    static final double ZERO_THRESHOLD = 1.0e-6;

    /** Copies the vector. */
    public Coordinate {
        vec = vec.clone();
    }

    /**
     * @param config the coordinate system
     * @return where a node starts: the origin, knowing nothing (maximum error), at the smallest height
     */
    public static Coordinate origin(VivaldiConfig config) {
        return new Coordinate(new double[config.dimensionality()], config.errorMax(), 0.0, config.heightMinSeconds());
    }

    @Override
    public double[] vec() {
        return vec.clone();
    }

    /** @return the number of Euclidean components */
    public int dimensionality() {
        return vec.length;
    }

    /** @return whether every component, error, adjustment and height is a finite number */
    public boolean isValid() {
        for (double v : vec) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return Double.isFinite(error) && Double.isFinite(adjustment) && Double.isFinite(height);
    }

    /**
     * The estimated round trip to {@code other}: Euclidean distance, both heights and both
     * adjustments; when the adjustments would make it zero or negative, it is left without them.
     *
     * @param other a coordinate of the same dimensionality
     * @return the estimate in seconds
     * @throws IllegalArgumentException if the dimensionalities differ
     */
    public double distanceSeconds(Coordinate other) {
        double raw = rawDistanceSeconds(other);
        double adjusted = raw + adjustment + other.adjustment;
        return adjusted > 0.0 ? adjusted : raw;
    }

    /**
     * @param other a coordinate of the same dimensionality
     * @return {@link #distanceSeconds} in whole nanoseconds, truncated as Serf's {@code time.Duration} is
     */
    public long distanceNanos(Coordinate other) {
        return (long) (distanceSeconds(other) * 1.0e9);
    }

    /** Distance without the adjustment terms. */
    double rawDistanceSeconds(Coordinate other) {
        requireCompatible(other);
        double sum = 0;
        for (int i = 0; i < vec.length; i++) {
            double d = vec[i] - other.vec[i];
            sum += d * d;
        }
        return Math.sqrt(sum) + height + other.height;
    }

    /**
     * Moves this coordinate by {@code force} seconds along the line from {@code other} to it (towards
     * other for a negative force), and its height in proportion. Two coordinates at the same point
     * are pushed apart in a random direction.
     */
    Coordinate applyForce(VivaldiConfig config, double force, Coordinate other, RandomGenerator random) {
        requireCompatible(other);
        double[] unit = new double[vec.length];
        double magnitude = 0;
        for (int i = 0; i < vec.length; i++) {
            unit[i] = vec[i] - other.vec[i];
            magnitude += unit[i] * unit[i];
        }
        magnitude = Math.sqrt(magnitude);
        double separation = magnitude;
        if (magnitude <= ZERO_THRESHOLD) {
            separation = 0.0;
            magnitude = 0;
            for (int i = 0; i < unit.length; i++) {
                unit[i] = random.nextDouble() - 0.5;
                magnitude += unit[i] * unit[i];
            }
            magnitude = Math.sqrt(magnitude);
            if (magnitude <= ZERO_THRESHOLD) {
                Arrays.fill(unit, 0.0);
                unit[0] = 1.0;
                magnitude = 1.0;
            }
        }
        double[] moved = new double[vec.length];
        for (int i = 0; i < vec.length; i++) {
            moved[i] = vec[i] + unit[i] / magnitude * force;
        }
        double newHeight = height;
        if (separation > ZERO_THRESHOLD) {
            newHeight = Math.max((height + other.height) * force / separation + height, config.heightMinSeconds());
        }
        return new Coordinate(moved, error, adjustment, newHeight);
    }

    Coordinate withError(double newError) {
        return new Coordinate(vec, newError, adjustment, height);
    }

    Coordinate withAdjustment(double newAdjustment) {
        return new Coordinate(vec, error, newAdjustment, height);
    }

    private void requireCompatible(Coordinate other) {
        if (other.vec.length != vec.length) {
            throw new IllegalArgumentException("coordinate dimensionality " + other.vec.length + " is not " + vec.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Coordinate c && Arrays.equals(vec, c.vec) && Double.compare(error, c.error) == 0
                && Double.compare(adjustment, c.adjustment) == 0 && Double.compare(height, c.height) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(vec) * 31 + Double.hashCode(error) * 17 + Double.hashCode(adjustment) * 7
                + Double.hashCode(height);
    }

    @Override
    public String toString() {
        return "Coordinate" + Arrays.toString(vec) + " error " + error + " adjustment " + adjustment + " height " + height;
    }
}
