package io.rollcall.core.coordinate;

/**
 * The tuning of the coordinate system. Every node of a cluster must use the same dimensionality, or
 * their coordinates cannot be compared; {@link #SERF} is Serf's default, which every Serf agent uses.
 *
 * @param dimensionality       components of the Euclidean part of a coordinate
 * @param errorMax             the error of a coordinate that has seen nothing yet, and its upper bound
 * @param errorGain            how much one observation may move our error estimate (Vivaldi's c_e)
 * @param positionGain         how much one observation may move our coordinate (Vivaldi's c_c)
 * @param adjustmentWindow     observations averaged into the adjustment term; 0 turns it off
 * @param heightMinSeconds     the smallest height, in seconds
 * @param latencyFilterSamples round trips per peer whose median is used (a moving median filter)
 * @param gravityRhoSeconds    distance from the origin at which gravity's pull equals one second, in seconds
 */
public record VivaldiConfig(int dimensionality, double errorMax, double errorGain, double positionGain,
                            int adjustmentWindow, double heightMinSeconds, int latencyFilterSamples,
                            double gravityRhoSeconds) {
    /** Serf's defaults (coordinate.DefaultConfig): 8 dimensions, error 1.5, gains 0.25, window 20, height 10 us, filter 3, rho 150. */
    public static final VivaldiConfig SERF = new VivaldiConfig(8, 1.5, 0.25, 0.25, 20, 10.0e-6, 3, 150.0);

    /** Validates the fields. */
    public VivaldiConfig {
        if (dimensionality < 1 || adjustmentWindow < 0 || latencyFilterSamples < 1) {
            throw new IllegalArgumentException("dimensionality and latency filter need at least 1, the window at least 0");
        }
        if (!(errorMax > 0) || !(errorGain > 0) || !(positionGain > 0) || !(heightMinSeconds >= 0)
                || !(gravityRhoSeconds > 0)) {
            throw new IllegalArgumentException("the error bound, gains and rho must be positive, the height at least 0");
        }
    }
}
