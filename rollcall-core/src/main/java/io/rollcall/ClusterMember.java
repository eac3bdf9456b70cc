package io.rollcall;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One member as this node sees it at one moment. Immutable.
 *
 * @param name        the member's unique name
 * @param address     where it listens (UDP and TCP, same port)
 * @param metadata    its metadata (Serf tags)
 * @param status      its status
 * @param since       when this node last saw its status or data change (wall clock)
 * @param incarnation the member's own version counter, for diagnostics only; nothing in this API
 *                    needs it
 */
public record ClusterMember(String name, InetSocketAddress address, Map<String, String> metadata, MemberStatus status,
                            Instant since, long incarnation) {
    /**
     * Validates and copies.
     *
     * @param name see the record component
     * @param address see the record component
     * @param metadata see the record component
     * @param status see the record component
     * @param since see the record component
     * @param incarnation see the record component
     */
    public ClusterMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(since, "since");
    }

    /** @return true if a caller may send work to this member ({@link MemberStatus#isReachable()}) */
    public boolean isReachable() {
        return status.isReachable();
    }
}
