package io.rollcall.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.ChangeKind;
import io.rollcall.ClusterMember;
import io.rollcall.MemberStatus;
import io.rollcall.Membership;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipUpdate;
import io.rollcall.MembershipView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class TestClusterTest {

    /** Code a user might write: the set of reachable peers, kept from the change stream. */
    static final class PeerSet implements MembershipListener {
        final Set<String> reachable = new TreeSet<>();
        final List<String> log = new ArrayList<>();
        boolean ended;
        long lastVersion = -1;
        final List<String> gaps = new ArrayList<>();

        PeerSet(Membership membership) {
            membership.subscribe(this);
        }

        @Override
        public void onSnapshot(MembershipView view, boolean resync) {
            reachable.clear();
            view.reachable().forEach(m -> reachable.add(m.name()));
            lastVersion = view.version();
        }

        @Override
        public void onChange(MembershipChange change) {
            if (change.version() != lastVersion + 1) {
                gaps.add(lastVersion + " -> " + change.version());
            }
            lastVersion = change.version();
            log.add(change.member().name() + ":" + change.kind());
            if (change.member().isReachable()) {
                reachable.add(change.member().name());
            } else {
                reachable.remove(change.member().name());
            }
        }

        @Override
        public void onClosed() {
            ended = true;
        }
    }

    private static MemberStatus status(TestCluster c, String at, String of) {
        return c.node(at).view().member(of).map(ClusterMember::status).orElse(null);
    }

    @Test
    void aClusterOfFiveStartsConverged() {
        try (TestCluster cluster = TestCluster.of(5)) {
            for (TestNode n : cluster.nodes()) {
                assertThat(n.view().withStatus(MemberStatus.ALIVE)).extracting(ClusterMember::name)
                        .containsExactly("n1", "n2", "n3", "n4", "n5");
            }
            assertThat(cluster.elapsed()).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aCrashIsDetectedByEveryoneAndSeenByUserCode() {
        try (TestCluster cluster = TestCluster.of(5)) {
            PeerSet peers = new PeerSet(cluster.node("n1"));
            assertThat(peers.reachable).containsExactly("n1", "n2", "n3", "n4", "n5");
            cluster.crash("n2");
            assertThat(cluster.node("n2").isClosed()).isTrue();
            Duration took = cluster.awaitConverged();
            assertThat(peers.reachable).containsExactly("n1", "n3", "n4", "n5");
            assertThat(peers.log).contains("n2:SUSPECTED", "n2:FAILED");
            assertThat(peers.gaps).isEmpty();
            for (String n : List.of("n1", "n3", "n4", "n5")) {
                assertThat(status(cluster, n, "n2")).as(n).isEqualTo(MemberStatus.FAILED);
            }
            // Detection takes seconds of virtual time: LAN timing, as in production.
            assertThat(took).isGreaterThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aLeaveIsSeenAsLeftNotFailedAndEndsTheLeaversStreams() {
        try (TestCluster cluster = TestCluster.of(4)) {
            PeerSet atLeaver = new PeerSet(cluster.node("n4"));
            PeerSet atOther = new PeerSet(cluster.node("n1"));
            cluster.leave("n4");
            assertThat(atLeaver.ended).isTrue();
            cluster.awaitConverged();
            assertThat(status(cluster, "n1", "n4")).isEqualTo(MemberStatus.LEFT);
            assertThat(atOther.log).containsExactly("n4:LEFT");
        }
    }

    @Test
    void aPartitionSplitsTheViewsAndHealingJoinsThem() {
        try (TestCluster cluster = TestCluster.of(5)) {
            cluster.partition("n1", "n2");
            cluster.await("each side to see the other failed", () ->
                    status(cluster, "n1", "n4") == MemberStatus.FAILED && status(cluster, "n4", "n1") == MemberStatus.FAILED
                            && status(cluster, "n2", "n5") == MemberStatus.FAILED && status(cluster, "n3", "n2") == MemberStatus.FAILED,
                    Duration.ofMinutes(2));
            assertThat(cluster.node("n1").view().reachable()).extracting(ClusterMember::name).containsExactly("n1", "n2");
            cluster.heal();
            cluster.awaitConverged();
            assertThat(cluster.node("n1").view().reachable()).hasSize(5);
        }
    }

    @Test
    void aRestartedNodeIsANewHandleAndRejoins() {
        try (TestCluster cluster = TestCluster.of(3)) {
            TestNode first = cluster.node("n3");
            PeerSet oldLife = new PeerSet(first);
            cluster.crash("n3");
            cluster.awaitConverged();
            assertThat(oldLife.ended).isTrue();
            TestNode second = cluster.restart("n3");
            assertThat(second).isNotSameAs(first);
            cluster.awaitConverged();
            assertThat(cluster.node("n1").view().member("n3")).get().satisfies(m -> {
                assertThat(m.status()).isEqualTo(MemberStatus.ALIVE);
                assertThat(m.incarnation()).isGreaterThan(1);
            });
            assertThat(first.view().member("n3")).get().extracting(ClusterMember::status).isEqualTo(MemberStatus.ALIVE);
        }
    }

    @Test
    void whenReachableCompletesAsTheClusterAdvances() {
        try (TestCluster cluster = TestCluster.of(2)) {
            CompletableFuture<ClusterMember> late = cluster.node("n1").whenReachable("late");
            assertThat(late).isNotDone();
            cluster.add("late", Map.of("role", "db"));
            cluster.awaitConverged();
            assertThat(late).isCompleted();
            assertThat(late.join().metadata()).containsEntry("role", "db");
        }
    }

    @Test
    void nodesCanStartWithMetadata() {
        try (TestCluster cluster = TestCluster.builder().node("db", Map.of("role", "db")).node("web", Map.of()).build()) {
            assertThat(cluster.node("web").view().member("db")).get()
                    .satisfies(m -> assertThat(m.metadata()).containsEntry("role", "db"));
        }
    }

    @Test
    void metadataUpdatesSpread() {
        try (TestCluster cluster = TestCluster.of(3)) {
            PeerSet peers = new PeerSet(cluster.node("n1"));
            cluster.node("n2").updateMetadata(Map.of("zone", "b"));
            cluster.await("n1 sees n2's zone", () -> cluster.node("n1").view().member("n2")
                    .map(m -> "b".equals(m.metadata().get("zone"))).orElse(false), Duration.ofSeconds(30));
            assertThat(peers.log).contains("n2:" + ChangeKind.UPDATED);
        }
    }

    @Test
    void theFlowPublisherDeliversOnTheDrivingThread() {
        TestCluster cluster = TestCluster.of(3);
        {
            List<MembershipUpdate> items = new ArrayList<>();
            boolean[] complete = new boolean[1];
            cluster.node("n1").changes().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(MembershipUpdate item) {
                    items.add(item);
                }

                @Override
                public void onError(Throwable t) {
                    throw new AssertionError(t);
                }

                @Override
                public void onComplete() {
                    complete[0] = true;
                }
            });
            cluster.advance(Duration.ZERO);
            assertThat(items).singleElement().isInstanceOf(MembershipView.class);
            cluster.crash("n3");
            cluster.awaitConverged();
            assertThat(items).last().isInstanceOfSatisfying(MembershipChange.class,
                    c -> assertThat(c.kind()).isEqualTo(ChangeKind.FAILED));
            cluster.close();
            assertThat(complete[0]).isTrue();
        }
    }

    @Test
    void theSameSeedReplaysTheSameRun() {
        assertThat(run(42)).isEqualTo(run(42));
    }

    private static List<String> run(long seed) {
        try (TestCluster cluster = TestCluster.builder().seed(seed).nodes(6).lossRate(0.05).build()) {
            PeerSet peers = new PeerSet(cluster.node("n1"));
            cluster.crash("n4");
            cluster.pause("n5");
            cluster.advance(Duration.ofSeconds(3));
            cluster.resume("n5");
            cluster.awaitConverged();
            List<String> out = new ArrayList<>(peers.log);
            out.add("elapsed " + cluster.elapsed().toMillis());
            out.add("version " + cluster.node("n1").view().version());
            return out;
        }
    }

    @Test
    void misuseIsOneClearLine() {
        try (TestCluster cluster = TestCluster.of(2)) {
            assertThatThrownBy(() -> cluster.node("nope")).hasMessageContaining("no node named nope");
            assertThatThrownBy(() -> cluster.add("n1")).hasMessageContaining("already has a node named n1");
            assertThatThrownBy(() -> cluster.restart("n1")).hasMessageContaining("still running");
            assertThatThrownBy(() -> cluster.advance(Duration.ofSeconds(-1))).hasMessageContaining("negative");
            cluster.crash("n2");
            assertThatThrownBy(() -> cluster.awaitConverged(Duration.ofMillis(100))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("seed 1").hasMessageContaining("n1=");
        }
    }
}
