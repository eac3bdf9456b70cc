package io.rollcall.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.engine.EngineConfig;
import org.junit.jupiter.api.Test;

/** The checker really catches what it is there to catch. */
class InvariantCheckerTest {

    @Test
    void flagsAFailureDeclaredAboutAHealthyNode() {
        // Suspicion that can never be refuted in time: a 1 ms probe deadline is impossible to meet
        // across a 5 ms network, so healthy nodes get accused and the checker must notice.
        EngineConfig hairTrigger = EngineConfig.builder().probeIntervalMillis(2).probeTimeoutMillis(1)
                .suspicionMult(1).suspicionMaxTimeoutMult(1).tcpFallbackProbe(false).build();
        Simulation sim = new Simulation(3, hairTrigger, new NetworkModel(5, 0, 5, 0, false, 0));
        for (int i = 0; i < 5; i++) {
            sim.addNode();
        }
        InvariantChecker checker = new InvariantChecker(sim, true);
        sim.addObserver(checker);
        for (SimNode n : sim.nodes()) {
            sim.start(n, 1);
        }
        sim.bootstrapConverged();
        sim.runUntil(2_000);
        assertThat(checker.falseFailures()).isPositive();
        assertThat(checker.violations()).isNotEmpty().allSatisfy(v -> assertThat(v).contains("never crashed"));
    }

    @Test
    void flagsAFailureDeclaredAboutANodeThatLeft() {
        Simulation sim = new Simulation(4, EngineConfig.lan(), NetworkModel.lan());
        for (int i = 0; i < 5; i++) {
            sim.addNode();
        }
        InvariantChecker checker = new InvariantChecker(sim, false);
        sim.addObserver(checker);
        for (SimNode n : sim.nodes()) {
            sim.start(n, 1);
        }
        sim.bootstrapConverged();
        sim.runUntil(3_000);
        // Claim node-2 departed, then kill it without a leave: its failure must be flagged.
        checker.markDeparted("node-2");
        sim.crash(sim.nodes().get(2));
        sim.runUntil(60_000);
        assertThat(checker.failuresAfterLeave()).isPositive();
    }
}
