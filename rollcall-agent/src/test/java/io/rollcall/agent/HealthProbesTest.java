package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.MemberStatus;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthProbesTest {
    private final AtomicReference<HealthProbes.Sample> sample =
            new AtomicReference<>(new HealthProbes.Sample(MemberStatus.ALIVE, 1, 0));
    private final AtomicBoolean stopping = new AtomicBoolean();

    private HealthProbes probes(boolean firstNode) {
        return new HealthProbes(sample::get, firstNode, stopping::get);
    }

    @Test
    void aStalledProtocolThreadIsNotLiveAndHoldsOnlyOneQuestion() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        try (HealthProbes p = new HealthProbes(() -> {
            asked.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sample.get();
        }, true, stopping::get)) {
            HealthProbes.Verdict first = p.live();
            HealthProbes.Verdict second = p.live();
            assertThat(first.ok()).isFalse();
            assertThat(first.reason()).startsWith("the protocol thread has not answered for ");
            assertThat(second.ok()).isFalse();
            assertThat(p.ready().reason()).startsWith("the protocol thread has not answered for ");
            assertThat(asked).as("questions put to a stalled protocol thread").hasValue(1);
            release.countDown();
            AgentProcess.await("live once the protocol thread answers", 5_000, () -> p.live().ok(), () -> "not live");
        }
    }

    @Test
    void aNodeIsReadyOnceJoinedAndStaysSo() {
        try (HealthProbes p = probes(false)) {
            assertThat(p.live().ok()).isTrue();
            assertThat(p.ready()).isEqualTo(HealthProbes.Verdict.no("not joined: no other member has been reachable yet"));
            sample.set(new HealthProbes.Sample(MemberStatus.ALIVE, 3, 0));
            assertThat(p.ready().ok()).isTrue();
            // A partition later leaves it ready (and live): it must not take the pod out of service.
            sample.set(new HealthProbes.Sample(MemberStatus.ALIVE, 1, 0));
            assertThat(p.ready().ok()).isTrue();
        }
    }

    @Test
    void theFirstNodeIsReadyAloneButNotWhenUnhealthyOrLeaving() {
        try (HealthProbes p = probes(true)) {
            assertThat(p.ready().ok()).isTrue();
            sample.set(new HealthProbes.Sample(MemberStatus.ALIVE, 1, HealthProbes.READY_HEALTH_SCORE_BELOW - 1));
            assertThat(p.ready().ok()).isTrue();
            sample.set(new HealthProbes.Sample(MemberStatus.ALIVE, 1, HealthProbes.READY_HEALTH_SCORE_BELOW));
            assertThat(p.ready()).isEqualTo(HealthProbes.Verdict.no("Lifeguard health score 4 is not below 4"));
            assertThat(p.live().ok()).as("a high score is no reason to restart").isTrue();
            sample.set(new HealthProbes.Sample(MemberStatus.LEFT, 1, 0));
            assertThat(p.ready()).isEqualTo(HealthProbes.Verdict.no("this node is left in its own view"));
            stopping.set(true);
            assertThat(p.ready()).isEqualTo(HealthProbes.Verdict.no("leaving the cluster"));
            assertThat(p.live().ok()).isTrue();
        }
    }

    @Test
    void aClosedNodeIsNeitherLiveNorReady() {
        try (HealthProbes p = new HealthProbes(() -> {
            throw new IllegalStateException("node is closed");
        }, true, stopping::get)) {
            assertThat(p.live()).isEqualTo(HealthProbes.Verdict.no("the node is not running: node is closed"));
            assertThat(p.ready().ok()).isFalse();
        }
    }
}
