package io.rollcall.core.message;

/** A membership claim about one member, disseminated by gossip: suspect, alive or dead. */
public sealed interface GossipMessage extends Message permits Suspect, Alive, Dead {
    /** @return the member the claim is about */
    String node();

    /** @return the member's incarnation the claim refers to */
    long incarnation();
}
