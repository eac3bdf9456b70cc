package io.rollcall.core.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VivaldiClientTest {
    private static final VivaldiConfig SERF = VivaldiConfig.SERF;

    private static Coordinate peer(double... vec) {
        return new Coordinate(vec, 0.5, 0.0, SERF.heightMinSeconds());
    }

    @Test
    void aNewClientSitsAtTheOriginKnowingNothing() {
        Coordinate c = new VivaldiClient(SERF, new SplittableRandom(1)).coordinate();
        assertThat(c.vec()).containsOnly(0.0).hasSize(8);
        assertThat(c.error()).isEqualTo(1.5);
        assertThat(c.height()).isEqualTo(10.0e-6);
        assertThat(c.adjustment()).isZero();
    }

    @Test
    void refusesWrongDimensionalityNonFiniteValuesAndRoundTripsOutsideZeroToTenSeconds() {
        VivaldiClient client = new VivaldiClient(SERF, new SplittableRandom(1));
        Coordinate before = client.coordinate();
        assertThat(client.update("a", peer(new double[7]), 1_000_000)).contains(VivaldiClient.Rejection.DIMENSIONALITY);
        double[] nan = new double[8];
        nan[3] = Double.NaN;
        assertThat(client.update("a", peer(nan), 1_000_000)).contains(VivaldiClient.Rejection.INVALID_COORDINATE);
        assertThat(client.update("a", new Coordinate(new double[8], Double.POSITIVE_INFINITY, 0, 1e-5), 1_000_000))
                .contains(VivaldiClient.Rejection.INVALID_COORDINATE);
        assertThat(client.update("a", new Coordinate(new double[8], 1, 0, Double.NaN), 1_000_000))
                .contains(VivaldiClient.Rejection.INVALID_COORDINATE);
        assertThat(client.update("a", peer(new double[8]), -1)).contains(VivaldiClient.Rejection.RTT_OUT_OF_RANGE);
        assertThat(client.update("a", peer(new double[8]), VivaldiClient.MAX_RTT_NANOS + 1))
                .contains(VivaldiClient.Rejection.RTT_OUT_OF_RANGE);
        assertThat(client.coordinate()).isEqualTo(before);
        assertThat(client.filteredPeers()).isZero();
        assertThat(client.update("a", peer(new double[8]), VivaldiClient.MAX_RTT_NANOS)).isEmpty();
        assertThat(client.update("a", peer(new double[8]), 0)).isEmpty();
    }

    @Test
    void theLatencyFilterTakesTheMedianOfTheLastThreeSoOneOutlierDoesNotMoveUs() {
        VivaldiClient steady = new VivaldiClient(SERF, new SplittableRandom(7));
        VivaldiClient spiked = new VivaldiClient(SERF, new SplittableRandom(7));
        Coordinate other = peer(0.001, 0, 0, 0, 0, 0, 0, 0);
        long[] spikedRtts = {2_000_000, 2_000_000, 90_000_000};
        for (long rtt : spikedRtts) {
            steady.update("a", other, 2_000_000);
            spiked.update("a", other, rtt);
        }
        assertThat(spiked.coordinate()).isEqualTo(steady.coordinate());
        spiked.forget("a");
        assertThat(spiked.filteredPeers()).isZero();
    }

    @Test
    void distanceIsSymmetricNonNegativeAndZeroOnlyUpToHeightsForRandomCoordinates() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Coordinate a = random(r);
            Coordinate b = random(r);
            double ab = a.distanceSeconds(b);
            double ba = b.distanceSeconds(a);
            assertThat(ab).as("seed %d", seed).isCloseTo(ba, within(1e-12));
            assertThat(ab).as("seed %d", seed).isPositive();
            assertThat(a.rawDistanceSeconds(a)).as("seed %d", seed).isEqualTo(2 * a.height());
        }
        assertThatThrownBy(() -> peer(new double[8]).distanceSeconds(peer(new double[3])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Coordinate random(SplittableRandom r) {
        double[] v = new double[8];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-0.05, 0.05);
        }
        return new Coordinate(v, r.nextDouble(0, 1.5), r.nextDouble(-0.001, 0.001), r.nextDouble(1e-5, 0.01));
    }

    /**
     * Nodes on a plane with access-link delays (a metric space Vivaldi can embed, with heights): each
     * round every node measures a random peer's round trip with 5% noise and updates from the peer's
     * current coordinate. After 300 rounds the estimates must be close to the true round trips.
     */
    @Test
    void convergesOnASyntheticMetricSpace() {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = 24;
            double[][] pos = new double[n][2];
            double[] access = new double[n];
            List<VivaldiClient> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pos[i][0] = r.nextDouble(0, 0.050);
                pos[i][1] = r.nextDouble(0, 0.050);
                access[i] = r.nextDouble(0.0001, 0.002);
                clients.add(new VivaldiClient(SERF, r.split()));
            }
            for (int round = 0; round < 300; round++) {
                for (int i = 0; i < n; i++) {
                    int j = r.nextInt(n - 1);
                    j = j >= i ? j + 1 : j;
                    double rtt = trueRtt(pos, access, i, j) * r.nextDouble(0.95, 1.05);
                    Optional<VivaldiClient.Rejection> refused =
                            clients.get(i).update("n" + j, clients.get(j).coordinate(), (long) (rtt * 1e9));
                    assertThat(refused).as("seed %d", seed).isEmpty();
                }
            }
            List<Double> relativeErrors = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double estimate = clients.get(i).coordinate().distanceSeconds(clients.get(j).coordinate());
                    double actual = trueRtt(pos, access, i, j);
                    relativeErrors.add(Math.abs(estimate - actual) / actual);
                }
            }
            double[] sorted = relativeErrors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted[sorted.length / 2];
            double p90 = sorted[(int) (sorted.length * 0.9)];
            assertThat(median).as("seed %d: median relative error", seed).isLessThan(0.10);
            assertThat(p90).as("seed %d: p90 relative error, all %s", seed, Arrays.toString(sorted)).isLessThan(0.30);
            for (VivaldiClient c : clients) {
                assertThat(c.coordinate().error()).as("seed %d: error estimate fell", seed).isLessThan(0.5);
                assertThat(c.resets()).as("seed %d", seed).isZero();
            }
        }
    }

    private static double trueRtt(double[][] pos, double[] access, int i, int j) {
        return Math.hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]) + access[i] + access[j];
    }
}
