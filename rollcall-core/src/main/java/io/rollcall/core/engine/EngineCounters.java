package io.rollcall.core.engine;

import java.util.EnumMap;
import java.util.Map;

/**
 * What the engine has done, for metrics. Read it from the thread that owns the engine, or take a
 * {@link #snapshot()} there and publish that.
 */
public final class EngineCounters {
    long probesSent;
    long probesFailed;
    long probesUnreachable;
    long indirectProbesSent;
    long tcpFallbackProbes;
    long tcpFallbackSuccesses;
    long suspicionsRaised;
    long deathsDeclared;
    long refutations;
    long pushPullsInitiated;
    long pushPullsServed;
    long reconnectAttempts;
    long gossipPacketsSent;
    long correctionsSent;
    long isolationEvidence;
    long refutationsHeld;
    final EnumMap<DropReason, Long> drops = new EnumMap<>(DropReason.class);

    void drop(DropReason reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    /**
     * Immutable copy of the counters.
     *
     * @param probesSent          probes started
     * @param probesFailed        probes that ended with the target suspected
     * @param probesUnreachable   of those, probes ended early because nothing listened at the target's port
     * @param indirectProbesSent  indirect probe requests sent
     * @param tcpFallbackProbes   stream probes sent
     * @param tcpFallbackSuccesses stream probes that succeeded where UDP failed
     * @param suspicionsRaised    suspicions this node originated
     * @param deathsDeclared      suspicion timeouts this node let expire
     * @param refutations         times this node refuted a claim about itself
     * @param pushPullsInitiated  state exchanges started
     * @param pushPullsServed     state exchanges answered
     * @param reconnectAttempts   state exchanges with dead members or seeds to heal partitions
     * @param gossipPacketsSent   gossip-round packets sent
     * @param correctionsSent     stale claims answered with the newer claim we hold
     * @param isolationEvidence   our probes that failed with every nack asked for missing, on time ({@link Isolation})
     * @param refutationsHeld     accusations of us left unrefuted for now because of it
     * @param drops               inputs ignored, by reason
     */
    public record Snapshot(long probesSent, long probesFailed, long probesUnreachable, long indirectProbesSent, long tcpFallbackProbes,
                           long tcpFallbackSuccesses, long suspicionsRaised, long deathsDeclared, long refutations,
                           long pushPullsInitiated, long pushPullsServed, long reconnectAttempts,
                           long gossipPacketsSent, long correctionsSent, long isolationEvidence,
                           long refutationsHeld, Map<DropReason, Long> drops) {
        /** Copies the map. */
        public Snapshot {
            drops = Map.copyOf(drops);
        }

        /**
         * @param reason a drop reason
         * @return how often inputs were dropped for it
         */
        public long dropped(DropReason reason) {
            return drops.getOrDefault(reason, 0L);
        }
    }

    /** @return the counters now */
    public Snapshot snapshot() {
        return new Snapshot(probesSent, probesFailed, probesUnreachable, indirectProbesSent, tcpFallbackProbes, tcpFallbackSuccesses,
                suspicionsRaised, deathsDeclared, refutations, pushPullsInitiated, pushPullsServed, reconnectAttempts,
                gossipPacketsSent, correctionsSent, isolationEvidence, refutationsHeld, drops);
    }
}
