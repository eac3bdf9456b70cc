package io.rollcall.core.codec;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.MessageType;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import java.util.Objects;

/**
 * One message to and from memberlist's wire form: a type byte and a msgpack map keyed by the Go
 * struct's field names, written in the sorted order Go writes them. This is the form a message takes
 * as a whole datagram or a compound part; {@link StreamCodec} adds the stream-only framing of user
 * messages and reads push/pull incrementally. The encoded length is always
 * {@link io.rollcall.core.message.WireSizes#of(Message)}. Stateless, so safe from any thread.
 */
public final class MessageCodec {
    static final long UINT32_MAX = 0xFFFF_FFFFL;
    static final long UINT16_MAX = 0xFFFF;

    private MessageCodec() {
    }

    /**
     * @param message any message; sequence numbers and incarnations must fit in 32 unsigned bits
     * @return its type byte and body, as Go would encode it
     * @throws IllegalArgumentException if a number is outside its Go type's range
     */
    public static byte[] encode(Message message) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(message.type().code());
        if (message instanceof UserData u) {
            // Over UDP a user message is its raw bytes; only streams give it a length header.
            return w.payload(u.payload().toByteArray()).toByteArray();
        }
        if (message instanceof PushPull pp) {
            return writePushPull(w, pp).toByteArray();
        }
        return writeBody(w, message).toByteArray();
    }

    /**
     * Decodes one message that fills the given range exactly, as a datagram or compound part does.
     * Framing (compound, compress, CRC, label) and push/pull are refused: {@link PacketCodec} and
     * {@link StreamCodec} handle those.
     *
     * @param buf    bytes from a peer
     * @param offset where the type byte is
     * @param length bytes in the message
     * @return the message, or a drop
     */
    public static DecodeResult decode(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        try {
            return DecodeResult.of(decodeMessage(buf, offset, length));
        } catch (DropException e) {
            return DecodeResult.dropped(e.reason(), e.getMessage());
        }
    }

    /** Decodes a datagram-form message; the range holds exactly one message with its type byte. */
    static Message decodeMessage(byte[] buf, int offset, int length) throws DropException {
        if (length < 1) {
            throw new DropException(DecodeDropReason.TRUNCATED, "missing message type byte");
        }
        int code = buf[offset] & 0xFF;
        MessageType type = MessageType.fromCode(code);
        if (type == null) {
            throw new DropException(DecodeDropReason.UNKNOWN_TYPE, "message type " + code + " not supported");
        }
        if (type == MessageType.USER) {
            byte[] payload = new byte[length - 1];
            System.arraycopy(buf, offset + 1, payload, 0, payload.length);
            return new UserData(Bytes.of(payload));
        }
        return decodeBody(type, buf, offset + 1, length - 1);
    }

    /**
     * Decodes the msgpack body of a fixed-shape message, which must fill the range exactly.
     *
     * @throws DropException with UNEXPECTED_TYPE for framing and stream-only types
     */
    static Message decodeBody(MessageType type, byte[] buf, int offset, int length) throws DropException {
        GoMsgpackReader r = new GoMsgpackReader(buf, offset, length);
        Message message;
        if (type == MessageType.PING) {
            message = readPing(r);
        } else if (type == MessageType.INDIRECT_PING) {
            message = readIndirectPing(r);
        } else if (type == MessageType.ACK) {
            message = readAck(r);
        } else if (type == MessageType.NACK) {
            message = readNack(r);
        } else if (type == MessageType.SUSPECT || type == MessageType.DEAD) {
            message = readAccusation(type, r);
        } else if (type == MessageType.ALIVE) {
            message = readAlive(r);
        } else if (type == MessageType.ERROR) {
            message = readError(r);
        } else {
            throw new DropException(DecodeDropReason.UNEXPECTED_TYPE, type + " cannot appear here");
        }
        r.expectEnd(type.toString());
        return message;
    }

    /** Writes a fixed-shape message's body map. */
    private static GoMsgpackWriter writeBody(GoMsgpackWriter w, Message message) {
        if (message instanceof Ping p) {
            boolean addr = p.source() != null;
            boolean port = addr && p.source().port() != 0;
            boolean name = !p.sourceNode().isEmpty();
            w.map(2 + count(addr) + count(port) + count(name));
            w.text("Node").text(p.node());
            w.text("SeqNo").uint(uint32(p.seqNo(), "SeqNo"));
            writeSource(w, p.source(), p.sourceNode());
        } else if (message instanceof IndirectPing p) {
            boolean addr = p.source() != null;
            boolean port = addr && p.source().port() != 0;
            boolean name = !p.sourceNode().isEmpty();
            w.map(5 + count(addr) + count(port) + count(name));
            w.text("Nack").bool(p.nack());
            w.text("Node").text(p.node());
            w.text("Port").uint(p.target().port());
            w.text("SeqNo").uint(uint32(p.seqNo(), "SeqNo"));
            writeSource(w, p.source(), p.sourceNode());
            w.text("Target").raw(p.target().addressBytes());
        } else if (message instanceof Ack a) {
            w.map(2).text("Payload").bytes(a.payload().toByteArray()).text("SeqNo").uint(uint32(a.seqNo(), "SeqNo"));
        } else if (message instanceof Nack n) {
            w.map(1).text("SeqNo").uint(uint32(n.seqNo(), "SeqNo"));
        } else if (message instanceof Suspect s) {
            writeAccusation(w, s.from(), s.incarnation(), s.node());
        } else if (message instanceof Dead d) {
            writeAccusation(w, d.from(), d.incarnation(), d.node());
        } else if (message instanceof Alive a) {
            w.map(6);
            w.text("Addr").raw(a.address().addressBytes());
            w.text("Incarnation").uint(uint32(a.incarnation(), "Incarnation"));
            w.text("Meta").bytes(a.meta().toByteArray());
            w.text("Node").text(a.node());
            w.text("Port").uint(a.address().port());
            w.text("Vsn");
            writeVersions(w, a.versions());
        } else if (message instanceof ErrorResponse e) {
            w.map(1).text("Error").text(e.error());
        } else {
            throw new IllegalArgumentException("no fixed-shape body for " + message.type());
        }
        return w;
    }

    /** Go's omitempty: an absent source, or a zero port, is left out rather than written empty. */
    private static void writeSource(GoMsgpackWriter w, Endpoint source, String sourceNode) {
        if (source != null) {
            w.text("SourceAddr").raw(source.addressBytes());
        }
        if (!sourceNode.isEmpty()) {
            w.text("SourceNode").text(sourceNode);
        }
        if (source != null && source.port() != 0) {
            w.text("SourcePort").uint(source.port());
        }
    }

    private static void writeAccusation(GoMsgpackWriter w, String from, long incarnation, String node) {
        w.map(3).text("From").text(from).text("Incarnation").uint(uint32(incarnation, "Incarnation"))
                .text("Node").text(node);
    }

    /** A malformed vector we were handed stays malformed: nil, as Go writes an empty slice. */
    private static void writeVersions(GoMsgpackWriter w, VersionVector versions) {
        if (versions == null) {
            w.nil();
        } else {
            w.raw(versions.toBytes());
        }
    }

    private static GoMsgpackWriter writePushPull(GoMsgpackWriter w, PushPull pp) {
        w.map(3).text("Join").bool(pp.join()).text("Nodes").uint(pp.nodes().size())
                .text("UserStateLen").uint(pp.userState().length());
        for (PushNodeState n : pp.nodes()) {
            w.map(7);
            w.text("Addr").raw(n.address().addressBytes());
            w.text("Incarnation").uint(uint32(n.incarnation(), "Incarnation"));
            w.text("Meta").bytes(n.meta().toByteArray());
            w.text("Name").text(n.name());
            w.text("Port").uint(n.address().port());
            w.text("State").uint(n.state().wireCode());
            w.text("Vsn");
            writeVersions(w, n.versions());
        }
        return w.payload(pp.userState().toByteArray());
    }

    /** Stream form of a user message: type byte, msgpack {UserMsgLen}, then the raw bytes. */
    static byte[] encodeUserStream(UserData u) {
        return new GoMsgpackWriter().rawByte(MessageType.USER.code())
                .map(1).text("UserMsgLen").uint(u.payload().length())
                .payload(u.payload().toByteArray()).toByteArray();
    }

    /** A push/pull header as declared by the peer, before any of its counts is trusted. */
    record PushPullHeader(boolean join, long nodes, long userStateLen) {
    }

    static PushPullHeader decodePushPullHeader(byte[] value) throws DropException {
        GoMsgpackReader r = new GoMsgpackReader(value, 0, value.length);
        boolean join = false;
        long nodes = 0;
        long userStateLen = 0;
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "Join" -> join = r.readBool(key);
                case "Nodes" -> nodes = r.readUnsigned(key, Long.MAX_VALUE);
                case "UserStateLen" -> userStateLen = r.readUnsigned(key, Long.MAX_VALUE);
                default -> r.skipValue();
            }
        }
        r.expectEnd("push/pull header");
        return new PushPullHeader(join, nodes, userStateLen);
    }

    static long decodeUserMsgLen(byte[] value) throws DropException {
        GoMsgpackReader r = new GoMsgpackReader(value, 0, value.length);
        long len = 0;
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            if (key.equals("UserMsgLen")) {
                len = r.readUnsigned(key, Long.MAX_VALUE);
            } else {
                r.skipValue();
            }
        }
        r.expectEnd("user message header");
        return len;
    }

    static PushNodeState decodeNodeState(byte[] value) throws DropException {
        GoMsgpackReader r = new GoMsgpackReader(value, 0, value.length);
        String name = "";
        byte[] addr = new byte[0];
        long port = 0;
        byte[] meta = new byte[0];
        long incarnation = 0;
        long state = 0;
        byte[] vsn = null;
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "Name" -> name = r.readText(key);
                case "Addr" -> addr = r.readBytes(key);
                case "Port" -> port = r.readUnsigned(key, UINT16_MAX);
                case "Meta" -> meta = r.readBytes(key);
                case "Incarnation" -> incarnation = r.readUnsigned(key, UINT32_MAX);
                case "State" -> state = r.readSigned(key);
                case "Vsn" -> vsn = r.readBytesOrNull(key);
                default -> r.skipValue();
            }
        }
        r.expectEnd("push/pull entry");
        MemberState memberState = MemberState.fromWireCode(state);
        if (memberState == null) {
            throw new DropException(DecodeDropReason.UNKNOWN_STATE, "member " + name + " has state " + state);
        }
        return new PushNodeState(name, endpoint(addr, port, "Addr of " + name), Bytes.of(meta), incarnation,
                memberState, VersionVector.fromBytes(vsn));
    }

    private static Ping readPing(GoMsgpackReader r) throws DropException {
        long seqNo = 0;
        String node = "";
        byte[] sourceAddr = new byte[0];
        long sourcePort = 0;
        String sourceNode = "";
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "SeqNo" -> seqNo = r.readUnsigned(key, UINT32_MAX);
                case "Node" -> node = r.readText(key);
                case "SourceAddr" -> sourceAddr = r.readBytes(key);
                case "SourcePort" -> sourcePort = r.readUnsigned(key, UINT16_MAX);
                case "SourceNode" -> sourceNode = r.readText(key);
                default -> r.skipValue();
            }
        }
        return new Ping(seqNo, node, source(sourceAddr, sourcePort), sourceNode);
    }

    private static IndirectPing readIndirectPing(GoMsgpackReader r) throws DropException {
        long seqNo = 0;
        byte[] target = new byte[0];
        long port = 0;
        String node = "";
        boolean nack = false;
        byte[] sourceAddr = new byte[0];
        long sourcePort = 0;
        String sourceNode = "";
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "SeqNo" -> seqNo = r.readUnsigned(key, UINT32_MAX);
                case "Target" -> target = r.readBytes(key);
                case "Port" -> port = r.readUnsigned(key, UINT16_MAX);
                case "Node" -> node = r.readText(key);
                case "Nack" -> nack = r.readBool(key);
                case "SourceAddr" -> sourceAddr = r.readBytes(key);
                case "SourcePort" -> sourcePort = r.readUnsigned(key, UINT16_MAX);
                case "SourceNode" -> sourceNode = r.readText(key);
                default -> r.skipValue();
            }
        }
        return new IndirectPing(seqNo, endpoint(target, port, "Target"), node, nack,
                source(sourceAddr, sourcePort), sourceNode);
    }

    private static Ack readAck(GoMsgpackReader r) throws DropException {
        long seqNo = 0;
        byte[] payload = new byte[0];
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "SeqNo" -> seqNo = r.readUnsigned(key, UINT32_MAX);
                case "Payload" -> payload = r.readBytes(key);
                default -> r.skipValue();
            }
        }
        return new Ack(seqNo, Bytes.of(payload));
    }

    private static Nack readNack(GoMsgpackReader r) throws DropException {
        long seqNo = 0;
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            if (key.equals("SeqNo")) {
                seqNo = r.readUnsigned(key, UINT32_MAX);
            } else {
                r.skipValue();
            }
        }
        return new Nack(seqNo);
    }

    private static Message readAccusation(MessageType type, GoMsgpackReader r) throws DropException {
        long incarnation = 0;
        String node = "";
        String from = "";
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "Incarnation" -> incarnation = r.readUnsigned(key, UINT32_MAX);
                case "Node" -> node = r.readText(key);
                case "From" -> from = r.readText(key);
                default -> r.skipValue();
            }
        }
        return type == MessageType.SUSPECT ? new Suspect(incarnation, node, from) : new Dead(incarnation, node, from);
    }

    private static Alive readAlive(GoMsgpackReader r) throws DropException {
        long incarnation = 0;
        String node = "";
        byte[] addr = new byte[0];
        long port = 0;
        byte[] meta = new byte[0];
        byte[] vsn = null;
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            switch (key) {
                case "Incarnation" -> incarnation = r.readUnsigned(key, UINT32_MAX);
                case "Node" -> node = r.readText(key);
                case "Addr" -> addr = r.readBytes(key);
                case "Port" -> port = r.readUnsigned(key, UINT16_MAX);
                case "Meta" -> meta = r.readBytes(key);
                case "Vsn" -> vsn = r.readBytesOrNull(key);
                default -> r.skipValue();
            }
        }
        // A Vsn of the wrong length becomes null: the engine drops such alives instead of crashing on them.
        return new Alive(incarnation, node, endpoint(addr, port, "Addr"), Bytes.of(meta), VersionVector.fromBytes(vsn));
    }

    private static ErrorResponse readError(GoMsgpackReader r) throws DropException {
        String error = "";
        for (int i = r.readMapHeader(); i > 0; i--) {
            String key = r.readKey();
            if (key.equals("Error")) {
                error = r.readText(key);
            } else {
                r.skipValue();
            }
        }
        return new ErrorResponse(error);
    }

    private static Endpoint endpoint(byte[] addr, long port, String field) throws DropException {
        if (addr.length != 4 && addr.length != 16) {
            throw new DropException(DecodeDropReason.BAD_ADDRESS, field + " is " + addr.length + " bytes, not 4 or 16");
        }
        return Endpoint.of(addr, (int) port);
    }

    /** memberlist answers the Source* address only when both address and port are set. */
    private static Endpoint source(byte[] addr, long port) throws DropException {
        if (addr.length == 0) {
            return null;
        }
        Endpoint e = endpoint(addr, port, "SourceAddr");
        return port == 0 ? null : e;
    }

    private static long uint32(long v, String field) {
        if (v < 0 || v > UINT32_MAX) {
            throw new IllegalArgumentException(field + " does not fit in 32 unsigned bits: " + v);
        }
        return v;
    }

    private static int count(boolean present) {
        return present ? 1 : 0;
    }
}
