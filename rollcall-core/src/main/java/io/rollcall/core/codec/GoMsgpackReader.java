package io.rollcall.core.codec;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessageIntegerOverflowException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Reads msgpack from a byte range as leniently as Go's decoders do (any integer width, str or bin for
 * text and bytes, nil for zero values) and as strictly as hostile input requires: every declared
 * length is checked against the bytes actually present before anything is allocated, and every
 * failure is a {@link DropException}.
 */
final class GoMsgpackReader {
    private static final byte[] NONE = new byte[0];

    private final MessageUnpacker unpacker;
    private final int length;

    GoMsgpackReader(byte[] buf, int offset, int length) {
        this.unpacker = MessagePack.newDefaultUnpacker(buf, offset, length);
        this.length = length;
    }

    /** Reads a struct's map header; Go structs are maps keyed by field name. */
    int readMapHeader() throws DropException {
        try {
            MessageFormat format = unpacker.getNextFormat();
            if (format.getValueType() != ValueType.MAP) {
                throw new DropException(DecodeDropReason.MALFORMED_MSGPACK, "expected a map, found " + format);
            }
            return unpacker.unpackMapHeader();
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
    }

    /** Reads an array header; nil reads as an empty array, as Go decodes a nil slice. */
    int readArrayHeader(String field) throws DropException {
        try {
            MessageFormat format = unpacker.getNextFormat();
            if (format.getValueType() == ValueType.NIL) {
                unpacker.unpackNil();
                return 0;
            }
            if (format.getValueType() != ValueType.ARRAY) {
                throw new DropException(DecodeDropReason.INVALID_FIELD, field + ": expected an array, found " + format);
            }
            int n = unpacker.unpackArrayHeader();
            if (n < 0 || n > length) {
                throw new DropException(DecodeDropReason.MALFORMED_MSGPACK, field + ": array of " + n + " in " + length + " bytes");
            }
            return n;
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
    }

    /** Reads a map header inside a field; nil reads as an empty map, as Go decodes a nil map. */
    int readMapHeaderOrNil(String field) throws DropException {
        try {
            MessageFormat format = unpacker.getNextFormat();
            if (format.getValueType() == ValueType.NIL) {
                unpacker.unpackNil();
                return 0;
            }
            if (format.getValueType() != ValueType.MAP) {
                throw new DropException(DecodeDropReason.INVALID_FIELD, field + ": expected a map, found " + format);
            }
            int n = unpacker.unpackMapHeader();
            if (n < 0 || n > length) {
                throw new DropException(DecodeDropReason.MALFORMED_MSGPACK, field + ": map of " + n + " in " + length + " bytes");
            }
            return n;
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
    }

    /** Reads a field name; unknown names are the caller's to skip. */
    String readKey() throws DropException {
        return new String(readRaw("map key"), StandardCharsets.UTF_8);
    }

    /** Reads a Go string field: str or bin, nil as empty. */
    String readText(String field) throws DropException {
        return new String(readRaw(field), StandardCharsets.UTF_8);
    }

    /** Reads a Go []byte field: str or bin, nil as empty. */
    byte[] readBytes(String field) throws DropException {
        return readRaw(field);
    }

    /**
     * Reads a Go []byte field that a malformed peer may fill with anything; returns null instead of
     * refusing the message when the value is not bytes at all.
     */
    byte[] readBytesOrNull(String field) throws DropException {
        try {
            ValueType type = unpacker.getNextFormat().getValueType();
            if (type != ValueType.NIL && type != ValueType.STRING && type != ValueType.BINARY) {
                unpacker.skipValue();
                return null;
            }
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
        return readRaw(field);
    }

    /** Reads an unsigned Go integer field of any msgpack integer width, refusing negatives and overflow. */
    long readUnsigned(String field, long max) throws DropException {
        long v = readSigned(field);
        if (v < 0 || v > max) {
            throw new DropException(DecodeDropReason.INVALID_FIELD, field + " out of range 0.." + max + ": " + v);
        }
        return v;
    }

    /** Reads a signed Go integer field of any msgpack integer width; nil is zero. */
    long readSigned(String field) throws DropException {
        try {
            ValueType type = unpacker.getNextFormat().getValueType();
            if (type == ValueType.NIL) {
                unpacker.unpackNil();
                return 0;
            }
            if (type != ValueType.INTEGER) {
                throw new DropException(DecodeDropReason.INVALID_FIELD, field + " is not an integer but " + type);
            }
            return unpacker.unpackLong();
        } catch (MessageIntegerOverflowException e) {
            throw new DropException(DecodeDropReason.INVALID_FIELD, field + " overflows 64 bits");
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
    }

    /** Reads a Go float64 field: either float format, or an integer, as Go's decoder takes them; nil is zero. */
    double readFloat(String field) throws DropException {
        try {
            ValueType type = unpacker.getNextFormat().getValueType();
            if (type == ValueType.FLOAT) {
                return unpacker.unpackDouble();
            }
            if (type != ValueType.INTEGER && type != ValueType.NIL) {
                throw new DropException(DecodeDropReason.INVALID_FIELD, field + " is not a number but " + type);
            }
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
        return readSigned(field);
    }

    /** Reads a Go bool field; Go's old decoder also takes the integers 0 and 1. */
    boolean readBool(String field) throws DropException {
        try {
            ValueType type = unpacker.getNextFormat().getValueType();
            if (type == ValueType.BOOLEAN) {
                return unpacker.unpackBoolean();
            }
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
        long v = readSigned(field);
        if (v != 0 && v != 1) {
            throw new DropException(DecodeDropReason.INVALID_FIELD, field + " is not a bool: " + v);
        }
        return v == 1;
    }

    /** Skips a value of any type, however nested: unknown fields from newer peers. */
    void skipValue() throws DropException {
        try {
            unpacker.skipValue();
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
    }

    /** @return bytes consumed so far */
    int position() {
        return (int) unpacker.getTotalReadBytes();
    }

    /** Refuses bytes after the value: every frame we decode has an exact length. */
    void expectEnd(String what) throws DropException {
        if (position() != length) {
            throw new DropException(DecodeDropReason.TRAILING_GARBAGE,
                    (length - position()) + " bytes after " + what);
        }
    }

    private byte[] readRaw(String field) throws DropException {
        try {
            ValueType type = unpacker.getNextFormat().getValueType();
            int n;
            if (type == ValueType.NIL) {
                unpacker.unpackNil();
                return NONE;
            } else if (type == ValueType.STRING) {
                n = unpacker.unpackRawStringHeader();
            } else if (type == ValueType.BINARY) {
                n = unpacker.unpackBinaryHeader();
            } else {
                throw new DropException(DecodeDropReason.INVALID_FIELD, field + " is not a string but " + type);
            }
            // The header's claim is checked before readPayload allocates it.
            if (n < 0 || n > length - position()) {
                throw new DropException(DecodeDropReason.TRUNCATED, field + " claims " + n + " bytes, "
                        + (length - position()) + " remain");
            }
            return n == 0 ? NONE : unpacker.readPayload(n);
        } catch (IOException | MessagePackException e) {
            throw translate(e);
        }
    }

    private static DropException translate(Exception e) {
        if (e instanceof MessageInsufficientBufferException || e instanceof EOFException) {
            return new DropException(DecodeDropReason.TRUNCATED, "msgpack ends early");
        }
        return new DropException(DecodeDropReason.MALFORMED_MSGPACK, String.valueOf(e.getMessage()));
    }
}
