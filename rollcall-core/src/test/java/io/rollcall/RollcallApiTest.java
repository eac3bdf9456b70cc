package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.Timeouts;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public API on the real transport, five nodes in one process on loopback. */
class RollcallApiTest {
    private final LoopbackNodes loopback = new LoopbackNodes();
    private final List<Rollcall> nodes = loopback.all();

    @AfterEach
    void closeAll() {
        loopback.close();
    }

    private Rollcall node(String name) throws IOException {
        return loopback.node(name);
    }

    private Rollcall node(RollcallConfig.Builder builder) throws IOException {
        return loopback.node(builder);
    }

    private static void await(String what, BooleanSupplier condition, Supplier<String> seen) {
        LoopbackNodes.await(what, TimeUnit.SECONDS.toMillis(20), condition, seen);
    }

    private static void await(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> seen) {
        LoopbackNodes.await(what, timeoutMillis, condition, seen);
    }

    private String views() {
        return nodes.stream().map(n -> {
            try {
                return n.name() + "=" + n.view().members().stream().map(m -> m.name() + ":" + m.status())
                        .collect(Collectors.joining(","));
            } catch (IllegalStateException closed) {
                return n.name() + "=closed";
            }
        }).collect(Collectors.joining(" | "));
    }

    private List<Rollcall> cluster(int size) throws Exception {
        List<Rollcall> c = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            c.add(node("n" + i));
        }
        for (int i = 1; i < size; i++) {
            assertThat(c.get(i).join(List.of(c.get(0).address())).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        await("all " + size + " reachable everywhere", () -> c.stream().allMatch(n -> n.view().reachable().size() == size
                && n.view().withStatus(MemberStatus.ALIVE).size() == size), this::views);
        return c;
    }

    @Test
    void fiveNodesConverge() throws Exception {
        List<Rollcall> c = cluster(5);
        MembershipView view = c.get(3).view();
        assertThat(view.local().name()).isEqualTo("n3");
        assertThat(view.members()).extracting(ClusterMember::name).containsExactly("n0", "n1", "n2", "n3", "n4");
        assertThat(view.member("n1")).get().extracting(ClusterMember::status).isEqualTo(MemberStatus.ALIVE);
        assertThat(view.version()).isPositive();
    }

    @Test
    void aLateSubscriberGetsTheSnapshotThenEveryChangeOnce() throws Exception {
        List<Rollcall> c = cluster(3);
        RecordingListener late = new RecordingListener();
        try (Subscription s = c.get(0).subscribe(late)) {
            await("snapshot delivered", () -> !late.snapshots().isEmpty(), () -> "nothing");
            MembershipView first = late.snapshots().get(0);
            assertThat(first.members()).extracting(ClusterMember::name).containsExactly("n0", "n1", "n2");
            Rollcall fourth = node("n3");
            fourth.join(List.of(c.get(1).address())).get(10, TimeUnit.SECONDS);
            await("n3 joined seen by the late subscriber", () -> late.kindsFor("n3").contains(ChangeKind.JOINED), this::views);
            assertThat(late.changes().get(0).version()).isEqualTo(first.version() + 1);
            assertThat(late.kindsFor("n3")).containsExactly(ChangeKind.JOINED);
            assertThat(late.gaps()).isEmpty();
            assertThat(s.resyncs()).isZero();
        }
    }

    @Test
    void failuresAndDeparturesReachEverySubscriberInOrderExactlyOnce() throws Exception {
        List<Rollcall> c = cluster(5);
        List<RecordingListener> listeners = new ArrayList<>();
        for (Rollcall n : c.subList(0, 3)) {
            RecordingListener l = new RecordingListener();
            n.subscribe(l);
            listeners.add(l);
        }
        c.get(4).leave(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        c.get(4).close();
        // A hard stop: the node vanishes without a word, as a crashed process would.
        Rollcall crashed = c.get(3);
        var field = Rollcall.class.getDeclaredField("node");
        field.setAccessible(true);
        ((io.rollcall.core.node.LiveNode) field.get(crashed)).close();
        // Waits as long as the model allows for a crash among 4 live members (docs/MODEL.md), plus
        // slack for a loaded machine: a fixed 20 s was below that bound and failed now and then.
        long bound = Timeouts.crashDetectionBoundMillis(EngineConfig.local(), 4) + 5_000;
        await("n4 left and n3 failed at every subscriber", bound, () -> listeners.stream().allMatch(l ->
                l.kindsFor("n4").contains(ChangeKind.LEFT) && l.kindsFor("n3").contains(ChangeKind.FAILED)), this::views);
        for (RecordingListener l : listeners) {
            assertThat(l.kindsFor("n4")).as("departure").containsExactly(ChangeKind.LEFT);
            assertThat(l.kindsFor("n3")).as("failure").endsWith(ChangeKind.FAILED)
                    .containsOnlyOnce(ChangeKind.FAILED).doesNotContain(ChangeKind.LEFT);
            assertThat(l.gaps()).isEmpty();
        }
        assertThat(c.get(0).view().member("n4")).get().extracting(ClusterMember::status).isEqualTo(MemberStatus.LEFT);
        assertThat(c.get(0).view().reachable()).extracting(ClusterMember::name).containsExactly("n0", "n1", "n2");
    }

    @Test
    void aSlowListenerIsResynchronisedNeverGivenAGap() throws Exception {
        Rollcall a = node(RollcallConfig.builder("a").bind("127.0.0.1:0").profile(Profile.LOCAL).subscriberBufferSize(2));
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener record = new RecordingListener();
        MembershipListener slow = new MembershipListener() {
            @Override
            public void onSnapshot(MembershipView view, boolean resync) {
                record.onSnapshot(view, resync);
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onChange(MembershipChange change) {
                record.onChange(change);
            }
        };
        Subscription s = a.subscribe(slow);
        for (int i = 0; i < 4; i++) {
            node("b" + i).join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        }
        await("a sees five", () -> a.view().reachable().size() == 5, this::views);
        release.countDown();
        long current = a.view().version();
        await("the slow listener caught up to version " + current, () -> record.lastVersion() >= current,
                () -> record.snapshots().size() + " snapshots, last version " + record.lastVersion());
        assertThat(s.resyncs()).isPositive();
        assertThat(record.gaps()).isEmpty();
    }

    @Test
    void changesSinceCatchesUpOrSaysToStartOver() throws Exception {
        Rollcall a = node(RollcallConfig.builder("a").bind("127.0.0.1:0").profile(Profile.LOCAL).historySize(3));
        long v0 = a.view().version();
        node("b").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("a sees b", () -> a.view().reachable().size() == 2, this::views);
        Catchup catchup = a.changesSince(v0);
        assertThat(catchup.isComplete()).isTrue();
        assertThat(catchup.changes()).extracting(ch -> ch.member().name()).contains("b");
        node("c").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        node("d").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        await("a sees four", () -> a.view().reachable().size() == 4, this::views);
        Catchup tooOld = a.changesSince(0);
        assertThat(tooOld.isComplete()).isFalse();
        assertThat(tooOld.snapshot().reachable()).hasSize(4);
        Catchup current = a.changesSince(a.view().version());
        assertThat(current.isComplete()).isTrue();
        assertThat(current.changes()).isEmpty();
        // A version from another life of the node (versions start again at a restart): start over.
        Catchup fromTheFuture = a.changesSince(a.view().version() + 1_000);
        assertThat(fromTheFuture.isComplete()).isFalse();
        assertThat(fromTheFuture.snapshot().reachable()).hasSize(4);
    }

    @Test
    void metadataUpdatesReachEveryNode() throws Exception {
        List<Rollcall> c = cluster(3);
        c.get(1).updateMetadata(Map.of("role", "db", "zone", "b")).get(5, TimeUnit.SECONDS);
        await("every node sees n1's new metadata", () -> c.stream().allMatch(n -> n.view().member("n1")
                .map(m -> m.metadata().equals(Map.of("role", "db", "zone", "b"))).orElse(false)), this::views);
        assertThatThrownBy(() -> c.get(1).updateMetadata(Map.of("big", "x".repeat(600))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit is 512");
    }

    @Test
    void inboundStreamLimitsAreCheckedAndSurviveToBuilder() {
        RollcallConfig c = RollcallConfig.builder("n").maxInboundStreamsPerSource(32)
                .inboundStreamDeadline(java.time.Duration.ofSeconds(3)).build();
        assertThat(c.toBuilder().build().maxInboundStreamsPerSource()).isEqualTo(32);
        assertThat(c.toBuilder().build().inboundStreamDeadline()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(RollcallConfig.builder("n").build().maxInboundStreamsPerSource()).isEqualTo(8);
        assertThatThrownBy(() -> RollcallConfig.builder("n").maxInboundStreamsPerSource(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInboundStreamsPerSource");
        assertThatThrownBy(() -> RollcallConfig.builder("n").maxInboundStreamsPerSource(129).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..128");
        assertThatThrownBy(() -> RollcallConfig.builder("n").inboundStreamDeadline(java.time.Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inboundStreamDeadline");
    }

    @Test
    void joiningOnlyUnreachableSeedsFailsWithEveryReason() throws Exception {
        Rollcall a = node("a");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        var future = a.join(List.of(new InetSocketAddress("127.0.0.1", closedPort),
                InetSocketAddress.createUnresolved("no-such-host.invalid", 7946)));
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(JoinException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort).hasMessageContaining("cannot resolve host name");
        JoinException failure = (JoinException) future.handle((ok, e) -> e.getCause() == null ? e : e.getCause()).get();
        assertThat(failure.seedFailures()).extracting(JoinException.SeedFailure::seed, JoinException.SeedFailure::reason)
                .containsExactlyInAnyOrder(tuple("127.0.0.1:" + closedPort, JoinException.Reason.REFUSED),
                        tuple("no-such-host.invalid:7946", JoinException.Reason.UNRESOLVED));
        assertThat(failure.allFailedBecause(JoinException.Reason.REFUSED)).isFalse();
    }

    @Test
    void aSeedThatAcceptsButNeverAnswersTimesOut() throws Exception {
        Rollcall a = node(RollcallConfig.builder("patient").bind("127.0.0.1:0").profile(Profile.LOCAL)
                .tcpTimeout(java.time.Duration.ofMillis(300)));
        // The kernel completes the handshake from the backlog; nobody ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"))) {
            var future = a.join(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())));
            JoinException failure = (JoinException) future.handle((ok, e) -> e.getCause() == null ? e : e.getCause())
                    .get(10, TimeUnit.SECONDS);
            assertThat(failure.seedFailures()).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(JoinException.Reason.TIMED_OUT);
                assertThat(f.message()).contains("no answer");
            });
            assertThat(failure.allFailedBecause(JoinException.Reason.TIMED_OUT)).isTrue();
        }
    }

    @Test
    void everySilentSeedTimesOutEvenWhenTheDeadlineClosesTheSocketUnderTheRead() throws Exception {
        // The whole-exchange deadline and the read timeout expire together; whichever wakes the
        // reader first, the seed did not answer, and saying "socket closed" would stop the
        // agent's start-up retry.
        Rollcall a = node(RollcallConfig.builder("patient-many").bind("127.0.0.1:0").profile(Profile.LOCAL)
                .tcpTimeout(java.time.Duration.ofMillis(200)));
        List<ServerSocket> silent = new ArrayList<>();
        try {
            List<InetSocketAddress> seeds = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ServerSocket s = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
                silent.add(s);
                seeds.add(new InetSocketAddress("127.0.0.1", s.getLocalPort()));
            }
            for (int round = 0; round < 5; round++) {
                var future = a.join(seeds);
                JoinException failure = (JoinException) future.handle((ok, e) -> e.getCause() == null ? e : e.getCause())
                        .get(10, TimeUnit.SECONDS);
                assertThat(failure.seedFailures()).as("round %d", round).hasSize(8)
                        .allSatisfy(f -> assertThat(f.reason()).as(f.toString()).isEqualTo(JoinException.Reason.TIMED_OUT));
            }
        } finally {
            for (ServerSocket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void closeLeavesNoThreadsAndFreesBothSockets() throws Exception {
        Rollcall a = node("closing-a");
        Rollcall b = node("closing-b");
        b.join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        Subscription s = a.subscribe(new RecordingListener());
        InetSocketAddress address = a.address();
        a.close();
        b.close();
        s.close();
        await("no threads of closed nodes", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("rollcall-closing-")), () -> Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName).filter(n -> n.startsWith("rollcall-closing-")).collect(Collectors.joining(",")));
        try (DatagramSocket udp = new DatagramSocket(address); ServerSocket tcp = new ServerSocket()) {
            tcp.bind(address);
            assertThat(udp.isBound()).isTrue();
        }
        assertThat(a.view().local().name()).as("the last view stays readable").isEqualTo("closing-a");
    }

    @Test
    void badConfigurationIsOneClearLine() {
        assertThatThrownBy(() -> RollcallConfig.builder("").build()).hasMessage("node name must not be empty");
        assertThatThrownBy(() -> RollcallConfig.builder("x").bind("example.com:1").build())
                .hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> RollcallConfig.builder("x").probeInterval(Duration.ofMillis(100))
                .probeTimeout(Duration.ofMillis(200)).build()).hasMessageContaining("probeTimeout (200 ms)");
        assertThatThrownBy(() -> RollcallConfig.builder("x").metadata("k", "v".repeat(600)).build())
                .hasMessageContaining("metadata encodes to");
    }

    @Test
    void whenReachableCompletesOnceTheMemberArrives() throws Exception {
        Rollcall a = node("a");
        var waiting = a.whenReachable("late");
        assertThat(waiting).isNotDone();
        node("late").join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        assertThat(waiting.get(10, TimeUnit.SECONDS).name()).isEqualTo("late");
        assertThat(a.whenReachable("a").get(1, TimeUnit.SECONDS).name()).isEqualTo("a");
        await("the waiting subscriptions ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("rollcall-a-subscriber")), () -> "threads remain");
    }
}
