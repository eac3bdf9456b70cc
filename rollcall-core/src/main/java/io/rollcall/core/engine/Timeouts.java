package io.rollcall.core.engine;

/**
 * memberlist's scaling formulas, as the code (not its comments) computes them. N is the number of
 * live members (alive or suspect) including ourselves.
 */
public final class Timeouts {
    private Timeouts() {
    }

    /**
     * Lifeguard's lower bound on the suspicion timeout: {@code mult x max(1, log10(N)) x probeInterval}.
     *
     * @param suspicionMult   the multiplier (LAN 4)
     * @param liveMembers     N
     * @param probeIntervalMillis probe interval
     * @return the minimum suspicion timeout in milliseconds
     */
    public static long suspicionMinMillis(int suspicionMult, int liveMembers, long probeIntervalMillis) {
        double nodeScale = Math.max(1.0, Math.log10(Math.max(1.0, liveMembers)));
        // memberlist truncates the scale to thousandths before multiplying; so do we, to match its figures.
        long scaleMillis = (long) (nodeScale * 1000);
        return suspicionMult * scaleMillis * probeIntervalMillis / 1000;
    }

    /**
     * @param retransmitMult the multiplier (LAN 4)
     * @param liveMembers    N
     * @return how many times each gossip update is sent: {@code mult x ceil(log10(N + 1))}
     */
    public static int retransmitLimit(int retransmitMult, int liveMembers) {
        int scale = (int) Math.ceil(Math.log10(liveMembers + 1.0));
        return retransmitMult * Math.max(1, scale);
    }

    /**
     * Anti-entropy slows down past 32 members so the cluster-wide stream load stays flat.
     *
     * @param intervalMillis base push/pull interval
     * @param liveMembers    N
     * @return the interval to use
     */
    public static long pushPullIntervalMillis(long intervalMillis, int liveMembers) {
        final int threshold = 32;
        if (liveMembers <= threshold) {
            return intervalMillis;
        }
        double multiplier = Math.ceil(Math.log(liveMembers) / Math.log(2) - Math.log(threshold) / Math.log(2)) + 1.0;
        return (long) (intervalMillis * multiplier);
    }

    /**
     * Lifeguard's shrinking suspicion timeout: from max with no confirmations down to min after k.
     *
     * @param confirmations independent confirmations received so far
     * @param expected      k, the confirmations that bring the timeout down to min
     * @param minMillis     the floor
     * @param maxMillis     the starting value
     * @return the total timeout, measured from when the suspicion started
     */
    public static long suspicionTimeoutMillis(int confirmations, int expected, long minMillis, long maxMillis) {
        if (expected < 1) {
            return minMillis;
        }
        double fraction = Math.log(confirmations + 1.0) / Math.log(expected + 1.0);
        long timeout = (long) Math.floor(maxMillis - fraction * (maxMillis - minMillis));
        return Math.max(timeout, minMillis);
    }

    /**
     * How long after a member crashes every live member holds it DEAD, at most, in a cluster with no
     * other faults. The terms: the crashed member is first probed within 10 protocol periods (every
     * member probes one member per period in its own shuffled order, so with N - 1 probers the chance
     * that none has reached it after t periods is about e^-t: 10 periods leave 1 in 20,000); that
     * probe fails after one probe interval (the deadline of a healthy prober); the suspicion then runs
     * at most the maximum suspicion timeout; the DEAD verdict spreads by gossip within
     * {@code 10 x gossipInterval x ceil(log10(N + 1))}.
     *
     * @param config      the engine configuration
     * @param liveMembers N
     * @return the bound in milliseconds
     */
    public static long crashDetectionBoundMillis(EngineConfig config, int liveMembers) {
        long min = suspicionMinMillis(config.suspicionMult(), liveMembers, config.probeIntervalMillis());
        long max = config.suspicionMaxTimeoutMult() * min;
        long firstProbe = 10 * config.probeIntervalMillis();
        long probe = config.probeIntervalMillis();
        long spread = 10 * config.gossipIntervalMillis() * (long) Math.max(1, Math.ceil(Math.log10(liveMembers + 1.0)));
        return firstProbe + probe + max + spread;
    }
}
