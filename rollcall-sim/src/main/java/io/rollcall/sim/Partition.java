package io.rollcall.sim;

import java.util.BitSet;

/** A rule that blocks traffic from one simulated node to another. */
public interface Partition {
    /**
     * @param from sending node index
     * @param to   receiving node index
     * @return true if traffic from {@code from} to {@code to} is dropped
     */
    boolean blocks(int from, int to);

    /** @param node a node index @return true if this partition involves the node at all */
    boolean involves(int node);

    /**
     * @return true if a sender learns at once that its traffic across this partition cannot leave
     *         (its link or route is down: a stream fails with "network unreachable" instead of timing
     *         out); false if the traffic is dropped silently on the way
     */
    default boolean failsLocally() {
        return false;
    }

    /**
     * As {@link #split}, but with the link down rather than a silent drop: a node that opens a stream
     * across it is refused at once, as by a route that is gone, and its datagrams never leave.
     *
     * @param sideA the nodes on one side; all others are on the other
     * @return the partition
     */
    static Partition linkDown(BitSet sideA) {
        Partition cut = split(sideA);
        return new Partition() {
            @Override
            public boolean blocks(int from, int to) {
                return cut.blocks(from, to);
            }

            @Override
            public boolean involves(int node) {
                return true;
            }

            @Override
            public boolean failsLocally() {
                return true;
            }
        };
    }

    /**
     * Everything sent to {@code receivers} from any other node is dropped; what they send still
     * arrives (a node whose ingress is lost).
     *
     * @param receivers the nodes whose incoming traffic is lost
     * @return the partition
     */
    static Partition ingress(BitSet receivers) {
        BitSet copy = (BitSet) receivers.clone();
        return new Partition() {
            @Override
            public boolean blocks(int from, int to) {
                return copy.get(to) && from != to;
            }

            @Override
            public boolean involves(int node) {
                return copy.get(node);
            }
        };
    }

    /**
     * Splits the cluster in two; nothing crosses in either direction.
     *
     * @param sideA the nodes on one side; all others are on the other
     * @return the partition
     */
    static Partition split(BitSet sideA) {
        BitSet copy = (BitSet) sideA.clone();
        return new Partition() {
            @Override
            public boolean blocks(int from, int to) {
                return copy.get(from) != copy.get(to);
            }

            @Override
            public boolean involves(int node) {
                return true;
            }
        };
    }

    /**
     * Traffic from {@code senders} to everyone else is dropped; the reverse direction works.
     *
     * @param senders the nodes whose outgoing traffic to the others is lost
     * @return the partition
     */
    static Partition oneWay(BitSet senders) {
        BitSet copy = (BitSet) senders.clone();
        return new Partition() {
            @Override
            public boolean blocks(int from, int to) {
                return copy.get(from) && !copy.get(to);
            }

            @Override
            public boolean involves(int node) {
                return true;
            }
        };
    }
}
