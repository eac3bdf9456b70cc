package io.rollcall.core.codec;

import io.rollcall.core.message.SerfMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serf's query family on the wire, in the dialect of {@link SerfCodec} (which decodes every type and
 * hands these here): queries with their node and tag filters, query responses, the key manager's
 * requests and responses, and the answer to {@code _serf_conflict}. Stateless.
 */
public final class SerfQueryCodec {
    private SerfQueryCodec() {
    }

    /** @param nodes node names @return Serf's node filter (type 0): only these nodes answer */
    public static byte[] encodeNodeFilter(List<String> nodes) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(0).array(nodes.size());
        nodes.forEach(w::text);
        return w.toByteArray();
    }

    /**
     * @param tag  a tag name
     * @param expr a regular expression (Go's RE2 syntax) the tag's value must match somewhere
     * @return Serf's tag filter (type 1)
     */
    public static byte[] encodeTagFilter(String tag, String expr) {
        return new GoMsgpackWriter().rawByte(1).map(2).text("Expr").text(expr).text("Tag").text(tag).toByteArray();
    }

    /** @param q a query @return its bytes, as the payload of a user message */
    public static byte[] encodeQuery(SerfMessage.Query q) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(SerfMessage.TYPE_QUERY).map(11)
                .text("Addr").bytes(q.address().toByteArray())
                .text("Filters");
        if (q.filters().isEmpty()) {
            w.nil();
        } else {
            w.array(q.filters().size());
            for (var f : q.filters()) {
                w.raw(f.toByteArray());
            }
        }
        return w.text("Flags").uint(q.flags())
                .text("ID").uint(q.id())
                .text("LTime").uint(q.ltime())
                .text("Name").text(q.name())
                .text("Payload").bytes(q.payload().toByteArray())
                .text("Port").uint(q.port())
                .text("RelayFactor").uint(q.relayFactor())
                .text("SourceNode").text(q.sourceNode())
                .text("Timeout").uint(q.timeoutNanos())
                .toByteArray();
    }

    /** @param r a query response @return its bytes, as the payload of a user message */
    public static byte[] encodeQueryResponse(SerfMessage.QueryResponse r) {
        return new GoMsgpackWriter().rawByte(SerfMessage.TYPE_QUERY_RESPONSE).map(5)
                .text("Flags").uint(r.flags())
                .text("From").text(r.from())
                .text("ID").uint(r.id())
                .text("LTime").uint(r.ltime())
                .text("Payload").bytes(r.payload().toByteArray())
                .toByteArray();
    }

    /** @param r a key request @return its bytes, as a key query's payload */
    public static byte[] encodeKeyRequest(SerfMessage.KeyRequest r) {
        return new GoMsgpackWriter().rawByte(SerfMessage.TYPE_KEY_REQUEST).map(1)
                .text("Key").bytes(r.key().toByteArray())
                .toByteArray();
    }

    /**
     * @param m a member as this node sees it
     * @return Serf's conflict response (type 6, then Serf's {@code Member} struct), the answer to
     *         {@code _serf_conflict}; Serf compares only its Addr and Port with its own
     */
    public static byte[] encodeConflictResponse(io.rollcall.core.Member m) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(SerfMessage.TYPE_CONFLICT_RESPONSE).map(11)
                .text("Name").text(m.name())
                .text("Addr").bytes(m.address().addressBytes())
                .text("Port").uint(m.address().port())
                .text("Tags");
        java.util.Map<String, String> tags = SerfTags.decode(m.meta());
        w.map(tags.size());
        tags.forEach((k, v) -> w.text(k).text(v));
        // Serf's MemberStatus: 1 alive, 3 left, 4 failed (suspect members are alive to Serf).
        int status = switch (m.state()) {
            case ALIVE, SUSPECT -> 1;
            case LEFT -> 3;
            case DEAD -> 4;
        };
        io.rollcall.core.VersionVector v = m.versions();
        return w.text("Status").uint(status)
                .text("ProtocolMin").uint(v.protocolMin()).text("ProtocolMax").uint(v.protocolMax())
                .text("ProtocolCur").uint(v.protocolCurrent()).text("DelegateMin").uint(v.delegateMin())
                .text("DelegateMax").uint(v.delegateMax()).text("DelegateCur").uint(v.delegateCurrent())
                .toByteArray();
    }

    /** @param r a key response @return its bytes, as a query response's payload */
    public static byte[] encodeKeyResponse(SerfMessage.KeyResponse r) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(SerfMessage.TYPE_KEY_RESPONSE).map(4).text("Keys");
        if (r.keys().isEmpty()) {
            w.nil();
        } else {
            w.array(r.keys().size());
            for (String k : r.keys()) {
                w.text(k);
            }
        }
        return w.text("Message").text(r.message())
                .text("PrimaryKey").text(r.primaryKey())
                .text("Result").bool(r.result())
                .toByteArray();
    }

    /**
     * @param expr a tag filter's regular expression
     * @return why a node would not evaluate it (too long, not Go's RE2 syntax), or null if it is usable
     */
    public static String expressionProblem(String expr) {
        if (expr.length() > MAX_FILTER_EXPRESSION_CHARS) {
            return "expression longer than " + MAX_FILTER_EXPRESSION_CHARS + " characters";
        }
        try {
            com.google.re2j.Pattern.compile(expr);
            return null;
        } catch (com.google.re2j.PatternSyntaxException e) {
            return "not a regular expression: " + e.getMessage();
        }
    }

    /** Longest tag regular expression evaluated from a query filter. */
    private static final int MAX_FILTER_EXPRESSION_CHARS = 256;

    /**
     * @param filter   one query filter: type byte, then msgpack
     * @param selfName this node's name
     * @param tags     this node's tags
     * @return true if the filter matches this node; false if not, or if it cannot be read
     */
    public static boolean filterMatches(byte[] filter, String selfName, Map<String, String> tags) {
        if (filter.length < 1) {
            return false;
        }
        try {
            GoMsgpackReader r = new GoMsgpackReader(filter, 1, filter.length - 1);
            if (filter[0] == 0) {
                int n = r.readArrayHeader("filterNode");
                for (int i = 0; i < n; i++) {
                    if (r.readText("filterNode").equals(selfName)) {
                        return true;
                    }
                }
                return false;
            }
            if (filter[0] == 1) {
                String tag = "";
                String expr = "";
                for (int i = r.readMapHeader(); i > 0; i--) {
                    switch (r.readKey()) {
                        case "Tag" -> tag = r.readText("Tag");
                        case "Expr" -> expr = r.readText("Expr");
                        default -> r.skipValue();
                    }
                }
                if (expr.length() > MAX_FILTER_EXPRESSION_CHARS) {
                    return false;
                }
                // As Serf: a tag the node lacks is the empty string, and the expression may match anywhere.
                // RE2J, not java.util.regex: Go's RE2 syntax, and matching time linear in the value, so a
                // hostile expression cannot make the protocol thread backtrack for ever.
                return com.google.re2j.Pattern.compile(expr).matcher(tags.getOrDefault(tag, "")).find();
            }
            return false;
        } catch (DropException | com.google.re2j.PatternSyntaxException e) {
            return false;
        }
    }

    /** Most filters accepted in one query. */
    private static final int MAX_FILTERS = 64;

    static SerfMessage.Query readQuery(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        long id = 0;
        byte[] addr = new byte[0];
        int port = 0;
        String source = "";
        List<io.rollcall.core.Bytes> filters = new ArrayList<>();
        long flags = 0;
        int relay = 0;
        long timeout = 0;
        String name = "";
        byte[] payload = new byte[0];
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", SerfCodec.MAX_LTIME);
                case "ID" -> id = r.readUnsigned("ID", 0xFFFF_FFFFL);
                case "Addr" -> addr = r.readBytes("Addr");
                case "Port" -> port = (int) r.readUnsigned("Port", 0xFFFF);
                case "SourceNode" -> source = r.readText("SourceNode");
                case "Filters" -> {
                    int n = r.readArrayHeader("Filters");
                    if (n > MAX_FILTERS) {
                        throw new DropException(DecodeDropReason.INVALID_FIELD, "query has " + n + " filters");
                    }
                    for (int j = 0; j < n; j++) {
                        filters.add(io.rollcall.core.Bytes.of(r.readBytes("Filters")));
                    }
                }
                case "Flags" -> flags = r.readUnsigned("Flags", 0xFFFF_FFFFL);
                case "RelayFactor" -> relay = (int) r.readUnsigned("RelayFactor", 0xFF);
                case "Timeout" -> timeout = r.readSigned("Timeout");
                case "Name" -> name = r.readText("Name");
                case "Payload" -> payload = r.readBytes("Payload");
                default -> r.skipValue();
            }
        }
        if (addr.length != 4 && addr.length != 16) {
            throw new DropException(DecodeDropReason.BAD_ADDRESS, "query answer address of " + addr.length + " bytes");
        }
        return new SerfMessage.Query(ltime, id, io.rollcall.core.Bytes.of(addr), port, source, filters, flags, relay,
                Math.max(0, timeout), name, io.rollcall.core.Bytes.of(payload));
    }

    static SerfMessage.QueryResponse readQueryResponse(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        long id = 0;
        String from = "";
        long flags = 0;
        byte[] payload = new byte[0];
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", SerfCodec.MAX_LTIME);
                case "ID" -> id = r.readUnsigned("ID", 0xFFFF_FFFFL);
                case "From" -> from = r.readText("From");
                case "Flags" -> flags = r.readUnsigned("Flags", 0xFFFF_FFFFL);
                case "Payload" -> payload = r.readBytes("Payload");
                default -> r.skipValue();
            }
        }
        return new SerfMessage.QueryResponse(ltime, id, from, flags, io.rollcall.core.Bytes.of(payload));
    }

    static SerfMessage.KeyRequest readKeyRequest(GoMsgpackReader r) throws DropException {
        byte[] key = new byte[0];
        for (int i = r.readMapHeader(); i > 0; i--) {
            if (r.readKey().equals("Key")) {
                key = r.readBytes("Key");
            } else {
                r.skipValue();
            }
        }
        return new SerfMessage.KeyRequest(io.rollcall.core.Bytes.of(key));
    }

    static SerfMessage.KeyResponse readKeyResponse(GoMsgpackReader r) throws DropException {
        boolean result = false;
        String message = "";
        String primary = "";
        List<String> keys = new ArrayList<>();
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "Result" -> result = r.readBool("Result");
                case "Message" -> message = r.readText("Message");
                case "PrimaryKey" -> primary = r.readText("PrimaryKey");
                case "Keys" -> {
                    int n = r.readArrayHeader("Keys");
                    if (n > MAX_FILTERS) {
                        throw new DropException(DecodeDropReason.INVALID_FIELD, "key response lists " + n + " keys");
                    }
                    for (int j = 0; j < n; j++) {
                        keys.add(r.readText("Keys"));
                    }
                }
                default -> r.skipValue();
            }
        }
        return new SerfMessage.KeyResponse(result, message, keys, primary);
    }
}
