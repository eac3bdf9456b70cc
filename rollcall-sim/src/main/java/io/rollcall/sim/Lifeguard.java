package io.rollcall.sim;

import io.rollcall.core.engine.EngineConfig;

/**
 * Turns the engine's Lifeguard extensions off, for the simulator's comparison with plain SWIM
 * ({@code rollcall sim --lifeguard off}, and the {@code slow} scenario's twin run). Nothing new in
 * the engine: two of its timing fields set to 1, and the isolation hold built on Lifeguard's nacks set
 * to 0, are SWIM without Lifeguard.
 * <ul>
 *   <li>{@code awarenessMaxMultiplier = 1}: the local health score can only be 0, so the probe
 *       deadline is always one probe interval. That removes the local health multiplier and with it
 *       what nacks and missed nacks feed (nacks are still sent and counted, and change nothing).</li>
 *   <li>{@code suspicionMaxTimeoutMult = 1}: the maximum suspicion timeout equals the minimum, so a
 *       suspicion always runs the fixed SWIM timeout ({@code suspicionMult x log10(N) x interval},
 *       memberlist's before Lifeguard) and confirmations shorten nothing.</li>
 *   <li>{@code isolationHoldIntervals = 0}: no isolation hold, the mechanism beyond Lifeguard built on
 *       its missed-nack signal (a node whose probes fail with every nack missing holds its refutations), so that the comparison is with plain SWIM.</li>
 * </ul>
 * The buddy system (a probe of a suspect carries the suspicion) stays: it is part of the probe
 * message, not a setting. {@code awarenessMaxMultiplier} is not reachable from
 * {@code RollcallConfig} or the agent's configuration, so this switch exists only here.
 */
public final class Lifeguard {
    private Lifeguard() {
    }

    /**
     * @param config an engine configuration
     * @return the same configuration with Lifeguard's local health and dynamic suspicion timeout off, and the isolation hold
     */
    public static EngineConfig off(EngineConfig config) {
        return config.toBuilder().awarenessMaxMultiplier(1).suspicionMaxTimeoutMult(1).isolationHoldIntervals(0).build();
    }
}
