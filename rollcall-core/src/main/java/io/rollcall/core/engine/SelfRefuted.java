package io.rollcall.core.engine;

import io.rollcall.core.Member;

/**
 * We raised our own incarnation to refute a claim about us. Not a membership change (we were
 * alive and still are), so no {@link MembershipEvent}; it lets the owner's view of us show the
 * incarnation the cluster now holds.
 *
 * @param self this node after the refutation
 */
public record SelfRefuted(Member self) implements Notification {
}
