package io.rollcall.sim;

/**
 * A fixed one-way delay per pair of nodes, on top of the network model's random latency: the
 * geography of a simulated network, which a network-coordinate system can learn (the model's
 * latency is drawn anew for every datagram and so has no structure to learn).
 */
@FunctionalInterface
public interface LinkDelays {
    /** No geography: every pair is as near as every other. */
    LinkDelays NONE = (from, to) -> 0;

    /**
     * @param from the sender
     * @param to   the receiver
     * @return milliseconds added to every datagram from {@code from} to {@code to}
     */
    long oneWayMillis(SimNode from, SimNode to);
}
