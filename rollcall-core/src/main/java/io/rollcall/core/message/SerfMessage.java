package io.rollcall.core.message;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Serf messages Rollcall understands, carried inside memberlist user messages as one Serf type
 * byte followed by msgpack. Types Rollcall does not act on decode to {@link Other} and are ignored.
 */
public sealed interface SerfMessage {
    /** Serf type byte of a leave intent. */
    int TYPE_LEAVE = 0;
    /** Serf type byte of a join intent. */
    int TYPE_JOIN = 1;
    /** Serf type byte of push/pull user state. */
    int TYPE_PUSH_PULL = 2;
    /** Serf type byte of a user event. */
    int TYPE_USER_EVENT = 3;
    /** Serf type byte of a relayed message: a relay header, then another Serf message to forward. */
    int TYPE_RELAY = 9;
    /** Serf type byte of a query. */
    int TYPE_QUERY = 4;
    /** Serf type byte of a query response. */
    int TYPE_QUERY_RESPONSE = 5;
    /** Serf type byte of a key request (inside a key query's payload). */
    int TYPE_KEY_REQUEST = 7;
    /** Serf type byte of a key response (inside a query response's payload). */
    int TYPE_KEY_RESPONSE = 8;
    /** Serf's answer to {@code _serf_conflict}: our view of the member whose name is in conflict. */
    int TYPE_CONFLICT_RESPONSE = 6;
    /** Query flag: the sender wants an acknowledgement before the answer. */
    int QUERY_FLAG_ACK = 1;
    /** Query flag: do not re-broadcast. */
    int QUERY_FLAG_NO_BROADCAST = 2;

    /**
     * "Node is a member as of Lamport time LTime": sent after joining and to refute a leave intent.
     *
     * @param ltime Lamport time of the intent
     * @param node  member name
     */
    record JoinIntent(long ltime, String node) implements SerfMessage {
        /** Validates the fields. */
        public JoinIntent {
            Objects.requireNonNull(node, "node");
        }
    }

    /**
     * "Node is leaving as of Lamport time LTime": makes Serf show the member as left, not failed.
     *
     * @param ltime Lamport time of the intent
     * @param node  member name
     * @param prune whether to erase the member at once (force-leave -prune)
     */
    record LeaveIntent(long ltime, String node, boolean prune) implements SerfMessage {
        /** Validates the fields. */
        public LeaveIntent {
            Objects.requireNonNull(node, "node");
        }
    }

    /**
     * Serf's part of a state exchange.
     *
     * @param ltime        membership Lamport clock
     * @param statusLTimes each member's last intent time
     * @param leftMembers  members that left
     * @param eventLTime   user-event clock
     * @param events       the recent user events, grouped by Lamport time (Serf's event buffer)
     * @param queryLTime   query clock
     */
    record State(long ltime, Map<String, Long> statusLTimes, List<String> leftMembers, long eventLTime,
                 List<EventGroup> events, long queryLTime) implements SerfMessage {
        /** Copies the collections. */
        public State {
            statusLTimes = Map.copyOf(statusLTimes);
            leftMembers = List.copyOf(leftMembers);
            events = List.copyOf(events);
        }

        /** A state without recent user events. */
        public State(long ltime, Map<String, Long> statusLTimes, List<String> leftMembers, long eventLTime, long queryLTime) {
            this(ltime, statusLTimes, leftMembers, eventLTime, List.of(), queryLTime);
        }
    }

    /**
     * A user event: gossiped to every member, each of which hands it to its event handlers once.
     *
     * @param ltime    user-event Lamport time
     * @param name     event name
     * @param payload  event payload
     * @param coalesce whether handlers may see only the latest of a burst of events with this name
     */
    record UserEvent(long ltime, String name, io.rollcall.core.Bytes payload, boolean coalesce) implements SerfMessage {
        /** Validates the fields. */
        public UserEvent {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * The user events of one Lamport time, as a push/pull carries them (Serf's {@code userEvents}).
     *
     * @param ltime  their Lamport time
     * @param events name and payload of each
     */
    record EventGroup(long ltime, List<EventEntry> events) {
        /** Copies the list. */
        public EventGroup {
            events = List.copyOf(events);
        }
    }

    /**
     * One user event inside an {@link EventGroup}.
     *
     * @param name    event name
     * @param payload event payload
     */
    record EventEntry(String name, io.rollcall.core.Bytes payload) {
        /** Validates the fields. */
        public EventEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * A message to forward, unchanged, to another address (Serf's relayed query responses).
     *
     * @param destAddress where to forward it (4 or 16 bytes)
     * @param destPort    where to forward it
     * @param destName    the node at that address
     * @param message     the Serf message to forward, type byte first
     */
    record Relay(io.rollcall.core.Bytes destAddress, int destPort, String destName, io.rollcall.core.Bytes message)
            implements SerfMessage {
    }

    /**
     * A Serf query, gossiped to every member; members that match its filters answer directly.
     *
     * @param ltime        query Lamport time
     * @param id           query id, unique with ltime
     * @param address      where answers go (4 or 16 bytes)
     * @param port         where answers go
     * @param sourceNode   the asking node
     * @param filters      node and tag filters, each a filter type byte followed by msgpack
     * @param flags        {@link #QUERY_FLAG_ACK}, {@link #QUERY_FLAG_NO_BROADCAST}
     * @param relayFactor  members each answer is also relayed through
     * @param timeoutNanos how long the asker waits
     * @param name         query name ({@code _serf_...} for Serf's internal queries)
     * @param payload      query payload
     */
    record Query(long ltime, long id, io.rollcall.core.Bytes address, int port, String sourceNode,
                 List<io.rollcall.core.Bytes> filters, long flags, int relayFactor, long timeoutNanos, String name,
                 io.rollcall.core.Bytes payload) implements SerfMessage {
        /** Copies the list. */
        public Query {
            filters = List.copyOf(filters);
        }
    }

    /**
     * An answer to a query, sent straight to the asker.
     *
     * @param ltime   the query's Lamport time
     * @param id      the query's id
     * @param from    the answering node
     * @param flags   {@link #QUERY_FLAG_ACK} for an acknowledgement
     * @param payload the answer
     */
    record QueryResponse(long ltime, long id, String from, long flags, io.rollcall.core.Bytes payload) implements SerfMessage {
    }

    /**
     * The payload of {@code _serf_install-key}, {@code _serf_use-key} and {@code _serf_remove-key}.
     *
     * @param key the raw key
     */
    record KeyRequest(io.rollcall.core.Bytes key) implements SerfMessage {
    }

    /**
     * A node's answer to a key query.
     *
     * @param result     whether the operation succeeded
     * @param message    why not, if it failed
     * @param keys       installed keys, base64 (list-keys)
     * @param primaryKey the primary key, base64 (list-keys)
     */
    record KeyResponse(boolean result, String message, List<String> keys, String primaryKey) implements SerfMessage {
        /** Copies the list. */
        public KeyResponse {
            keys = List.copyOf(keys);
        }
    }

    /**
     * A Serf message of a type Rollcall does not act on.
     *
     * @param type Serf type byte
     */
    record Other(int type) implements SerfMessage {
    }
}
