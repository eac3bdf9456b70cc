package io.rollcall.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.engine.DecisionRecord;
import io.rollcall.core.engine.DecisionRecorded;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.MembershipEvent;
import org.junit.jupiter.api.Test;

/** The checker really catches what it is there to catch. */
class InvariantCheckerTest {

    /** @return the checker of {@code nodes} LAN nodes started converged in {@code sim}, 3 s into the run */
    private static InvariantChecker convergedLan(Simulation sim, int nodes) {
        for (int i = 0; i < nodes; i++) {
            sim.addNode();
        }
        InvariantChecker checker = new InvariantChecker(sim, false);
        sim.addObserver(checker);
        for (SimNode n : sim.nodes()) {
            sim.start(n, 1);
        }
        sim.bootstrapConverged();
        sim.runUntil(3_000);
        return checker;
    }

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
        InvariantChecker checker = convergedLan(sim, 5);
        // Claim node-2 departed, then kill it without a leave: its failure must be flagged.
        checker.markDeparted("node-2");
        sim.crash(sim.nodes().get(2));
        sim.runUntil(60_000);
        assertThat(checker.failuresAfterLeave()).isPositive();
    }

    @Test
    void everyFailureInACrashIsExplainedByItsRecordsAndAnUnexplainedOneIsFlagged() {
        Simulation sim = new Simulation(5, EngineConfig.lan(), NetworkModel.lan());
        InvariantChecker checker = convergedLan(sim, 8);
        SimNode victim = sim.nodes().get(3);
        sim.crash(victim);
        sim.runUntil(60_000);
        SimNode observer = sim.nodes().get(0);
        assertThat(observer.engine().decisionRecords(victim.name())).as("seed 5")
                .anySatisfy(r -> assertThat(r).isInstanceOf(DecisionRecord.Failed.class));
        assertThat(checker.unexplainedFailures()).as("seed 5: %s", checker.violations()).isZero();

        // A declaration whose record never comes, and a verdict "here" with no suspicion behind it.
        var member = observer.engine().member(victim.name()).orElseThrow();
        checker.onNotification(61_000, observer, new MembershipEvent.Failed(member));
        checker.onNotification(61_000, observer, new MembershipEvent.Removed(member));
        checker.onNotification(61_001, observer, new DecisionRecorded(victim.name(), new DecisionRecord.Failed(61_001,
                member.incarnation() + 1, DecisionRecord.Via.OUR_SUSPICION_TIMEOUT, observer.name(), null, 60_000, 0, 1_000)));
        assertThat(checker.unexplainedFailures()).isEqualTo(2);
        assertThat(checker.violations()).anySatisfy(v -> assertThat(v).contains("without recording why"))
                .anySatisfy(v -> assertThat(v).contains("with no suspicion of it recorded at that incarnation"));
    }
}
