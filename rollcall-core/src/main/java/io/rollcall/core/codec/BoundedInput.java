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
    /** Where the bytes come from, which decides what running past the limit or the end means. */
    private enum Source {
        /** A connection: past the limit the message is OVERSIZED. */
        WIRE,
        /** A decrypted message of exact length: a claim past its end is TRUNCATED. */
        IN_MEMORY,
        /** A compress frame decompressed as it is read: past the limit is DECOMPRESSION_LIMIT. */
        DECOMPRESSING
    }

    /**
     * A long field is read, and charged, in pieces of this size, so a claimed length costs only what
     * arrives. Small for the same reason as the lease's chunk: a slow stream holds at most this much
     * (twice) ahead of the bytes it really sent.
     */
    private static final int READ_CHUNK_BYTES = 4 * 1024;

    private final InputStream in;
    private final long limit;
    private final Source source;
    private final StreamMemory.Lease lease;
    private long consumed;

    private BoundedInput(InputStream in, long limit, Source source, StreamMemory.Lease lease) {
        this.in = in;
        this.limit = limit;
        this.source = source;
        this.lease = lease;
    }

    /**
     * A connection's bytes, at most {@code limit} of them for one message. Every byte read is
     * charged to {@code lease} before it is read: it, or what is decoded from it, stays on the heap
     * until the message has been handled.
     */
    static BoundedInput wire(InputStream in, long limit, StreamMemory.Lease lease) {
        return new BoundedInput(in, limit, Source.WIRE, lease);
    }

    /** A decrypted message already in memory (and charged), all of whose bytes must be read. */
    static BoundedInput inMemory(byte[] data, StreamMemory.Lease lease) {
        return new BoundedInput(new ByteArrayInputStream(data), data.length, Source.IN_MEMORY, lease);
    }

    /**
     * A compress frame's message, decompressed as it is read, at most {@code limit} bytes of it:
     * the decompressed whole never exists, only what is decoded from it, which is charged as read.
     */
    static BoundedInput decompressing(LzwReader lzw, long limit, StreamMemory.Lease lease) {
        return new BoundedInput(lzw, limit, Source.DECOMPRESSING, lease);
    }

    /** @return true if the message's end is known (decrypted or decompressed), false for a connection */
    boolean isInMemory() {
        return source != Source.WIRE;
    }

    int readByte() throws IOException, DropException {
        reserve(1);
        charge(1);
        int b = read();
        if (b < 0 && source == Source.DECOMPRESSING && consumed == 1) {
            throw new DropException(DecodeDropReason.CORRUPT_COMPRESSION, "compress frame holds no message");
        }
        if (b < 0) {
            throw new DropException(DecodeDropReason.TRUNCATED, "stream ends after " + (consumed - 1) + " bytes");
        }
        return b;
    }

    byte[] readFully(long n) throws IOException, DropException {
        reserve(n);
        if (n <= READ_CHUNK_BYTES) {
            charge(n);
            return complete(readNBytes((int) n), (int) n, n);
        }
        // Piece by piece, each charged as it arrives: a lying length costs only what is really sent.
        // The pieces and the whole are on the heap together for a moment: both are charged.
        java.util.List<byte[]> pieces = new java.util.ArrayList<>();
        long got = 0;
        while (got < n) {
            int want = (int) Math.min(READ_CHUNK_BYTES, n - got);
            charge(2L * want);
            byte[] piece = complete(readNBytes(want), want, n);
            pieces.add(piece);
            got += piece.length;
        }
        byte[] bytes = new byte[(int) n];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, bytes, at, piece.length);
            at += piece.length;
        }
        return bytes;
    }

    private int read() throws IOException, DropException {
        try {
            return in.read();
        } catch (LzwReader.Failure e) {
            throw e.drop();
        }
    }

    private byte[] readNBytes(int n) throws IOException, DropException {
        try {
            return in.readNBytes(n);
        } catch (LzwReader.Failure e) {
            throw e.drop();
        }
    }

    private static byte[] complete(byte[] got, int wanted, long field) throws DropException {
        if (got.length < wanted) {
            throw new DropException(DecodeDropReason.TRUNCATED, "stream ends inside a " + field + "-byte field");
        }
        return got;
    }

    /**
     * Charges objects about to be decoded that their bytes do not pay for: a member entry of thirty
     * bytes becomes records, strings and an address several times its size.
     */
    void chargeObjects(long bytes) throws DropException {
        lease.take(bytes);
    }

    /** Charges bytes about to be read, which stay on the heap as they are or as what is decoded from them. */
    private void charge(long n) throws DropException {
        lease.take(n);
    }

    /** Refuses anything after the message in a decrypted or decompressed message, whose end is known. */
    void expectEnd(String what) throws IOException, DropException {
        if (source == Source.DECOMPRESSING) {
            if (read() >= 0) {
                throw new DropException(DecodeDropReason.TRAILING_GARBAGE, "bytes after " + what);
            }
        } else if (consumed != limit) {
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
        if (n > READ_CHUNK_BYTES) {
            // A large field (a compress frame's data) is copied into the value, whose buffer grows to
            // up to twice its size: charged on top of the field's own bytes.
            charge(2 * n);
        }
        value.writeBytes(readFully(n));
    }

    private void reserve(long n) throws DropException {
        if (n > limit - consumed) {
            throw switch (source) {
                case IN_MEMORY -> new DropException(DecodeDropReason.TRUNCATED, "message claims " + n + " bytes beyond its end");
                case DECOMPRESSING -> new DropException(DecodeDropReason.DECOMPRESSION_LIMIT,
                        "decompressed data exceeds " + limit + " bytes");
                case WIRE -> new DropException(DecodeDropReason.OVERSIZED, "stream message exceeds " + limit + " bytes");
            };
        }
        consumed += n;
    }
}
