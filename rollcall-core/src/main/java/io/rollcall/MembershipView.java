package io.rollcall;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * This node's whole view at one version: every member it knows (failed and left ones until they are
 * removed), sorted by name, including itself. Immutable.
 *
 * @param version grows by one with every change; 0 before the node started
 * @param local   this node
 * @param members every known member, this node included
 */
public record MembershipView(long version, ClusterMember local, List<ClusterMember> members) implements MembershipUpdate {
    /**
     * Validates and copies.
     *
     * @param version see the record component
     * @param local see the record component
     * @param members see the record component
     */
    public MembershipView {
        Objects.requireNonNull(local, "local");
        members = List.copyOf(members);
    }

    /** @return the members a caller may send work to: alive or suspect (docs/MODEL.md) */
    public List<ClusterMember> reachable() {
        return members.stream().filter(ClusterMember::isReachable).toList();
    }

    /**
     * @param name a member name
     * @return the member, if this node knows it
     */
    public Optional<ClusterMember> member(String name) {
        for (ClusterMember m : members) {
            if (m.name().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * @param status a status
     * @return the members in it
     */
    public List<ClusterMember> withStatus(MemberStatus status) {
        return members.stream().filter(m -> m.status() == status).toList();
    }
}
