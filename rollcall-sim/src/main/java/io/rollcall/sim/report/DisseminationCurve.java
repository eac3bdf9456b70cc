package io.rollcall.sim.report;

import java.util.Arrays;

/**
 * How a change spread: for each node that should learn of it, the virtual time it did (relative to
 * the change), as a cumulative fraction of those nodes. Nodes that never learned count in the
 * denominator but never in the numerator, so an incomplete spread never reaches 1.
 */
public final class DisseminationCurve {
    private final long[] sortedMillis;
    private final int expected;

    /**
     * @param learnedMillis when each node learned, relative to the change; negative for a node that
     *                      never did
     * @param expected      how many nodes should learn (the denominator), at least 1
     */
    public DisseminationCurve(long[] learnedMillis, int expected) {
        if (expected < 1) {
            throw new IllegalArgumentException("expected must be at least 1, got " + expected);
        }
        this.sortedMillis = Arrays.stream(learnedMillis).filter(t -> t >= 0).sorted().toArray();
        if (sortedMillis.length > expected) {
            throw new IllegalArgumentException(sortedMillis.length + " nodes learned, but only " + expected + " were expected to");
        }
        this.expected = expected;
    }

    /** @return the learning times in milliseconds, ascending (nodes that never learned left out) */
    public long[] sortedMillis() {
        return sortedMillis.clone();
    }

    /** @return how many nodes should learn */
    public int expected() {
        return expected;
    }

    /** @return how many nodes learned */
    public int learned() {
        return sortedMillis.length;
    }

    /** @return true if every node that should learn did */
    public boolean complete() {
        return sortedMillis.length == expected;
    }

    /**
     * @param millis time since the change
     * @return fraction of the expected nodes that had learned by then (inclusive)
     */
    public double fractionAt(long millis) {
        int idx = Arrays.binarySearch(sortedMillis, millis);
        int count;
        if (idx < 0) {
            count = -idx - 1;
        } else {
            count = idx + 1;
            while (count < sortedMillis.length && sortedMillis[count] == millis) {
                count++;
            }
        }
        return count / (double) expected;
    }

    /**
     * @param fraction a fraction in (0, 1]
     * @return the first time at which at least that fraction of the expected nodes had learned, or
     *         -1 if that never happened
     */
    public long millisToReach(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        int needed = (int) Math.ceil(fraction * expected - 1e-9);
        return needed <= sortedMillis.length ? sortedMillis[needed - 1] : -1;
    }

    /**
     * The curve as the corners of its step function, for drawing: (0, 0), then for each distinct
     * learning time the fraction just before and just after it.
     *
     * @return {xs in seconds, ys as fractions}, of equal length
     */
    public double[][] steps() {
        double[] xs = new double[2 * sortedMillis.length + 1];
        double[] ys = new double[xs.length];
        int n = 1;
        double fraction = 0;
        for (int i = 0; i < sortedMillis.length; i++) {
            if (i + 1 < sortedMillis.length && sortedMillis[i + 1] == sortedMillis[i]) {
                continue;
            }
            double x = sortedMillis[i] / 1000.0;
            xs[n] = x;
            ys[n++] = fraction;
            fraction = (i + 1) / (double) expected;
            xs[n] = x;
            ys[n++] = fraction;
        }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }
}
