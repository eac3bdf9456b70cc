package io.rollcall.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.sim.report.SimReport;

import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.Timeouts;
import org.junit.jupiter.api.Test;

/**
 * The simulator scenarios the model's claims rest on. Each runs real engines on a seeded virtual
 * network; a failure prints the whole report, which names the seed that reproduces it
 * ({@code ./rollcall sim --scenario NAME --nodes N --seed S}).
 */
class ScenarioTest {

    private static SimReport run(String scenario, ScenarioOptions options) {
        SimReport report = Scenarios.run(scenario, options);
        assertThat(report.passed()).as(report.format()).isTrue();
        assertThat(report.figure("false failure declarations")).as(report.format()).isZero();
        assertThat(report.figure("incarnation regressions")).as(report.format()).isZero();
        return report;
    }

    @Test
    void twoHundredNodesJoinThroughOneSeedAndConverge() {
        SimReport report = run("join", ScenarioOptions.lan(200, 11));
        assertThat(report.figure("every node sees all 200 alive after s")).as(report.format()).isFinite();
    }

    @Test
    void aCrashedNodeIsFailedEverywhereWithinTheModelBound() {
        for (long seed = 1; seed <= 3; seed++) {
            SimReport report = run("crash", ScenarioOptions.lan(100, seed));
            double bound = Timeouts.crashDetectionBoundMillis(EngineConfig.lan(), 100) / 1000.0;
            assertThat(report.figure("failed at every survivor after s")).as(report.format()).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void portUnreachableAnswersMakeCrashDetectionFasterAndStayWithinTheBound() {
        double bound = Timeouts.crashDetectionBoundMillis(EngineConfig.lan(), 100) / 1000.0;
        double sumWith = 0;
        double sumWithout = 0;
        for (long seed = 1; seed <= 5; seed++) {
            ScenarioOptions options = ScenarioOptions.lan(100, seed);
            SimReport without = run("crash", options);
            SimReport with = run("crash", options.withNetwork(options.network().withPortUnreachable(true)));
            assertThat(with.figure("failed at every survivor after s")).as(with.format()).isLessThanOrEqualTo(bound);
            assertThat(with.figure("first suspicion after s")).as("seed %d: %s%s", seed, with.format(), without.format())
                    .isLessThan(without.figure("first suspicion after s"));
            sumWith += with.figure("failed at every survivor after s");
            sumWithout += without.figure("failed at every survivor after s");
        }
        assertThat(sumWith).isLessThan(sumWithout);
    }

    @Test
    void everyMemberIsProbedOncePerRoundSoACrashIsFirstProbedWithinTwoIntervals() {
        // With port-unreachable answers the first probe of the crashed node is its first suspicion.
        // Under independent random orders a crash waits over two intervals in about one run of seven.
        for (long seed = 1; seed <= 20; seed++) {
            ScenarioOptions options = ScenarioOptions.lan(32, seed);
            SimReport report = run("crash", options.withNetwork(options.network().withPortUnreachable(true)));
            assertThat(report.figure("first suspicion after s")).as(report.format()).isLessThan(2.0);
        }
    }

    @Test
    void clocksThatDisagreeCostOnlyTheCoordinationOfProbes() {
        // Wall clocks up to 30 probe intervals apart: the rounds no longer line up, nothing else changes.
        double bound = Timeouts.crashDetectionBoundMillis(EngineConfig.lan(), 100) / 1000.0;
        for (long seed = 1; seed <= 3; seed++) {
            ScenarioOptions options = ScenarioOptions.lan(100, seed);
            ScenarioOptions skewed = options.withNetwork(options.network().withClockSkew(30_000));
            SimReport crash = run("crash", skewed);
            assertThat(crash.figure("failed at every survivor after s")).as(crash.format()).isLessThanOrEqualTo(bound);
            SimReport pause = run("pause", skewed);
            assertThat(pause.figure("failed declarations about the paused node")).as(pause.format()).isZero();
        }
    }

    @Test
    void portUnreachableAnswersNeverFailAPausedOrLossyNode() {
        for (long seed = 1; seed <= 3; seed++) {
            ScenarioOptions options = ScenarioOptions.lan(50, seed);
            SimReport report = run("pause", options.withNetwork(options.network().withPortUnreachable(true)));
            assertThat(report.figure("failed declarations about the paused node")).as(report.format()).isZero();
        }
        ScenarioOptions lossy = ScenarioOptions.lan(100, 5).withLoss(0.10).withDuration(120_000);
        run("loss", lossy.withNetwork(lossy.network().withPortUnreachable(true)));
    }

    @Test
    void aLeavingNodeIsLeftEverywhereAndNeverFailed() {
        for (long seed = 1; seed <= 3; seed++) {
            SimReport report = run("leave", ScenarioOptions.lan(100, seed));
            assertThat(report.figure("failed declarations about the leaver")).as(report.format()).isZero();
            assertThat(report.figure("left at every node after s")).as(report.format()).isFinite();
        }
    }

    @Test
    void tenPercentLossForFiveMinutesDeclaresNoLiveNodeFailed() {
        run("loss", ScenarioOptions.lan(100, 5).withLoss(0.10).withDuration(300_000));
    }

    @Test
    void tenPercentLossWithoutTheTcpFallbackStillDeclaresNoLiveNodeFailed() {
        // Without the reliable fallback probe, only indirect probes and Lifeguard stand between loss
        // and false accusations.
        EngineConfig udpOnly = EngineConfig.lan().toBuilder().tcpFallbackProbe(false).build();
        SimReport report = run("loss", ScenarioOptions.lan(100, 6).withConfig(udpOnly).withLoss(0.10).withDuration(300_000));
        assertThat(report.figure("suspicions raised")).as(report.format()).isPositive();
    }

    @Test
    void aNodePausedForLessThanTheSuspicionTimeoutIsNeverFailed() {
        for (long seed = 1; seed <= 3; seed++) {
            SimReport report = run("pause", ScenarioOptions.lan(50, seed));
            assertThat(report.figure("failed declarations about the paused node")).as(report.format()).isZero();
        }
    }

    @Test
    void aRestartedNodeRefutesItsOldDeathAndIsAliveEverywhere() {
        SimReport report = run("restart", ScenarioOptions.lan(50, 7));
        assertThat(report.figure("restarted node's incarnation")).as(report.format()).isGreaterThan(1);
    }

    @Test
    void aSixtySecondHalfAndHalfPartitionHealsIntoOneCluster() {
        for (long seed = 1; seed <= 2; seed++) {
            SimReport report = run("partition-heal", ScenarioOptions.lan(60, seed).withDuration(60_000));
            assertThat(report.figure("one cluster again after healing, s")).as(report.format()).isFinite();
        }
    }

    @Test
    void aOneWayPartitionSettlesInsteadOfFlappingAndHeals() {
        SimReport report = run("one-way", ScenarioOptions.lan(40, 3));
        assertThat(report.figure("membership changes in the last third of the partition")).as(report.format()).isZero();
    }

    @Test
    void anUnauthenticatedIncarnationAttackFailsNoNodeAndClimbsWithinTheBound() {
        for (long seed = 1; seed <= 2; seed++) {
            SimReport report = run("incarnation-attack", ScenarioOptions.lan(30, seed).withDuration(30_000));
            assertThat(report.figure("failed declarations about the victim")).as(report.format()).isZero();
            assertThat(report.figure("victim's incarnation climbed by")).as(report.format())
                    .isLessThanOrEqualTo(report.figure("climb bound (intervals x jump)"));
        }
    }
}
