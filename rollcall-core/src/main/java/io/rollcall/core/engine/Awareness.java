package io.rollcall.core.engine;

/**
 * Lifeguard's local health score. A node that misses its own deadlines (overloaded, paused, its
 * network degraded) sees its probes fail for reasons that are its own; counting those failures and
 * stretching its probe deadline stops it from accusing healthy members.
 */
final class Awareness {
    private final int maxScore;
    private int score;

    /** @param maxMultiplier the deadline stretches at most to this multiple; score is 0..maxMultiplier-1 */
    Awareness(int maxMultiplier) {
        this.maxScore = maxMultiplier - 1;
    }

    /** @param delta positive when we showed signs of trouble, negative after a clean probe */
    void apply(int delta) {
        score = Math.max(0, Math.min(maxScore, score + delta));
    }

    /** @return the current score; 0 is healthy */
    int score() {
        return score;
    }

    /**
     * @param millis a timeout sized for a healthy node
     * @return the timeout stretched by our current health
     */
    long scale(long millis) {
        return millis * (score + 1);
    }
}
