package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lifeguard's local health score on its own: bounded, and stretching timeouts by score + 1. */
class AwarenessTest {

    @Test
    void startsHealthyAndLeavesTimeoutsAsTheyAre() {
        Awareness awareness = new Awareness(8);
        assertThat(awareness.score()).isZero();
        assertThat(awareness.scale(500)).isEqualTo(500);
    }

    @Test
    void troubleRaisesTheScoreAndStretchesTimeouts() {
        Awareness awareness = new Awareness(8);
        awareness.apply(1);
        awareness.apply(2);
        assertThat(awareness.score()).isEqualTo(3);
        assertThat(awareness.scale(500)).isEqualTo(2_000);
    }

    @Test
    void theScoreStopsOneBelowTheMaximumMultiplier() {
        Awareness awareness = new Awareness(8);
        awareness.apply(100);
        assertThat(awareness.score()).isEqualTo(7);
        assertThat(awareness.scale(500)).isEqualTo(4_000);
    }

    @Test
    void cleanProbesLowerTheScoreButNeverBelowZero() {
        Awareness awareness = new Awareness(8);
        awareness.apply(2);
        awareness.apply(-1);
        assertThat(awareness.score()).isEqualTo(1);
        awareness.apply(-5);
        assertThat(awareness.score()).isZero();
        awareness.apply(1);
        assertThat(awareness.score()).as("a floor at zero, not a debt below it").isEqualTo(1);
    }

    @Test
    void aMultiplierOfOneNeverStretches() {
        Awareness awareness = new Awareness(1);
        awareness.apply(3);
        assertThat(awareness.score()).isZero();
        assertThat(awareness.scale(500)).isEqualTo(500);
    }
}
