package io.rollcall.sim;

import io.rollcall.core.coordinate.Coordinate;
import io.rollcall.core.serf.SerfCoordinates;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The {@code coordinates} scenario: how well Serf's Vivaldi coordinates, carried in every node's
 * acks, estimate the round trips the simulator injects. Nodes sit at random points of a square
 * {@link #SQUARE_MILLIS} wide; a datagram between two takes half their distance plus a fixed
 * {@link #BASE_ONE_WAY_MILLIS} (the network model's random jitter is turned off, so every pair has one
 * true round trip). After the run, every pair's estimate (the distance between the two nodes'
 * own coordinates) is divided by its true round trip.
 */
final class CoordinateScenario {
    static final String NAME = "coordinates";
    /** Side of the square the nodes sit in, in milliseconds of round trip. */
    static final double SQUARE_MILLIS = 80;
    /** One-way delay every datagram pays besides the distance. */
    static final double BASE_ONE_WAY_MILLIS = 1;
    /** Most pairs compared; above that, a random sample of this many. */
    static final int MAX_PAIRS = 20_000;
    /** The median of estimate / true round trip must lie within 1/this..this. */
    static final double MEDIAN_RATIO_BOUND = 1.25;

    private CoordinateScenario() {
    }

    static void run(Scenarios.Run run) {
        int n = run.options.nodes();
        long seed = run.options.seed();
        SplittableRandom geography = new SplittableRandom(seed ^ 0x3C6EF372FE94F82BL);
        double[][] at = new double[n][2];
        for (double[] p : at) {
            p[0] = geography.nextDouble(SQUARE_MILLIS);
            p[1] = geography.nextDouble(SQUARE_MILLIS);
        }
        run.sim.setNetwork(new NetworkModel(BASE_ONE_WAY_MILLIS, 0, BASE_ONE_WAY_MILLIS, 0, false, 0));
        run.sim.setLinkDelays((from, to) -> Math.round(distance(at, from.index(), to.index()) / 2));
        Map<Integer, SerfCoordinates> coordinates = new HashMap<>();
        run.sim.setEngineSetup((node, engine) -> {
            SerfCoordinates c = new SerfCoordinates(node.name(), new SplittableRandom(seed * 1_000_003L + node.index()));
            coordinates.put(node.index(), c);
            engine.setPingDelegate(c);
        });
        run.bootstrap();
        long duration = run.durationOr(120_000);
        run.windowStart();
        run.sim.runUntil(duration);
        run.windowEnd();

        List<SimNode> nodes = run.sim.nodes();
        long pairs = (long) n * (n - 1) / 2;
        int compared = (int) Math.min(pairs, MAX_PAIRS);
        double[] ratios = new double[compared];
        for (int k = 0; k < compared; k++) {
            int i;
            int j;
            if (pairs <= MAX_PAIRS) {
                // The k-th pair in order (0,1), (0,2), ..., (1,2), ...
                int[] ij = nthPair(k, n);
                i = ij[0];
                j = ij[1];
            } else {
                i = geography.nextInt(n);
                j = (i + 1 + geography.nextInt(n - 1)) % n;
            }
            Coordinate a = coordinates.get(nodes.get(i).index()).own();
            Coordinate b = coordinates.get(nodes.get(j).index()).own();
            double estimateMillis = a.distanceSeconds(b) * 1_000;
            double trueMillis = 2 * (BASE_ONE_WAY_MILLIS + Math.round(distance(at, i, j) / 2));
            ratios[k] = estimateMillis / trueMillis;
        }
        Arrays.sort(ratios);
        double[] relativeErrors = Arrays.stream(ratios).map(r -> Math.abs(r - 1)).sorted().toArray();
        long updates = coordinates.values().stream().mapToLong(SerfCoordinates::updates).sum();
        long drops = coordinates.values().stream().mapToLong(c -> c.drops().values().stream().mapToLong(Long::longValue).sum()).sum();
        run.report.figure("pairs compared", compared);
        run.report.figure("coordinate updates per node", (double) updates / n);
        run.report.figure("estimate/true rtt p10", quantile(ratios, 0.10));
        run.report.figure("estimate/true rtt median", quantile(ratios, 0.50));
        run.report.figure("estimate/true rtt p90", quantile(ratios, 0.90));
        run.report.figure("relative error median", quantile(relativeErrors, 0.50));
        run.report.figure("relative error p90", quantile(relativeErrors, 0.90));
        double median = quantile(ratios, 0.50);
        if (median > MEDIAN_RATIO_BOUND || median < 1 / MEDIAN_RATIO_BOUND) {
            run.report.fail("the median estimate is " + median + " times the true round trip");
        }
        if (drops > 0) {
            run.report.fail(drops + " coordinate payloads refused");
        }
    }

    private static double distance(double[][] at, int i, int j) {
        return Math.hypot(at[i][0] - at[j][0], at[i][1] - at[j][1]);
    }

    private static int[] nthPair(int k, int n) {
        int i = 0;
        int left = k;
        while (left >= n - 1 - i) {
            left -= n - 1 - i;
            i++;
        }
        return new int[] {i, i + 1 + left};
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }
}
