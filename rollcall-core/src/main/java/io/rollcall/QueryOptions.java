package io.rollcall;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Rollcall#query} asks, as {@code serf query}'s flags: which nodes answer (node names, and
 * tags whose values match Go regular expressions; a node must match every filter), whether they
 * acknowledge first, through how many members each answer is also relayed, and how long to wait.
 *
 * @param nodes       only these nodes answer; empty for all
 * @param tags        tag name to Go (RE2) regular expression its value must match; a node without
 *                    the tag is matched as the empty string, as Serf does
 * @param requestAck  whether each node acknowledges on receipt (the {@code serf query} default)
 * @param relayFactor members each answer is also relayed through, 0 to 5 (as {@code serf query})
 * @param timeout     how long to gather answers, or null for Serf's default (gossip interval × 16 ×
 *                    ceil(log10(members + 1)))
 */
public record QueryOptions(List<String> nodes, Map<String, String> tags, boolean requestAck, int relayFactor,
                           Duration timeout) {
    /** As {@code serf query} without flags: every node, acknowledgements on, no relays, Serf's timeout. */
    public static final QueryOptions DEFAULT = new QueryOptions(List.of(), Map.of(), true, 0, null);

    /**
     * Validates and copies.
     *
     * @param nodes       only these nodes answer; empty for all
     * @param tags        tag name to regular expression
     * @param requestAck  whether each node acknowledges on receipt
     * @param relayFactor members each answer is also relayed through, 0 to 5
     * @param timeout     how long to gather answers, or null for Serf's default
     */
    public QueryOptions {
        nodes = List.copyOf(nodes);
        tags = Map.copyOf(tags);
        if (relayFactor < 0 || relayFactor > 5) {
            throw new IllegalArgumentException("relay factor must be 0 to 5, got " + relayFactor);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /**
     * @param names the nodes that answer
     * @return these options with that node filter
     */
    public QueryOptions withNodes(List<String> names) {
        return new QueryOptions(names, tags, requestAck, relayFactor, timeout);
    }

    /**
     * @param filters tag name to regular expression
     * @return these options with those tag filters
     */
    public QueryOptions withTags(Map<String, String> filters) {
        return new QueryOptions(nodes, filters, requestAck, relayFactor, timeout);
    }

    /**
     * @param ack whether nodes acknowledge
     * @return these options with that
     */
    public QueryOptions withRequestAck(boolean ack) {
        return new QueryOptions(nodes, tags, ack, relayFactor, timeout);
    }

    /**
     * @param factor members each answer is relayed through
     * @return these options with that
     */
    public QueryOptions withRelayFactor(int factor) {
        return new QueryOptions(nodes, tags, requestAck, factor, timeout);
    }

    /**
     * @param wait how long to gather answers
     * @return these options with that
     */
    public QueryOptions withTimeout(Duration wait) {
        return new QueryOptions(nodes, tags, requestAck, relayFactor, Objects.requireNonNull(wait, "timeout"));
    }
}
