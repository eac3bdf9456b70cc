package io.rollcall.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.sim.report.SimReport;
import org.junit.jupiter.api.Test;

/**
 * Serf's coordinates on the simulated network's geography: the estimates match the injected round
 * trips. A failure prints the report, which names the seed ({@code ./rollcall sim --scenario
 * coordinates --nodes 48 --seed S}).
 */
class CoordinateScenarioTest {
    @Test
    void afterTwoMinutesTheMedianEstimateIsWithinFivePercentOfTheInjectedRoundTrip() {
        for (long seed = 1; seed <= 3; seed++) {
            SimReport report = Scenarios.run(Scenarios.COORDINATES, ScenarioOptions.lan(48, seed));
            assertThat(report.passed()).as(report.format()).isTrue();
            assertThat(report.figure("estimate/true rtt median")).as(report.format()).isBetween(0.95, 1.05);
            assertThat(report.figure("relative error p90")).as(report.format()).isLessThan(0.35);
            assertThat(report.figure("coordinate updates per node")).as(report.format()).isGreaterThan(100);
        }
    }

    @Test
    void withoutTimeToLearnTheEstimatesAreFarOff() {
        // Two probes per node: the figures must be able to show a system that has not converged.
        SimReport report = Scenarios.run(Scenarios.COORDINATES, ScenarioOptions.lan(48, 1).withDuration(2_000));
        assertThat(report.figure("relative error median")).as(report.format()).isGreaterThan(0.3);
    }
}
