package io.rollcall.core.engine;

/**
 * Beyond Lifeguard: our own evidence that the fault is our ingress, and the hold it puts on us.
 *
 * <p>Lifeguard's nacks say whose fault a failed probe is: a helper that could not reach the target
 * either sends a nack, so a failed probe whose every promised nack arrived points at the target. A
 * failed probe with <i>none</i> of the nacks it asked for points at us: neither the target's ack nor
 * any helper's answer reached us. Lifeguard counts that against our health score (which stretches
 * our deadlines); once {@link #EVIDENCE_TO_HOLD} such probes have failed within
 * {@link EngineConfig#isolationHoldIntervals()} probe intervals of each other, we hold still until that
 * many intervals after the last:
 * we refute no accusation of ourselves. The others hold us suspect, then failed, once, and keep
 * holding us so, instead of watching us come back for seconds between outages (a link that loses
 * ingress 20 s on, 20 s off) or bounce on the few packets that get through (80% loss). Once our probes
 * have answered cleanly for the whole hold, we refute and are alive everywhere again. Our own
 * accusations still go out: Lifeguard already makes a lone accuser's suspicion slow, and a node that
 * stopped accusing could be made to keep members that never answer (a table a hostile peer filled
 * with invented ones) for as long as they stay silent.
 * A probe whose deadline fired late (by more than half a probe interval) is not evidence: its
 * answers may have waited in our own backlog while we were stalled (a GC pause), which Lifeguard
 * already covers, and a stalled node must still refute as soon as it runs again.
 */
final class Isolation extends EnginePart {
    /**
     * Failed probes with every nack missing that start a hold, within one hold's length. One alone can
     * be bad luck: under 10% loss on every link, each promised nack is missing about 19% of the time
     * (the request or the nack lost), all three for about one failed probe in 150, and a healthy node
     * that held its refutation on that one would be declared failed. Two within the hold are one in
     * 20,000 there, and a node that has lost its ingress shows one every probe interval.
     */
    static final int EVIDENCE_TO_HOLD = 2;

    /** When the last {@link #EVIDENCE_TO_HOLD} pieces of evidence came, oldest first. */
    private final long[] evidenceMillis = new long[EVIDENCE_TO_HOLD];
    /** The hold lasts until then (engine clock); set when evidence completes a set. */
    private long holdUntilMillis = Long.MIN_VALUE;

    Isolation(EngineContext context) {
        super(context);
        java.util.Arrays.fill(evidenceMillis, Long.MIN_VALUE);
    }

    /**
     * One of our probes failed.
     *
     * @param expectedNacks the nacks it asked for
     * @param nacks         the nacks that came
     * @param latenessMillis how much later than planned its deadline fired
     */
    void probeFailed(int expectedNacks, int nacks, long latenessMillis) {
        if (config.isolationHoldIntervals() == 0 || expectedNacks == 0 || nacks > 0
                || latenessMillis > config.probeIntervalMillis() / 2) {
            return;
        }
        long now = clock.nowMillis();
        System.arraycopy(evidenceMillis, 1, evidenceMillis, 0, EVIDENCE_TO_HOLD - 1);
        evidenceMillis[EVIDENCE_TO_HOLD - 1] = now;
        counters.isolationEvidence++;
        long hold = config.isolationHoldIntervals() * config.probeIntervalMillis();
        if (evidenceMillis[0] != Long.MIN_VALUE && now - evidenceMillis[0] < hold) {
            holdUntilMillis = Math.max(holdUntilMillis, now + hold);
        }
    }

    /**
     * @return true while the hold lasts: the last {@link #EVIDENCE_TO_HOLD} pieces of evidence came
     *         within one hold of each other, and the last of them less than a hold ago
     */
    boolean holding() {
        return clock.nowMillis() < holdUntilMillis;
    }
}
