package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;

/**
 * A member announced a name that a live member holds at another address. The announcement was
 * ignored (the live member keeps its name), as memberlist does; this tells the owner once per name and
 * claimed address, so the operator reads about it instead of meeting an invisible node.
 *
 * @param name      the name both claim
 * @param holder    the address the name is held at ({@code self}'s own address when it is our name)
 * @param claimant  the other address announced for it
 * @param ours      whether the name is this node's own
 */
public record NameConflict(String name, Endpoint holder, Endpoint claimant, boolean ours) implements Notification {
    /** @return one line for the log */
    public String line() {
        return ours
                ? "another member claims our name '" + name + "' at " + claimant + " (we are at " + holder + "); names must be unique"
                : "name conflict: '" + name + "' is held at " + holder + " and claimed at " + claimant + "; the claim is ignored";
    }
}
