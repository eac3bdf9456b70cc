package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;

/**
 * Where a claim the gossip rules judge came from, for the decision it may lead to
 * ({@link DecisionRecord}) and for correcting a stale sender.
 *
 * @param via     how it reached us
 * @param from    the peer whose datagram carried it ({@link DecisionRecord.Via#GOSSIP}); null otherwise
 * @param probe   our failed probe's evidence ({@link DecisionRecord.Via#OUR_PROBE}); null otherwise
 * @param verdict our expired suspicion ({@link DecisionRecord.Via#OUR_SUSPICION_TIMEOUT}); null otherwise
 */
record ClaimSource(DecisionRecord.Via via, Endpoint from, DecisionRecord.ProbeEvidence probe,
                   Suspicions.Verdict verdict) {
    /** A claim in a peer's state list. */
    static final ClaimSource STATE_EXCHANGE = new ClaimSource(DecisionRecord.Via.STATE_EXCHANGE, null, null, null);

    /** @return a claim gossiped in a datagram from {@code from} */
    static ClaimSource gossip(Endpoint from) {
        return new ClaimSource(DecisionRecord.Via.GOSSIP, from, null, null);
    }

    /** @return our own accusation after a failed probe */
    static ClaimSource probe(DecisionRecord.ProbeEvidence evidence) {
        return new ClaimSource(DecisionRecord.Via.OUR_PROBE, null, evidence, null);
    }

    /** @return our own verdict when a suspicion ran out */
    static ClaimSource timeout(Suspicions.Verdict verdict) {
        return new ClaimSource(DecisionRecord.Via.OUR_SUSPICION_TIMEOUT, null, null, verdict);
    }

    /** @return the peer to correct if the claim is stale: only a datagram's sender */
    Endpoint correctable() {
        return via == DecisionRecord.Via.GOSSIP ? from : null;
    }
}
