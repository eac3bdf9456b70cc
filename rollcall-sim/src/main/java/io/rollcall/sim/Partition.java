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
