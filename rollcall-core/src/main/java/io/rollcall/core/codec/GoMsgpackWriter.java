package io.rollcall.core.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Writes msgpack exactly as memberlist's Go codec does: strings and byte slices in the old "raw" str
 * family (fixstr, str16, str32; never str8, never bin), nil for an empty byte slice, the smallest
 * unsigned integer format for non-negative numbers. Callers write map keys in Go's sorted field order.
 */
final class GoMsgpackWriter {
    /** Go's old msgpack handle has no str8, so 32..255-byte strings must come out as str16. */
    private static final MessagePack.PackerConfig GO_DIALECT =
            new MessagePack.PackerConfig().withStr8FormatSupport(false).withBufferSize(512);

    private final MessageBufferPacker packer = GO_DIALECT.newBufferPacker();

    /** Writes one byte outside msgpack: type bytes and frame headers. */
    GoMsgpackWriter rawByte(int b) {
        return payload(new byte[] {(byte) b});
    }

    /** Writes bytes outside msgpack. */
    GoMsgpackWriter payload(byte[] bytes) {
        try {
            packer.writePayload(bytes);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    GoMsgpackWriter map(int entries) {
        try {
            packer.packMapHeader(entries);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    GoMsgpackWriter array(int entries) {
        try {
            packer.packArrayHeader(entries);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    /** Writes a Go float64 field: always the 9-byte float 64 format, as Go writes one. */
    GoMsgpackWriter float64(double v) {
        try {
            packer.packDouble(v);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    /** Writes a Go string field (also used for map keys). */
    GoMsgpackWriter text(String s) {
        return raw(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a Go []byte field: nil when empty, as Go writes a nil slice. */
    GoMsgpackWriter bytes(byte[] b) {
        if (b.length == 0) {
            try {
                packer.packNil();
            } catch (IOException e) {
                throw inMemoryCannotFail(e);
            }
            return this;
        }
        return raw(b);
    }

    /** Writes bytes as a raw string even when empty: addresses and version vectors. */
    GoMsgpackWriter raw(byte[] b) {
        try {
            packer.packRawStringHeader(b.length);
            packer.writePayload(b);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    GoMsgpackWriter nil() {
        try {
            packer.packNil();
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    /** Writes a non-negative integer in its smallest unsigned format. */
    GoMsgpackWriter uint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative value for an unsigned field: " + v);
        }
        try {
            packer.packLong(v);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    GoMsgpackWriter bool(boolean b) {
        try {
            packer.packBoolean(b);
        } catch (IOException e) {
            throw inMemoryCannotFail(e);
        }
        return this;
    }

    byte[] toByteArray() {
        return packer.toByteArray();
    }

    private static UncheckedIOException inMemoryCannotFail(IOException e) {
        return new UncheckedIOException("in-memory msgpack buffer failed", e);
    }
}
