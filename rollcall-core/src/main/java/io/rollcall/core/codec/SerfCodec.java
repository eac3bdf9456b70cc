package io.rollcall.core.codec;

import io.rollcall.core.serf.SerfMessage;
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
     * @return its bytes, as push/pull user state; Events is sent as nil (we keep no user events)
     */
    public static byte[] encodeState(SerfMessage.State state) {
        GoMsgpackWriter w = new GoMsgpackWriter().rawByte(SerfMessage.TYPE_PUSH_PULL).map(6)
                .text("EventLTime").uint(state.eventLTime())
                .text("Events").nil()
                .text("LTime").uint(state.ltime())
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
                default:
                    return new SerfMessage.Other(type);
            }
        } catch (DropException e) {
            return null;
        }
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

    private static SerfMessage.State readState(GoMsgpackReader r) throws DropException {
        long ltime = 0;
        long eventLTime = 0;
        long queryLTime = 0;
        Map<String, Long> status = new HashMap<>();
        List<String> left = new ArrayList<>();
        for (int i = r.readMapHeader(); i > 0; i--) {
            switch (r.readKey()) {
                case "LTime" -> ltime = r.readUnsigned("LTime", MAX_LTIME);
                case "EventLTime" -> eventLTime = r.readUnsigned("EventLTime", MAX_LTIME);
                case "QueryLTime" -> queryLTime = r.readUnsigned("QueryLTime", MAX_LTIME);
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
        return new SerfMessage.State(ltime, status, left, eventLTime, queryLTime);
    }
}
