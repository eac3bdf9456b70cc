package io.rollcall.core;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: member metadata, user payloads and opaque state. Copies on the way in
 * and out, so a value once built can be shared freely between threads and engines.
 */
public final class Bytes {
    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;
    private int hash;

    private Bytes(byte[] owned) {
        this.data = owned;
    }

    /**
     * @param data bytes to copy; null means empty
     * @return an immutable copy
     */
    public static Bytes of(byte[] data) {
        if (data == null || data.length == 0) {
            return EMPTY;
        }
        return new Bytes(data.clone());
    }

    /** @return the number of bytes */
    public int length() {
        return data.length;
    }

    /** @return true if there are no bytes */
    public boolean isEmpty() {
        return data.length == 0;
    }

    /**
     * @param index position
     * @return the byte at that position
     */
    public byte byteAt(int index) {
        return data[index];
    }

    /** @return a fresh copy of the bytes */
    public byte[] toByteArray() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(data);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return data.length <= 32 ? HexFormat.of().formatHex(data)
                : HexFormat.of().formatHex(data, 0, 32) + "...(" + data.length + " bytes)";
    }
}
