package io.rollcall.core;

/**
 * How two claims about one member are ordered. A claim is an (incarnation, state) pair. The order is
 * total, so applying any set of claims in any order ends in the same place: the greatest claim.
 * <ol>
 *   <li>a higher incarnation wins, whatever the states;</li>
 *   <li>at equal incarnation LEFT beats DEAD beats SUSPECT beats ALIVE.</li>
 * </ol>
 * LEFT beating DEAD at equal incarnation is our choice (memberlist keeps whichever came first): the
 * member said itself that it was leaving, which is better information than a timeout, and it makes
 * "a node that leaves is shown as left everywhere" hold even where a probe raced the announcement.
 */
public final class Precedence {
    private Precedence() {
    }

    /**
     * @param newIncarnation incarnation of the incoming claim (unsigned 32-bit, held in a long)
     * @param newState       state of the incoming claim
     * @param oldIncarnation incarnation currently held
     * @param oldState       state currently held
     * @return true if the incoming claim is strictly newer and must replace the held one
     */
    public static boolean supersedes(long newIncarnation, MemberState newState, long oldIncarnation, MemberState oldState) {
        if (newIncarnation != oldIncarnation) {
            return newIncarnation > oldIncarnation;
        }
        return rank(newState) > rank(oldState);
    }

    private static int rank(MemberState state) {
        return switch (state) {
            case ALIVE -> 0;
            case SUSPECT -> 1;
            case DEAD -> 2;
            case LEFT -> 3;
        };
    }
}
