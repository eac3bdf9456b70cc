package io.rollcall.core.engine;

/**
 * Beyond Lifeguard: our own evidence that the fault is our ingress, and the hold it puts on us.
 *
 * <p>Lifeguard's nacks say whose fault a failed probe is: a helper that could not reach the target
 * either sends a nack, so a failed probe whose every promised nack arrived points at the target. A
 * failed probe with <i>none</i> of the nacks it asked for points at us: neither the target's ack nor
 * any helper's answer reached us. Lifeguard counts that against our health score (which stretches
 * our deadlines); we also hold still for {@link EngineConfig#isolationHoldIntervals()} probe intervals
 * after the last such probe:
 * <ul>
 *   <li>we accuse nobody on our own probes: they fail because of us;</li>
 *   <li>we refute no accusation of ourselves: the others hold us suspect, then failed, once, and keep
 *       holding us so, instead of watching us come back for seconds between outages (a link that loses
 *       ingress 20 s on, 20 s off) or bounce on the few packets that get through (80% loss). Once our
 *       probes have answered cleanly for the whole hold, we refute and are alive everywhere again.</li>
 * </ul>
 * A probe whose deadline fired late (by more than half a probe interval) is not evidence: its
 * answers may have waited in our own backlog while we were stalled (a GC pause), which Lifeguard
 * already covers, and a stalled node must still refute as soon as it runs again.
 */
final class Isolation extends EnginePart {
    private long lastEvidenceMillis = Long.MIN_VALUE;

    Isolation(EngineContext context) {
        super(context);
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
        lastEvidenceMillis = clock.nowMillis();
        counters.isolationEvidence++;
    }

    /** @return true while the hold lasts: since the last evidence, fewer than the hold's probe intervals have passed */
    boolean holding() {
        return lastEvidenceMillis != Long.MIN_VALUE
                && clock.nowMillis() - lastEvidenceMillis < config.isolationHoldIntervals() * config.probeIntervalMillis();
    }
}
