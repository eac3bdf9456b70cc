package io.rollcall.core.codec;

import io.rollcall.core.Bytes;
import io.rollcall.core.coordinate.Coordinate;

/**
 * Serf's ping-delegate payload, carried in a UDP ack: a version byte ({@link #PING_VERSION}) and the
 * msgpack of Serf's {@code coordinate.Coordinate} struct, a map keyed by Go's field names in sorted
 * order ({@code Adjustment, Error, Height, Vec}) with float64 values. Decoding takes the keys in any
 * order, skips unknown ones and leaves missing ones zero, as Go's decoder does; whether the result is
 * usable (dimensionality, finite values) is the coordinate client's question, not the codec's.
 */
public final class CoordinateCodec {
    /** The version byte in front of the coordinate (Serf's PingVersion). */
    public static final int PING_VERSION = 1;
    /** Most vector components decoded: a peer cannot make us allocate more (Serf uses 8). */
    public static final int MAX_DIMENSIONS = 64;

    private CoordinateCodec() {
    }

    /**
     * What decoding a payload gave: a coordinate, or why not.
     *
     * @param coordinate the coordinate, or null if refused
     * @param drop       why it was refused, or null
     */
    public record Decoded(Coordinate coordinate, DecodeDrop drop) {
    }

    /** @return the ack payload carrying {@code coordinate} */
    public static Bytes encode(Coordinate coordinate) {
        double[] vec = coordinate.vec();
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(PING_VERSION).map(4)
                .text("Adjustment").float64(coordinate.adjustment())
                .text("Error").float64(coordinate.error())
                .text("Height").float64(coordinate.height())
                .text("Vec").array(vec.length);
        for (double v : vec) {
            w.float64(v);
        }
        return Bytes.of(w.toByteArray());
    }

    /**
     * @param payload a non-empty ack payload
     * @return the coordinate in it, or the reason it was refused (an unknown version, bad msgpack)
     */
    public static Decoded decode(Bytes payload) {
        byte[] b = payload.toByteArray();
        if (b.length == 0) {
            return new Decoded(null, new DecodeDrop(DecodeDropReason.TRUNCATED, "empty ping payload"));
        }
        if ((b[0] & 0xFF) != PING_VERSION) {
            return new Decoded(null, new DecodeDrop(DecodeDropReason.UNKNOWN_TYPE,
                    "unsupported ping version " + (b[0] & 0xFF)));
        }
        try {
            GoMsgpackReader r = new GoMsgpackReader(b, 1, b.length - 1);
            int fields = r.readMapHeader();
            double[] vec = new double[0];
            double error = 0;
            double adjustment = 0;
            double height = 0;
            for (int i = 0; i < fields; i++) {
                switch (r.readKey()) {
                    case "Adjustment" -> adjustment = r.readFloat("Adjustment");
                    case "Error" -> error = r.readFloat("Error");
                    case "Height" -> height = r.readFloat("Height");
                    case "Vec" -> {
                        int n = r.readArrayHeader("Vec");
                        if (n > MAX_DIMENSIONS) {
                            throw new DropException(DecodeDropReason.OVERSIZED,
                                    "Vec has " + n + " components; limit is " + MAX_DIMENSIONS);
                        }
                        vec = new double[n];
                        for (int k = 0; k < n; k++) {
                            vec[k] = r.readFloat("Vec");
                        }
                    }
                    default -> r.skipValue();
                }
            }
            r.expectEnd("the coordinate");
            return new Decoded(new Coordinate(vec, error, adjustment, height), null);
        } catch (DropException e) {
            return new Decoded(null, e.toDrop());
        }
    }
}
