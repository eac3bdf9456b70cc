package io.rollcall.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.testkit.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test kit testing user code; docs/API.md quotes these tests (ApiDocSnippetsTest checks it). */
class ShardRouterTest {
    // snippet:testkit
    @Test
    void keysOfACrashedNodeMoveAndNoOthersDo() {
        try (TestCluster cluster = TestCluster.of(5)) {            // n1..n5, joined: milliseconds
            ShardRouter router = new ShardRouter(cluster.node("n1"));
            String before = router.owner("user:42").orElseThrow();
            String other = router.owner("user:7").orElseThrow();

            cluster.crash(before);                                  // silently, like kill -9
            Duration took = cluster.awaitConverged();               // virtual time: seconds of it

            assertThat(router.owner("user:42")).isPresent().get().isNotEqualTo(before);
            if (!other.equals(before)) {
                assertThat(router.owner("user:7")).contains(other);
            }
            assertThat(took).isGreaterThan(Duration.ofSeconds(1));  // real LAN timing, simulated
        }
    }
    // end:testkit

    // snippet:testkit-partition
    @Test
    void eachSideOfAPartitionRoutesToItselfUntilItHeals() {
        try (TestCluster cluster = TestCluster.builder().nodes(4).seed(7).lossRate(0.01).build()) {
            ShardRouter left = new ShardRouter(cluster.node("n1"));
            cluster.partition("n1", "n2");
            cluster.await("n1 to give up on n3 and n4", () -> cluster.node("n1").view().reachable().size() == 2,
                    Duration.ofMinutes(1));
            assertThat(left.owner("user:42")).get().isIn("n1", "n2");

            cluster.heal();
            cluster.awaitConverged();
            assertThat(cluster.node("n1").view().reachable()).hasSize(4);
        }
    }
    // end:testkit-partition
}
