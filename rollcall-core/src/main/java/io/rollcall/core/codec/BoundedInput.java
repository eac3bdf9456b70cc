package io.rollcall.core.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stream message piece by piece with a byte budget, never past the end of the message: the
 * peer keeps its side of the connection open, so reading to EOF would wait forever. Msgpack values
 * are delimited by walking their headers, and every declared length is checked against the budget
 * before its bytes are read, so no claim in a header can make us allocate more than the peer sent.
 */
final class BoundedInput {
    private final InputStream in;
    private final long limit;
    private final boolean inMemory;
    private long consumed;

    private BoundedInput(InputStream in, long limit, boolean inMemory) {
        this.in = in;
        this.limit = limit;
        this.inMemory = inMemory;
    }

    /** A connection's bytes, at most {@code limit} of them for one message. */
    static BoundedInput wire(InputStream in, long limit) {
        return new BoundedInput(in, limit, false);
    }

    /** A decrypted or decompressed message already in memory. */
    static BoundedInput inMemory(byte[] data) {
        return new BoundedInput(new ByteArrayInputStream(data), data.length, true);
    }

    boolean isInMemory() {
        return inMemory;
    }

    int readByte() throws IOException, DropException {
        reserve(1);
        int b = in.read();
        if (b < 0) {
            throw new DropException(DecodeDropReason.TRUNCATED, "stream ends after " + (consumed - 1) + " bytes");
        }
        return b;
    }

    byte[] readFully(long n) throws IOException, DropException {
        reserve(n);
        // readNBytes grows its buffer as data arrives, so a lying length costs nothing until it is sent.
        byte[] bytes = in.readNBytes((int) n);
        if (bytes.length < n) {
            throw new DropException(DecodeDropReason.TRUNCATED, "stream ends inside a " + n + "-byte field");
        }
        return bytes;
    }

    /** Refuses anything after the message in an in-memory buffer, whose length is exact. */
    void expectEnd(String what) throws DropException {
        if (consumed != limit) {
            throw new DropException(DecodeDropReason.TRAILING_GARBAGE, (limit - consumed) + " bytes after " + what);
        }
    }

    /** Reads exactly one msgpack value, however nested, and returns its encoding. */
    byte[] readValue() throws IOException, DropException {
        ByteArrayOutputStream value = new ByteArrayOutputStream(64);
        long pending = 1;
        while (pending > 0) {
            pending--;
            int b = readByte();
            value.write(b);
            if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
                continue;
            }
            if (b <= 0x8f) {
                pending += 2L * (b & 0x0f);
            } else if (b <= 0x9f) {
                pending += b & 0x0f;
            } else if (b <= 0xbf) {
                copy(value, b & 0x1f);
            } else {
                pending += readNonFix(b, value);
            }
        }
        return value.toByteArray();
    }

    /** Handles a non-fix format byte: copies its payload, or returns how many values it contains. */
    private long readNonFix(int b, ByteArrayOutputStream value) throws IOException, DropException {
        switch (b) {
            case 0xc4, 0xd9 -> copy(value, length(value, 1));
            case 0xc5, 0xda -> copy(value, length(value, 2));
            case 0xc6, 0xdb -> copy(value, length(value, 4));
            case 0xc7 -> copy(value, length(value, 1) + 1);
            case 0xc8 -> copy(value, length(value, 2) + 1);
            case 0xc9 -> copy(value, length(value, 4) + 1);
            case 0xcc, 0xd0 -> copy(value, 1);
            case 0xcd, 0xd1, 0xd4 -> copy(value, 2);
            case 0xd5 -> copy(value, 3);
            case 0xca, 0xce, 0xd2 -> copy(value, 4);
            case 0xd6 -> copy(value, 5);
            case 0xcb, 0xcf, 0xd3 -> copy(value, 8);
            case 0xd7 -> copy(value, 9);
            case 0xd8 -> copy(value, 17);
            case 0xdc -> {
                return length(value, 2);
            }
            case 0xdd -> {
                return length(value, 4);
            }
            case 0xde -> {
                return 2 * length(value, 2);
            }
            case 0xdf -> {
                return 2 * length(value, 4);
            }
            default -> throw new DropException(DecodeDropReason.MALFORMED_MSGPACK,
                    String.format("never-used msgpack byte 0x%02x", b));
        }
        return 0;
    }

    /** Reads a big-endian length field of 1, 2 or 4 bytes into the value and returns it. */
    private long length(ByteArrayOutputStream value, int bytes) throws IOException, DropException {
        byte[] field = readFully(bytes);
        value.writeBytes(field);
        long n = 0;
        for (byte f : field) {
            n = (n << 8) | (f & 0xFF);
        }
        return n;
    }

    private void copy(ByteArrayOutputStream value, long n) throws IOException, DropException {
        value.writeBytes(readFully(n));
    }

    private void reserve(long n) throws DropException {
        if (n > limit - consumed) {
            if (inMemory) {
                throw new DropException(DecodeDropReason.TRUNCATED, "message claims " + n + " bytes beyond its end");
            }
            throw new DropException(DecodeDropReason.OVERSIZED, "stream message exceeds " + limit + " bytes");
        }
        consumed += n;
    }
}
