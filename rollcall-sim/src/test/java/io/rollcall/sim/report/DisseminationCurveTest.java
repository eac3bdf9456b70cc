package io.rollcall.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The fraction-informed curve of a hand-made trace. */
class DisseminationCurveTest {
    // Five nodes should learn; one never does, two learn at the same moment.
    private final DisseminationCurve curve = new DisseminationCurve(new long[] {300, -1, 100, 300, 1_200}, 5);

    @Test
    void fractionCountsNodesThatLearnedByThenInclusive() {
        assertThat(curve.fractionAt(0)).isEqualTo(0.0);
        assertThat(curve.fractionAt(99)).isEqualTo(0.0);
        assertThat(curve.fractionAt(100)).isEqualTo(0.2);
        assertThat(curve.fractionAt(299)).isEqualTo(0.2);
        assertThat(curve.fractionAt(300)).isEqualTo(0.6);
        assertThat(curve.fractionAt(5_000)).isEqualTo(0.8);
        assertThat(curve.learned()).isEqualTo(4);
        assertThat(curve.complete()).isFalse();
    }

    @Test
    void timeToReachAFractionIsTheFirstTimeItHeld() {
        assertThat(curve.millisToReach(0.2)).isEqualTo(100);
        assertThat(curve.millisToReach(0.5)).isEqualTo(300);
        assertThat(curve.millisToReach(0.6)).isEqualTo(300);
        assertThat(curve.millisToReach(0.8)).isEqualTo(1_200);
        assertThat(curve.millisToReach(1)).isEqualTo(-1);
        assertThat(new DisseminationCurve(new long[] {5, 7}, 2).millisToReach(1)).isEqualTo(7);
    }

    @Test
    void stepsRiseAtEachDistinctTime() {
        double[][] steps = curve.steps();
        assertThat(steps[0]).containsExactly(0, 0.1, 0.1, 0.3, 0.3, 1.2, 1.2);
        assertThat(steps[1]).containsExactly(0, 0, 0.2, 0.2, 0.6, 0.6, 0.8);
    }

    @Test
    void moreLearnersThanExpectedIsAnError() {
        assertThatThrownBy(() -> new DisseminationCurve(new long[] {1, 2, 3}, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
