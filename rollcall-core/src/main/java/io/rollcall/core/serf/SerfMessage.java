package io.rollcall.core.serf;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Serf messages Rollcall understands, carried inside memberlist user messages as one Serf type
 * byte followed by msgpack. Types Rollcall does not implement (user events, queries, key rotation)
 * decode to {@link Other} and are ignored.
 */
public sealed interface SerfMessage {
    /** Serf type byte of a leave intent. */
    int TYPE_LEAVE = 0;
    /** Serf type byte of a join intent. */
    int TYPE_JOIN = 1;
    /** Serf type byte of push/pull user state. */
    int TYPE_PUSH_PULL = 2;

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
     * @param queryLTime   query clock
     */
    record State(long ltime, Map<String, Long> statusLTimes, List<String> leftMembers, long eventLTime, long queryLTime)
            implements SerfMessage {
        /** Copies the collections. */
        public State {
            statusLTimes = Map.copyOf(statusLTimes);
            leftMembers = List.copyOf(leftMembers);
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
