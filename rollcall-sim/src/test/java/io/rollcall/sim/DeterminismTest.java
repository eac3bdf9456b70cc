package io.rollcall.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run is a function of its seed: same seed, same trace; another seed, another trace. */
class DeterminismTest {

    private static List<String> trace(long seed) {
        Simulation sim = new Simulation(seed, EngineConfig.lan(), NetworkModel.lan().withLoss(0.05));
        List<String> trace = new ArrayList<>();
        sim.addObserver((t, node, n) -> trace.add(t + " " + node.name() + " " + describe(n)));
        for (int i = 0; i < 30; i++) {
            sim.addNode();
        }
        SimNode seedNode = sim.nodes().get(0);
        sim.start(seedNode, 1);
        for (int i = 1; i < 30; i++) {
            SimNode n = sim.nodes().get(i);
            sim.at(i * 37L, () -> {
                sim.start(n, 1);
                n.engine().join(List.of(seedNode.address()));
            });
        }
        sim.at(20_000, () -> sim.crash(sim.nodes().get(7)));
        sim.runUntil(60_000);
        trace.add("packets " + sim.packetsSent() + " bytes " + sim.bytesSent() + " events " + sim.eventsProcessed());
        return trace;
    }

    private static String describe(Notification n) {
        if (n instanceof MembershipEvent e) {
            return e.getClass().getSimpleName() + " " + e.member().name() + " " + e.member().incarnation();
        }
        return n.toString();
    }

    @Test
    void theSameSeedReproducesTheRunExactly() {
        List<String> first = trace(42);
        assertThat(first).hasSizeGreaterThan(900);
        assertThat(trace(42)).isEqualTo(first);
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertThat(trace(43)).isNotEqualTo(trace(42));
    }
}
