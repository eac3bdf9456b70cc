package io.rollcall.core.engine;

/**
 * How far one claim may move an incarnation. Without encryption anyone can send a claim, and a
 * claim at the wire's 32-bit maximum used to be final: the accused member could not out-number it,
 * so {@code suspect} then {@code dead} at 2^32-1 made a live node failed for good. Two rules bound
 * what an unauthenticated sender can do instead (docs/MODEL.md, "Incarnation bounds"):
 * <ul>
 *   <li>a claim about a member we know more than {@link #MAX_INCARNATION_JUMP} above the
 *       incarnation we hold is refused and counted ({@link DropReason#INCARNATION_JUMP}); so is a
 *       claim about ourselves whose refutation (one above it) would be, since every peer judges the
 *       refutation against what it holds of us;
 *       the one exception is the member's own entry in the push/pull reply of a stream we opened to
 *       its address, which is how a member whose incarnation legitimately ran ahead of our view
 *       (a long partition) is caught up with;</li>
 *   <li>our own node refutes at most once per {@link #refutationIntervalMillis probe interval};
 *       accusations arriving in between are answered together by one refutation at the interval's
 *       end, so a stream of accusations raises our incarnation by at most
 *       {@code MAX_INCARNATION_JUMP} per interval, instead of without limit at once. Reaching the
 *       32-bit ceiling, where no refutation is possible, then takes 2^32 / 4,096 intervals: about
 *       12 days of sustained attack with the LAN profile's 1 s probe interval.</li>
 * </ul>
 * Legitimate moves stay inside both: refutations and metadata updates move by one, a restart with
 * stored state comes back one above it, a restart with lost state is refuted upward by the gap to
 * the cluster's memory (within the bound unless that life ran more than 4,096 incarnations), and
 * memberlist peers refute at the accusation plus one.
 */
public final class IncarnationRule {
    /** Most an incarnation claimed for a known member may exceed the one we hold for it. */
    public static final long MAX_INCARNATION_JUMP = 4_096;
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private IncarnationRule() {
    }

    /**
     * @param held    the incarnation we hold for the member
     * @param claimed the incarnation a peer claims for it
     * @return true if the claim is further ahead than one peer may move a member
     */
    public static boolean jumpsTooFar(long held, long claimed) {
        return claimed - held > MAX_INCARNATION_JUMP;
    }

    /**
     * @param incarnation an incarnation
     * @return the next one; saturated rather than wrapped, since a wrapped incarnation would lose to
     *         every claim about us
     */
    static long next(long incarnation) {
        return Math.min(UINT32_MAX, incarnation + 1);
    }

    /**
     * @param config the engine's configuration
     * @return the least time between two refutations of ours
     */
    static long refutationIntervalMillis(EngineConfig config) {
        return config.probeIntervalMillis();
    }
}
