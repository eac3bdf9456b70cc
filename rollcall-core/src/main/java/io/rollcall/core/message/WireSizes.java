package io.rollcall.core.message;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;

/**
 * Exact encoded sizes of messages in memberlist's msgpack dialect (maps keyed by Go field names,
 * strings and byte fields in the str family without str8, smallest unsigned integers). The engine
 * packs packets against the UDP budget with these numbers, and the simulator counts bytes with them;
 * the codec's tests check that encoding produces exactly this many bytes.
 */
public final class WireSizes {
    /** Bytes a compound header costs: type byte and part count. */
    public static final int COMPOUND_HEADER_BYTES = 2;
    /** Bytes each compound part costs beyond its own encoding: its 16-bit length. */
    public static final int COMPOUND_PART_OVERHEAD_BYTES = 2;
    /** Most parts we put in one compound; memberlist 0.2.2/0.2.3 mis-parse 128 and more. */
    public static final int COMPOUND_MAX_PARTS = 127;

    private WireSizes() {
    }

    /**
     * @param message any message
     * @return its encoded size including the type byte
     */
    public static int of(Message message) {
        return 1 + body(message);
    }

    private static int body(Message message) {
        if (message instanceof Ping p) {
            return map(2 + sourceFields(p.source(), p.sourceNode()))
                    + key("SeqNo") + uint(p.seqNo()) + key("Node") + str(p.node())
                    + source(p.source(), p.sourceNode());
        } else if (message instanceof IndirectPing p) {
            return map(5 + sourceFields(p.source(), p.sourceNode()))
                    + key("SeqNo") + uint(p.seqNo()) + key("Target") + addr(p.target())
                    + key("Port") + uint(p.target().port()) + key("Node") + str(p.node())
                    + key("Nack") + 1 + source(p.source(), p.sourceNode());
        } else if (message instanceof Ack a) {
            return map(2) + key("SeqNo") + uint(a.seqNo()) + key("Payload") + bytes(a.payload());
        } else if (message instanceof Nack n) {
            return map(1) + key("SeqNo") + uint(n.seqNo());
        } else if (message instanceof Suspect s) {
            return map(3) + key("Incarnation") + uint(s.incarnation()) + key("Node") + str(s.node())
                    + key("From") + str(s.from());
        } else if (message instanceof Dead d) {
            return map(3) + key("Incarnation") + uint(d.incarnation()) + key("Node") + str(d.node())
                    + key("From") + str(d.from());
        } else if (message instanceof Alive a) {
            return map(6) + key("Incarnation") + uint(a.incarnation()) + key("Node") + str(a.node())
                    + key("Addr") + addr(a.address()) + key("Port") + uint(a.address().port())
                    + key("Meta") + bytes(a.meta()) + key("Vsn") + versions(a.versions());
        } else if (message instanceof PushPull pp) {
            return pushPull(pp);
        } else if (message instanceof UserData u) {
            return u.payload().length();
        } else if (message instanceof ErrorResponse e) {
            return map(1) + key("Error") + str(e.error());
        }
        throw new IllegalArgumentException("unknown message " + message);
    }

    /**
     * @param node one entry of a push/pull
     * @return its encoded size
     */
    public static int of(PushNodeState node) {
        return map(7) + key("Name") + str(node.name()) + key("Addr") + addr(node.address())
                + key("Port") + uint(node.address().port()) + key("Meta") + bytes(node.meta())
                + key("Incarnation") + uint(node.incarnation()) + key("State") + uint(node.state().wireCode())
                + key("Vsn") + versions(node.versions());
    }

    /**
     * @param partCount      how many messages the datagram carries
     * @param partBytesTotal the sum of their encoded sizes
     * @return the size of one datagram carrying them: the part itself if one, else a compound
     */
    public static int packet(int partCount, int partBytesTotal) {
        if (partCount == 1) {
            return partBytesTotal;
        }
        return COMPOUND_HEADER_BYTES + partCount * COMPOUND_PART_OVERHEAD_BYTES + partBytesTotal;
    }

    private static int pushPull(PushPull pp) {
        int size = map(3) + key("Nodes") + uint(pp.nodes().size()) + key("UserStateLen")
                + uint(pp.userState().length()) + key("Join") + 1;
        for (PushNodeState n : pp.nodes()) {
            size += of(n);
        }
        return size + pp.userState().length();
    }

    /** Go's omitempty leaves out an absent address, a zero port and an empty name. */
    private static int sourceFields(Endpoint source, String sourceNode) {
        return (source != null ? 1 : 0) + (source != null && source.port() != 0 ? 1 : 0)
                + (sourceNode.isEmpty() ? 0 : 1);
    }

    private static int source(Endpoint source, String sourceNode) {
        int size = 0;
        if (source != null) {
            size += key("SourceAddr") + addr(source);
            if (source.port() != 0) {
                size += key("SourcePort") + uint(source.port());
            }
        }
        if (!sourceNode.isEmpty()) {
            size += key("SourceNode") + str(sourceNode);
        }
        return size;
    }

    private static int map(int entries) {
        return entries < 16 ? 1 : 3;
    }

    private static int key(String name) {
        return rawLength(name.length());
    }

    private static int str(String s) {
        return rawLength(utf8Length(s));
    }

    private static int bytes(Bytes b) {
        return b.isEmpty() ? 1 : rawLength(b.length());
    }

    /** A malformed (null) vector is written as nil. */
    private static int versions(VersionVector v) {
        return v == null ? 1 : rawLength(6);
    }

    private static int addr(Endpoint e) {
        return rawLength(e.addressBytes().length);
    }

    /** Go's old msgpack writes fixstr, then str16, then str32: never str8. */
    static int rawLength(int length) {
        if (length < 32) {
            return 1 + length;
        }
        if (length < 65536) {
            return 3 + length;
        }
        return 5 + length;
    }

    static int uint(long v) {
        if (v < 128) {
            return 1;
        }
        if (v < 256) {
            return 2;
        }
        if (v < 65536) {
            return 3;
        }
        if (v < 4294967296L) {
            return 5;
        }
        return 9;
    }

    /** UTF-8 length without allocating; an unpaired surrogate becomes '?', as String.getBytes writes it. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
