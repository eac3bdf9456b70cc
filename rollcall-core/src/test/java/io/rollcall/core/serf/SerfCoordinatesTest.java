package io.rollcall.core.serf;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.CoordinateCodec;
import io.rollcall.core.coordinate.Coordinate;
import io.rollcall.core.coordinate.VivaldiConfig;
import io.rollcall.core.engine.MembershipEvent;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SerfCoordinatesTest {
    private static Bytes payloadOf(Coordinate c) {
        return CoordinateCodec.encode(c);
    }

    private static Coordinate away(double x) {
        double[] v = new double[8];
        v[0] = x;
        return new Coordinate(v, 0.2, 0, 1e-5);
    }

    @Test
    void ourAcksCarryOurCoordinateWhichMovesWithEveryUsableObservation() {
        SerfCoordinates coords = new SerfCoordinates("self", new SplittableRandom(1));
        Bytes before = coords.ackPayload();
        assertThat(CoordinateCodec.decode(before).coordinate()).isEqualTo(Coordinate.origin(VivaldiConfig.SERF));
        coords.pingCompleted("peer", 3_000, payloadOf(away(0.002)));
        assertThat(coords.updates()).isEqualTo(1);
        assertThat(coords.of("peer")).contains(away(0.002));
        assertThat(coords.ackPayload()).isNotEqualTo(before);
        assertThat(CoordinateCodec.decode(coords.ackPayload()).coordinate()).isEqualTo(coords.own());
        assertThat(coords.of("self")).contains(coords.own());
        assertThat(coords.all()).containsOnlyKeys("self", "peer");
        assertThat(coords.drops()).isEmpty();
    }

    @Test
    void anEmptyPayloadIsIgnoredSilentlyAsSerfDoes() {
        SerfCoordinates coords = new SerfCoordinates("self", new SplittableRandom(1));
        coords.pingCompleted("peer", 3_000, Bytes.EMPTY);
        assertThat(coords.of("peer")).isEmpty();
        assertThat(coords.drops()).isEmpty();
        assertThat(coords.updates()).isZero();
    }

    @Test
    void unusablePayloadsAreCountedByReasonAndChangeNothing() {
        SerfCoordinates coords = new SerfCoordinates("self", new SplittableRandom(1));
        Coordinate own = coords.own();
        coords.pingCompleted("a", 3_000, Bytes.of(new byte[] {2, 0}));
        coords.pingCompleted("a", 3_000, Bytes.of(new byte[] {1, (byte) 0xc1, 5}));
        double[] nan = new double[8];
        nan[0] = Double.NaN;
        coords.pingCompleted("a", 3_000, payloadOf(new Coordinate(nan, 1, 0, 1e-5)));
        coords.pingCompleted("a", 3_000, payloadOf(new Coordinate(new double[3], 1, 0, 1e-5)));
        coords.pingCompleted("a", 11_000_000, payloadOf(away(0.001)));
        assertThat(coords.drops()).containsOnly(
                java.util.Map.entry("unsupported_version", 1L), java.util.Map.entry("undecodable", 1L),
                java.util.Map.entry("invalid_coordinate", 1L), java.util.Map.entry("dimensionality", 1L),
                java.util.Map.entry("rtt_out_of_range", 1L));
        assertThat(coords.own()).isEqualTo(own);
        assertThat(coords.of("a")).isEmpty();
    }

    @Test
    void aRemovedMemberIsForgotten() {
        SerfCoordinates coords = new SerfCoordinates("self", new SplittableRandom(1));
        coords.pingCompleted("peer", 3_000, payloadOf(away(0.002)));
        Member peer = new Member("peer", Endpoint.of(new byte[] {127, 0, 0, 2}, 7946), Bytes.EMPTY,
                1, MemberState.LEFT, 0, VersionVector.ROLLCALL);
        coords.accept(new MembershipEvent.Removed(peer));
        assertThat(coords.of("peer")).isEmpty();
        assertThat(coords.all()).containsOnlyKeys("self");
    }
}
