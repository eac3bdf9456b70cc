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
 * unreadable message is null. This class holds the membership intents, the push/pull state, user
 * events and relays, and decodes every type; the query family (queries, their filters and answers,
 * key requests and responses, the conflict answer) is {@link SerfQueryCodec}'s.
 */
public final class SerfCodec {
    /** Most entries accepted in a Serf state's member map or left list. */
    public static final int MAX_STATE_ENTRIES = 65_536;
    /** Largest Lamport time read. */
    static final long MAX_LTIME = Long.MAX_VALUE;

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
                    return SerfQueryCodec.readQuery(r);
                case SerfMessage.TYPE_QUERY_RESPONSE:
                    return SerfQueryCodec.readQueryResponse(r);
                case SerfMessage.TYPE_KEY_REQUEST:
                    return SerfQueryCodec.readKeyRequest(r);
                case SerfMessage.TYPE_KEY_RESPONSE:
                    return SerfQueryCodec.readKeyResponse(r);
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
