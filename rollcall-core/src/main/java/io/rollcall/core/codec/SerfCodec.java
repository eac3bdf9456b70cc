package io.rollcall.core.codec;

import io.rollcall.core.message.SerfMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Serf's messages inside memberlist user messages: one Serf type byte, then msgpack in the same Go
 * dialect as memberlist (maps keyed by Go field names in sorted order). Decoding never throws: an
 * unreadable message is null.
 */
public final class SerfCodec {
    /** Most entries accepted in a Serf state's member map or left list. */
    public static final int MAX_STATE_ENTRIES = 65_536;
    private static final long MAX_LTIME = Long.MAX_VALUE;

    private SerfCodec() {
    }

    /** @param intent a join intent @return its bytes, as the payload of a user message */
    public static byte[] encodeJoin(SerfMessage.JoinIntent intent) {
        return new GoMsgpackWriter().rawByte(SerfMessage.TYPE_JOIN).map(2)
                .text("LTime").uint(intent.ltime())
                .text("Node").text(intent.node())
                .toByteArray();
    }

    /** @param intent a leave intent @return its bytes, as the payload of a user message */
    public static byte[] encodeLeave(SerfMessage.LeaveIntent intent) {
        return new GoMsgpackWriter().rawByte(SerfMessage.TYPE_LEAVE).map(3)
                .text("LTime").uint(intent.ltime())
                .text("Node").text(intent.node())
                .text("Prune").bool(intent.prune())
                .toByteArray();
    }

    /**
     * @param state Serf's part of a state exchange
     * @return its bytes, as push/pull user state. Events lists only the buffer's filled slots (Serf
     *         sends all 512, nil where empty; it skips nil entries on receipt, so both read the same)
     */
    public static byte[] encodeState(SerfMessage.State state) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(SerfMessage.TYPE_PUSH_PULL).map(6)
                .text("EventLTime").uint(state.eventLTime())
                .text("Events");
        if (state.events().isEmpty()) {
            w.nil();
        } else {
            w.array(state.events().size());
            for (SerfMessage.EventGroup g : state.events()) {
                w.map(2).text("Events").array(g.events().size());
                for (SerfMessage.EventEntry e : g.events()) {
                    w.map(2).text("Name").text(e.name()).text("Payload").bytes(e.payload().toByteArray());
                }
                w.text("LTime").uint(g.ltime());
            }
        }
        w.text("LTime").uint(state.ltime())
                .text("LeftMembers").array(state.leftMembers().size());
        for (String name : state.leftMembers()) {
            w.text(name);
        }
        w.text("QueryLTime").uint(state.queryLTime());
        Map<String, Long> sorted = new TreeMap<>(state.statusLTimes());
        w.text("StatusLTimes").map(sorted.size());
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            w.text(e.getKey()).uint(e.getValue());
        }
        return w.toByteArray();
    }

    /** @param e a user event @return its bytes, as the payload of a user message */
    public static byte[] encodeUserEvent(SerfMessage.UserEvent e) {
        return new GoMsgpackWriter().rawByte(SerfMessage.TYPE_USER_EVENT).map(4)
                .text("CC").bool(e.coalesce())
                .text("LTime").uint(e.ltime())
                .text("Name").text(e.name())
                .text("Payload").bytes(e.payload().toByteArray())
                .toByteArray();
    }

    /**
     * @param destAddress where the message is to be forwarded (4 or 16 bytes)
     * @param destPort    the port there
     * @param destName    the node there
     * @param message     a Serf message, type byte first
     * @return Serf's relay message (type 9): the header, then the message unchanged
     */
    public static byte[] encodeRelay(byte[] destAddress, int destPort, String destName, byte[] message) {
        return new GoMsgpackWriter().rawByte(SerfMessage.TYPE_RELAY).map(2)
                .text("DestAddr").map(3).text("IP").bytes(destAddress).text("Port").uint(destPort).text("Zone").text("")
                .text("DestName").text(destName)
                .payload(message)
                .toByteArray();
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
     * @param payload a user message payload or push/pull user state
     * @return the message, {@link SerfMessage.Other} for a type Rollcall does not act on, or null if
     *         the bytes are not a readable Serf message
     */
    public static SerfMessage decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return null;
        }
        int type = payload[0] & 0xFF;
        try {
            GoMsgpackReader r = new GoMsgpackReader(payload, 1, payload.length - 1);
            switch (type) {
                case SerfMessage.TYPE_JOIN:
                    return readJoin(r);
                case SerfMessage.TYPE_LEAVE:
                    return readLeave(r);
                case SerfMessage.TYPE_PUSH_PULL:
                    return readState(r);
                case SerfMessage.TYPE_QUERY:
                    return readQuery(r);
                case SerfMessage.TYPE_QUERY_RESPONSE:
                    return readQueryResponse(r);
                case SerfMessage.TYPE_KEY_REQUEST:
                    return readKeyRequest(r);
                case SerfMessage.TYPE_KEY_RESPONSE:
                    return readKeyResponse(r);
                case SerfMessage.TYPE_USER_EVENT:
                    return readUserEvent(r);
                case SerfMessage.TYPE_RELAY:
                    return readRelay(r, payload);
                default:
                    return new SerfMessage.Other(type);
            }
        } catch (DropException e) {
            return null;
        }
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

    private static SerfMessage.Query readQuery(GoMsgpackReader r) throws DropException {
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
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
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

    /** Most bytes of a user event's name and payload together: Serf's hard-coded sane limit (9 KiB). */
    public static final int USER_EVENT_SANE_LIMIT_BYTES = 9 * 1024;

    private static SerfMessage.UserEvent readUserEvent(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        String name = "";
        byte[] payload = new byte[0];
        boolean coalesce = false;
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                case "Name" -> name = r.readText("Name");
                case "Payload" -> payload = r.readBytes("Payload");
                case "CC" -> coalesce = r.readBool("CC");
                default -> r.skipValue();
            }
        }
        return new SerfMessage.UserEvent(ltime, name, io.rollcall.core.Bytes.of(payload), coalesce);
    }

    private static SerfMessage.Relay readRelay(GoMsgpackReader r, byte[] whole) throws DropException {
        byte[] ip = new byte[0];
        int port = 0;
        String destName = "";
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "DestAddr" -> {
                    for (int j = r.readMapHeaderOrNil("DestAddr"); j > 0; j--) {
                        switch (r.readKey()) {
                            case "IP" -> ip = r.readBytes("IP");
                            case "Port" -> port = (int) r.readUnsigned("Port", 0xFFFF);
                            default -> r.skipValue();
                        }
                    }
                }
                case "DestName" -> destName = r.readText("DestName");
                default -> r.skipValue();
            }
        }
        if (ip.length != 4 && ip.length != 16) {
            throw new DropException(DecodeDropReason.BAD_ADDRESS, "relay destination of " + ip.length + " bytes");
        }
        int start = 1 + r.position();
        if (start >= whole.length) {
            throw new DropException(DecodeDropReason.TRUNCATED, "relay carries no message");
        }
        return new SerfMessage.Relay(io.rollcall.core.Bytes.of(ip), port, destName,
                io.rollcall.core.Bytes.of(java.util.Arrays.copyOfRange(whole, start, whole.length)));
    }

    private static SerfMessage.QueryResponse readQueryResponse(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        long id = 0;
        String from = "";
        long flags = 0;
        byte[] payload = new byte[0];
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                case "ID" -> id = r.readUnsigned("ID", 0xFFFF_FFFFL);
                case "From" -> from = r.readText("From");
                case "Flags" -> flags = r.readUnsigned("Flags", 0xFFFF_FFFFL);
                case "Payload" -> payload = r.readBytes("Payload");
                default -> r.skipValue();
            }
        }
        return new SerfMessage.QueryResponse(ltime, id, from, flags, io.rollcall.core.Bytes.of(payload));
    }

    private static SerfMessage.KeyRequest readKeyRequest(GoMsgpackReader r) throws DropException {
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

    private static SerfMessage.KeyResponse readKeyResponse(GoMsgpackReader r) throws DropException {
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

    private static SerfMessage.JoinIntent readJoin(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        String node = "";
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                case "Node" -> node = r.readText("Node");
                default -> r.skipValue();
            }
        }
        return new SerfMessage.JoinIntent(ltime, node);
    }

    private static SerfMessage.LeaveIntent readLeave(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        String node = "";
        boolean prune = false;
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                case "Node" -> node = r.readText("Node");
                case "Prune" -> prune = r.readBool("Prune");
                default -> r.skipValue();
            }
        }
        return new SerfMessage.LeaveIntent(ltime, node, prune);
    }

    /** Most slots of a push/pull's event buffer read (Serf's default buffer has 512; a larger one is cut). */
    public static final int MAX_STATE_EVENT_SLOTS = 4_096;
    /** Most user events of one Lamport time read from a push/pull. */
    public static final int MAX_STATE_EVENTS_PER_SLOT = 64;

    private static void readEventGroups(GoMsgpackReader r, List<SerfMessage.EventGroup> out) throws DropException {
        int slots = r.readArrayHeader("Events");
        if (slots > MAX_STATE_EVENT_SLOTS) {
            throw new DropException(DecodeDropReason.INVALID_FIELD, "Events has " + slots + " slots");
        }
        for (int i = 0; i < slots; i++) {
            long ltime = 0;
            List<SerfMessage.EventEntry> entries = new ArrayList<>();
            // A nil slot (most of Serf's 512) reads as an empty map.
            for (int k = r.readMapHeaderOrNil("Events"); k > 0; k--) {
                switch (r.readKey()) {
                    case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                    case "Events" -> {
                        int n = r.readArrayHeader("Events");
                        if (n > MAX_STATE_EVENTS_PER_SLOT) {
                            throw new DropException(DecodeDropReason.INVALID_FIELD, n + " user events at one time");
                        }
                        for (int j = 0; j < n; j++) {
                            String name = "";
                            byte[] payload = new byte[0];
                            for (int f = r.readMapHeaderOrNil("Events"); f > 0; f--) {
                                switch (r.readKey()) {
                                    case "Name" -> name = r.readText("Name");
                                    case "Payload" -> payload = r.readBytes("Payload");
                                    default -> r.skipValue();
                                }
                            }
                            entries.add(new SerfMessage.EventEntry(name, io.rollcall.core.Bytes.of(payload)));
                        }
                    }
                    default -> r.skipValue();
                }
            }
            if (!entries.isEmpty()) {
                out.add(new SerfMessage.EventGroup(ltime, entries));
            }
        }
    }

    private static SerfMessage.State readState(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        long eventLTime = 0;
        long queryLTime = 0;
        Map<String, Long> status = new HashMap<>();
        List<String> left = new ArrayList<>();
        List<SerfMessage.EventGroup> events = new ArrayList<>();
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                case "EventLTime" -> eventLTime = r.readUnsigned("EventLTime", MAX_LTIME);
                case "QueryLTime" -> queryLTime = r.readUnsigned("QueryLTime", MAX_LTIME);
                case "Events" -> readEventGroups(r, events);
                case "LeftMembers" -> {
                    int n = r.readArrayHeader("LeftMembers");
                    if (n > MAX_STATE_ENTRIES) {
                        throw new DropException(DecodeDropReason.TOO_MANY_NODES, "LeftMembers lists " + n);
                    }
                    for (int j = 0; j < n; j++) {
                        left.add(r.readText("LeftMembers"));
                    }
                }
                case "StatusLTimes" -> {
                    int n = r.readMapHeaderOrNil("StatusLTimes");
                    if (n > MAX_STATE_ENTRIES) {
                        throw new DropException(DecodeDropReason.TOO_MANY_NODES, "StatusLTimes lists " + n);
                    }
                    for (int j = 0; j < n; j++) {
                        String name = r.readText("StatusLTimes");
                        status.put(name, r.readUnsigned("StatusLTimes", MAX_LTIME));
                    }
                }
                default -> r.skipValue();
            }
        }
        return new SerfMessage.State(ltime, status, left, eventLTime, events, queryLTime);
    }
}
