package io.rollcall.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rollcall.Profile;
import io.rollcall.Rollcall;
import io.rollcall.RollcallConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RollcallMetricsTest {
    private static Rollcall start(String name) throws Exception {
        return Rollcall.start(RollcallConfig.builder(name).bind("127.0.0.1:0").profile(Profile.LOCAL).build());
    }

    @Test
    void aNodesMetricsReachAnyRegistry() throws Exception {
        try (Rollcall a = start("metrics-a"); Rollcall b = start("metrics-b")) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RollcallMetrics metrics = new RollcallMetrics(a, io.micrometer.core.instrument.Tags.of("node", "metrics-a"), Duration.ZERO);
            metrics.bindTo(registry);
            b.join(List.of(a.address())).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (registry.get("rollcall.members").tag("state", "alive").gauge().value() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(registry.get("rollcall.members").tag("state", "alive").tag("node", "metrics-a").gauge().value()).isEqualTo(2);
            assertThat(registry.get("rollcall.members").tag("state", "failed").gauge().value()).isZero();
            assertThat(registry.get("rollcall.bytes.in").functionCounter().count()).isPositive();
            assertThat(registry.get("rollcall.health.score").gauge().value()).isZero();
            metrics.refresh();
            // Message types are registered as they first occur: a join is a push-pull exchange.
            assertThat(registry.find("rollcall.messages.in").functionCounters()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.getId().getTag("type")).isNotBlank());
        }
    }

    @Test
    void theMetersOutliveTheBindersReference() throws Exception {
        try (Rollcall a = start("metrics-gc")) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new RollcallMetrics(a).bindTo(registry);
            System.gc();
            assertThat(registry.get("rollcall.members").tag("state", "alive").gauge().value()).isEqualTo(1);
            assertThat(registry.get("rollcall.probes.sent").functionCounter().count()).isNotNaN();
        }
    }
}
