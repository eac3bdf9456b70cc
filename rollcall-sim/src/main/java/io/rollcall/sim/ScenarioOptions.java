package io.rollcall.sim;

import io.rollcall.core.engine.EngineConfig;
import java.util.Objects;

/**
 * Parameters of a scenario run.
 *
 * @param nodes          cluster size
 * @param seed           the seed every random choice derives from
 * @param config         engine configuration for every node
 * @param network        network model (the loss scenario adds its own loss)
 * @param durationMillis how long the scenario's fault lasts; 0 means the scenario's default
 *                       (loss 300 s, partition-heal 60 s, one-way 300 s)
 * @param pauseMillis    pause scenario: how long the node stalls; 0 means one second less than the
 *                       minimum suspicion timeout
 * @param lossRate       loss scenario: the datagram loss rate
 */
public record ScenarioOptions(int nodes, long seed, EngineConfig config, NetworkModel network, long durationMillis,
                              long pauseMillis, double lossRate) {
    /** Validates the fields. */
    public ScenarioOptions {
        if (nodes < 2) {
            throw new IllegalArgumentException("a scenario needs at least 2 nodes, got " + nodes);
        }
        if (nodes > 100_000) {
            throw new IllegalArgumentException("at most 100000 nodes, got " + nodes);
        }
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(network, "network");
        if (durationMillis < 0 || pauseMillis < 0) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (lossRate < 0 || lossRate >= 1) {
            throw new IllegalArgumentException("loss rate must be within [0, 1), got " + lossRate);
        }
    }

    /**
     * @param nodes cluster size
     * @param seed  seed
     * @return LAN timing, LAN network, scenario defaults, 10% loss for the loss scenario
     */
    public static ScenarioOptions lan(int nodes, long seed) {
        return new ScenarioOptions(nodes, seed, EngineConfig.lan(), NetworkModel.lan(), 0, 0, 0.10);
    }

    /** @param millis fault duration @return a copy with it */
    public ScenarioOptions withDuration(long millis) {
        return new ScenarioOptions(nodes, seed, config, network, millis, pauseMillis, lossRate);
    }

    /** @param millis pause length @return a copy with it */
    public ScenarioOptions withPause(long millis) {
        return new ScenarioOptions(nodes, seed, config, network, durationMillis, millis, lossRate);
    }

    /** @param rate loss rate @return a copy with it */
    public ScenarioOptions withLoss(double rate) {
        return new ScenarioOptions(nodes, seed, config, network, durationMillis, pauseMillis, rate);
    }

    /** @param engineConfig engine configuration @return a copy with it */
    public ScenarioOptions withConfig(EngineConfig engineConfig) {
        return new ScenarioOptions(nodes, seed, engineConfig, network, durationMillis, pauseMillis, lossRate);
    }

    /** @param model network model @return a copy with it */
    public ScenarioOptions withNetwork(NetworkModel model) {
        return new ScenarioOptions(nodes, seed, config, model, durationMillis, pauseMillis, lossRate);
    }
}
