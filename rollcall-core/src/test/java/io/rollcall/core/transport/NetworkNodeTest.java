package io.rollcall.core.transport;

import io.rollcall.core.Eventually;
import io.rollcall.core.node.LiveNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Timeouts;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets on loopback: the engine, the codec and the transport together. */
class NetworkNodeTest {
    private static final EngineConfig FAST = EngineConfig.local();
    private final List<LiveNode> nodes = new ArrayList<>();
    private final List<Notification> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        for (LiveNode n : nodes) {
            n.close();
        }
    }

    private LiveNode start(String name, String ip) throws IOException {
        LiveNode node = LiveNode.start(new LiveNode.Spec(name, Bytes.EMPTY, 1, FAST,
                TransportConfig.of(Endpoint.parse(ip, 0)), true, seen::add));
        nodes.add(node);
        return node;
    }

    private static List<Member> view(LiveNode node) {
        return node.call(e -> e.members()).join();
    }

    private static Optional<MemberState> stateAt(LiveNode observer, String member) {
        return observer.call(e -> e.member(member).map(Member::state)).join();
    }

    private static String describe(List<LiveNode> observers) {
        return observers.stream().map(n -> n.name() + "=" + view(n).stream().map(m -> m.name() + ":" + m.state())
                .collect(Collectors.joining(","))).collect(Collectors.joining(" | "));
    }

    private void awaitAllAlive(List<LiveNode> cluster) {
        Eventually.await("every node sees " + cluster.size() + " alive", 10_000,
                () -> cluster.stream().allMatch(n -> n.call(e -> e.countOf(MemberState.ALIVE)).join() == cluster.size()),
                () -> describe(cluster));
    }

    @Test
    void nodesJoinThroughASeedAndSeeEachOther() throws Exception {
        LiveNode a = start("a", "127.0.0.1");
        LiveNode b = start("b", "127.0.0.1");
        LiveNode c = start("c", "127.0.0.1");
        JoinCompleted joined = b.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        assertThat(joined.succeeded()).isEqualTo(1);
        c.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        awaitAllAlive(List.of(a, b, c));
        assertThat(a.network().transportCounters().bytesOut()).isPositive();
        assertThat(a.network().transportCounters().decodeDrops().values().stream().mapToLong(Long::longValue).sum()).isZero();
    }

    @Test
    void aStoppedNodeIsFailedAndALeavingNodeIsLeftNeverFailed() throws Exception {
        LiveNode a = start("a", "127.0.0.1");
        LiveNode b = start("b", "127.0.0.1");
        LiveNode c = start("c", "127.0.0.1");
        LiveNode d = start("d", "127.0.0.1");
        for (LiveNode n : List.of(b, c, d)) {
            n.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        }
        awaitAllAlive(List.of(a, b, c, d));
        d.leave(5_000).get(10, TimeUnit.SECONDS);
        d.close();
        c.close();
        List<LiveNode> survivors = List.of(a, b);
        Eventually.await("d left at a and b", 10_000,
                () -> survivors.stream().allMatch(n -> stateAt(n, "d").orElse(null) == MemberState.LEFT), () -> describe(survivors));
        long bound = Timeouts.crashDetectionBoundMillis(FAST, 4);
        Eventually.await("c failed at a and b", bound,
                () -> survivors.stream().allMatch(n -> stateAt(n, "c").orElse(null) == MemberState.DEAD), () -> describe(survivors));
        assertThat(seen).noneMatch(n -> n instanceof MembershipEvent.Failed f && f.member().name().equals("d"));
    }

    @Test
    void probesOfAClosedNodeEndAtItsPortUnreachableAnswer() throws Exception {
        LiveNode a = start("a", "127.0.0.1");
        LiveNode b = start("b", "127.0.0.1");
        LiveNode c = start("c", "127.0.0.1");
        for (LiveNode n : List.of(b, c)) {
            n.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        }
        awaitAllAlive(List.of(a, b, c));
        c.close();
        List<LiveNode> survivors = List.of(a, b);
        Eventually.await("c failed at a and b", Timeouts.crashDetectionBoundMillis(FAST, 3),
                () -> survivors.stream().allMatch(n -> stateAt(n, "c").orElse(null) == MemberState.DEAD), () -> describe(survivors));
        // Nothing listens at c's port any more, so loopback answers every probe of c with ICMP.
        long unreachable = survivors.stream().mapToLong(n -> n.call(e -> e.counters().probesUnreachable()).join()).sum();
        assertThat(unreachable).isPositive();
        // Acks still arrive at the shared socket, whatever socket the ping left from.
        assertThat(stateAt(a, "b")).contains(MemberState.ALIVE);
        assertThat(stateAt(b, "a")).contains(MemberState.ALIVE);
    }

    @Test
    void anUnreachableSeedFailsTheJoinQuicklyWithAReason() throws Exception {
        LiveNode a = start("a", "127.0.0.1");
        Endpoint nobody;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            nobody = new Endpoint(InetAddress.getByName("127.0.0.1"), probe.getLocalPort());
        }
        JoinCompleted result = a.join(List.of(nobody)).get(FAST.streamTimeoutMillis() + 5_000, TimeUnit.MILLISECONDS);
        assertThat(result.succeeded()).isZero();
        assertThat(result.failures()).singleElement().asString().contains(nobody.toString()).contains("cannot connect");
        assertThat(result.seedFailures()).singleElement()
                .satisfies(f -> assertThat(f.failure().kind()).isEqualTo(io.rollcall.core.engine.StreamFailure.Kind.REFUSED));
    }

    @Test
    void junkDatagramsAreCountedAndChangeNothing() throws Exception {
        LiveNode a = start("a", "127.0.0.1");
        LiveNode b = start("b", "127.0.0.1");
        b.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        awaitAllAlive(List.of(a, b));
        long seed = 99;
        SplittableRandom random = new SplittableRandom(seed);
        try (DatagramSocket junk = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            for (int i = 0; i < 2_000; i++) {
                byte[] bytes = new byte[1 + random.nextInt(1400)];
                random.nextBytes(bytes);
                if (i % 3 == 0) {
                    bytes[0] = (byte) random.nextInt(14); // plausible type byte, hostile body
                }
                junk.send(new DatagramPacket(bytes, bytes.length, a.address().toSocketAddress()));
            }
        }
        Eventually.await("junk counted", 5_000,
                () -> a.network().transportCounters().decodeDrops().values().stream().mapToLong(Long::longValue).sum() > 1_000,
                () -> "seed " + seed + " drops " + a.network().transportCounters().decodeDrops());
        assertThat(view(a)).extracting(Member::name).containsExactlyInAnyOrder("a", "b");
        awaitAllAlive(List.of(a, b));
    }

    @Test
    void worksOverIpv6() throws Exception {
        LiveNode a = start("a6", "[::1]");
        LiveNode b = start("b6", "[::1]");
        b.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        awaitAllAlive(List.of(a, b));
        assertThat(a.address().toString()).startsWith("[");
    }

    @Test
    void aTakenPortIsAOneLineError() throws Exception {
        LiveNode a = start("a", "127.0.0.1");
        assertThatThrownBy(() -> LiveNode.start(new LiveNode.Spec("b", Bytes.EMPTY, 1, FAST,
                TransportConfig.of(a.network().boundAddress()), true, null)))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot listen on " + a.network().boundAddress())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void closeEndsEveryThreadTheNodeStarted() throws Exception {
        LiveNode a = start("closer-a", "127.0.0.1");
        LiveNode b = start("closer-b", "127.0.0.1");
        b.join(List.of(a.address())).get(5, TimeUnit.SECONDS);
        awaitAllAlive(List.of(a, b));
        a.close();
        b.close();
        Eventually.await("no rollcall-closer threads", 5_000,
                () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("rollcall-closer")),
                () -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(n -> n.startsWith("rollcall-closer")).collect(Collectors.joining(",")));
    }
}
