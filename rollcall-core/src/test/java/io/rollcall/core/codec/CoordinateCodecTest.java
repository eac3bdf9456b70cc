package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.coordinate.Coordinate;
import io.rollcall.core.coordinate.VivaldiConfig;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoordinateCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aFreshCoordinateEncodesAsSerfsDoes() {
        byte[] b = CoordinateCodec.encode(Coordinate.origin(VivaldiConfig.SERF)).toByteArray();
        // 01 (PingVersion) + 129 bytes of msgpack (docs/serf-notes.md §5): a 4-key map, sorted keys, float64s.
        assertThat(b).hasSize(130);
        String hex = HEX.formatHex(b);
        assertThat(hex).startsWith("0184" + "aa" + ascii("Adjustment") + "cb0000000000000000"
                + "a5" + ascii("Error") + "cb3ff8000000000000"
                + "a6" + ascii("Height") + "cb3ee4f8b588e368f1"
                + "a3" + ascii("Vec") + "98" + "cb0000000000000000");
    }

    private static String ascii(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripsRandomCoordinatesExactly() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            double[] v = new double[8];
            for (int k = 0; k < 8; k++) {
                v[k] = r.nextDouble(-1, 1);
            }
            Coordinate c = new Coordinate(v, r.nextDouble(), r.nextDouble(-1, 1), r.nextDouble());
            assertThat(CoordinateCodec.decode(CoordinateCodec.encode(c)).coordinate()).isEqualTo(c);
        }
    }

    @Test
    void readsKeysInAnyOrderSkipsUnknownOnesAndTakesIntegersAsGoDoes() {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(1).map(5)
                .text("Vec").array(2).uint(3).float64(0.5)
                .text("Future").text("ignored")
                .text("Height").float64(0.25)
                .text("Error").uint(1)
                .text("Adjustment").nil();
        Coordinate c = CoordinateCodec.decode(Bytes.of(w.toByteArray())).coordinate();
        assertThat(c).isEqualTo(new Coordinate(new double[] {3, 0.5}, 1, 0, 0.25));
    }

    @Test
    void refusesOtherVersionsBadMsgpackHugeVectorsAndTrailingBytes() {
        assertThat(CoordinateCodec.decode(Bytes.of(new byte[] {2, (byte) 0x80})).drop().reason())
                .isEqualTo(DecodeDropReason.UNKNOWN_TYPE);
        assertThat(CoordinateCodec.decode(Bytes.of(new byte[] {1, (byte) 0xc1})).drop()).isNotNull();
        assertThat(CoordinateCodec.decode(Bytes.of(new byte[] {1, (byte) 0x84})).drop().reason())
                .isEqualTo(DecodeDropReason.TRUNCATED);
        GoMsgpackWriter huge = new GoMsgpackWriter().rawByte(1).map(1).text("Vec").array(CoordinateCodec.MAX_DIMENSIONS + 1);
        for (int i = 0; i <= CoordinateCodec.MAX_DIMENSIONS; i++) {
            huge.float64(0);
        }
        assertThat(CoordinateCodec.decode(Bytes.of(huge.toByteArray())).drop().reason())
                .isEqualTo(DecodeDropReason.OVERSIZED);
        assertThat(CoordinateCodec.decode(Bytes.of(new GoMsgpackWriter().rawByte(1).map(1).text("Error")
                .text("x").toByteArray())).drop().reason()).isEqualTo(DecodeDropReason.INVALID_FIELD);
        assertThat(CoordinateCodec.decode(Bytes.of(new GoMsgpackWriter().rawByte(1).map(0).rawByte(0).toByteArray()))
                .drop().reason()).isEqualTo(DecodeDropReason.TRAILING_GARBAGE);
    }
}
