package io.rollcall.core.serf;

import io.rollcall.core.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Timeouts;
import io.rollcall.core.node.LiveNode;
import io.rollcall.core.transport.TransportConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollcall nodes and real {@code serf agent} processes (Debian's serf 0.9.4) in one cluster on
 * loopback, both on memberlist's LAN timing. Every agent is killed by PID after each test, and every
 * agent's log is checked for protocol errors caused by our packets.
 */
class SerfInteropTest {
    private static final EngineConfig LAN = EngineConfig.lan();
    private static final long CONVERGE_MILLIS = 30_000;

    @TempDir
    Path dir;
    private final List<SerfAgent> agents = new ArrayList<>();
    private final List<LiveNode> nodes = new ArrayList<>();
    private final List<Notification> events = new CopyOnWriteArrayList<>();
    private final Set<SerfAgent> stoppedOnPurpose = new HashSet<>();

    @BeforeAll
    static void requireSerf() {
        boolean installed = SerfAgent.installed();
        if (!installed && System.getenv("CI") != null) {
            throw new AssertionError("serf is not installed: .ci/run must install Debian's serf package");
        }
        Assumptions.assumeTrue(installed, "serf is not installed (apt-get install -y serf); skipping interop tests");
    }

    @AfterEach
    void stopEverything() {
        for (LiveNode n : nodes) {
            n.close();
        }
        List<String> errors = new ArrayList<>();
        for (SerfAgent a : agents) {
            if (!stoppedOnPurpose.contains(a) && !a.isAlive()) {
                errors.add(a.name + ": the serf agent exited on its own: " + a.logText());
            }
            a.kill();
            a.protocolErrors().forEach(line -> errors.add(a.name + ": " + line));
        }
        assertThat(errors).as("serf logged protocol errors caused by our packets").isEmpty();
    }

    private SerfAgent serf(String name, String ip, String join, Map<String, String> tags) throws IOException {
        SerfAgent a = SerfAgent.start(dir, name, ip, join, tags);
        agents.add(a);
        return a;
    }

    private LiveNode rollcall(String name, String ip, int port, Map<String, String> tags, long incarnation) throws IOException {
        LiveNode n = LiveNode.start(new LiveNode.Spec(name, SerfTags.encode(tags), incarnation, LAN,
                TransportConfig.of(Endpoint.parse(ip, port)), true, events::add));
        nodes.add(n);
        return n;
    }

    private static Optional<Member> memberAt(LiveNode node, String name) {
        return node.call(e -> e.member(name)).join();
    }

    private static void await(String what, long millis, BooleanSupplier condition, Supplier<String> seen) {
        Eventually.await(what, millis, condition, seen);
    }

    private String serfView(SerfAgent a) {
        try {
            return a.name + "=" + a.members().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()[0] + "[" + e.getValue()[1] + "]")
                    .collect(Collectors.joining(","));
        } catch (IOException e) {
            return a.name + "=" + e.getMessage();
        }
    }

    private static String rollcallView(LiveNode n) {
        try {
            return n.name() + "=" + n.call(e -> e.members()).join().stream().map(m -> m.name() + ":" + m.state())
                    .collect(Collectors.joining(","));
        } catch (java.util.concurrent.CompletionException stopped) {
            return n.name() + "=stopped";
        }
    }

    private String everyView() {
        List<String> views = new ArrayList<>();
        agents.stream().filter(SerfAgent::isAlive).forEach(a -> views.add(serfView(a)));
        nodes.forEach(n -> views.add(rollcallView(n)));
        return String.join(" | ", views);
    }

    private boolean serfSees(SerfAgent a, String member, String status) {
        return status.equals(a.status(member));
    }

    private static boolean rollcallSees(LiveNode n, String member, MemberState state) {
        return memberAt(n, member).map(m -> m.state() == state).orElse(false);
    }

    @Test
    void rollcallJoinsSerfAndSerfJoinsRollcallWithTagsVisibleBothWays() throws Exception {
        SerfAgent s1 = serf("s1", "127.0.3.1", null, Map.of("role", "web"));
        LiveNode r1 = rollcall("r1", "127.0.3.11", 0, Map.of("dc", "x", "role", "java"), 1);
        assertThat(r1.join(List.of(s1.endpoint())).get(15, TimeUnit.SECONDS).succeeded()).isEqualTo(1);
        await("s1 lists r1 alive with its tags", CONVERGE_MILLIS, () -> {
            try {
                String[] m = s1.members().get("r1");
                return m != null && m[0].equals("alive") && m[1].contains("dc=x") && m[1].contains("role=java");
            } catch (IOException e) {
                return false;
            }
        }, this::everyView);
        await("r1 sees s1 alive", CONVERGE_MILLIS, () -> rollcallSees(r1, "s1", MemberState.ALIVE), this::everyView);
        assertThat(SerfTags.decode(memberAt(r1, "s1").orElseThrow().meta())).isEqualTo(Map.of("role", "web"));

        SerfAgent s2 = serf("s2", "127.0.3.2", r1.address().toString(), Map.of());
        await("s2 joined through r1 and sees everyone alive", CONVERGE_MILLIS,
                () -> serfSees(s2, "r1", "alive") && serfSees(s2, "s1", "alive") && serfSees(s2, "s2", "alive"), this::everyView);
        await("r1 sees s2 alive", CONVERGE_MILLIS, () -> rollcallSees(r1, "s2", MemberState.ALIVE), this::everyView);
    }

    @Test
    void serfNodesWithHostStyleNamesAreMembersAndOneOutsideTheNameRuleIsDroppedAndCounted() throws Exception {
        LiveNode r1 = rollcall("r1", "127.0.62.11", 0, Map.of(), 1);
        SerfAgent s1 = serf("web_01.dc1-example", "127.0.62.1", r1.address().toString(), Map.of());
        // Serf does not validate names unless its cluster sets validate_node_names; Rollcall always does.
        SerfAgent s2 = serf("bad name", "127.0.62.2", r1.address().toString(), Map.of());
        await("r1 sees web_01.dc1-example alive", CONVERGE_MILLIS, () -> rollcallSees(r1, s1.name, MemberState.ALIVE),
                this::everyView);
        await("serf sees r1 alive", CONVERGE_MILLIS, () -> serfSees(s1, "r1", "alive") && serfSees(s2, "r1", "alive"),
                this::everyView);
        await("the bad name counted", CONVERGE_MILLIS,
                () -> r1.call(e -> e.counters().dropped(io.rollcall.core.engine.DropReason.INVALID_NAME)).join() > 0, this::everyView);
        assertThat(memberAt(r1, "bad name")).isEmpty();
        assertThat(r1.call(e -> e.memberCount()).join()).isEqualTo(2);
    }

    @Test
    void aMixedClusterOfThreeSerfAndThreeRollcallNodesConverges() throws Exception {
        SerfAgent s1 = serf("s1", "127.0.4.1", null, Map.of());
        SerfAgent s2 = serf("s2", "127.0.4.2", s1.address(), Map.of());
        LiveNode r1 = rollcall("r1", "127.0.4.11", 0, Map.of(), 1);
        r1.join(List.of(s2.endpoint())).get(15, TimeUnit.SECONDS);
        SerfAgent s3 = serf("s3", "127.0.4.3", r1.address().toString(), Map.of());
        LiveNode r2 = rollcall("r2", "127.0.4.12", 0, Map.of(), 1);
        LiveNode r3 = rollcall("r3", "127.0.4.13", 0, Map.of(), 1);
        r2.join(List.of(s3.endpoint())).get(15, TimeUnit.SECONDS);
        r3.join(List.of(r1.address())).get(15, TimeUnit.SECONDS);
        Set<String> all = Set.of("s1", "s2", "s3", "r1", "r2", "r3");
        await("all six alive everywhere", CONVERGE_MILLIS, () -> {
            for (SerfAgent a : List.of(s1, s2, s3)) {
                for (String m : all) {
                    if (!serfSees(a, m, "alive")) {
                        return false;
                    }
                }
            }
            for (LiveNode n : List.of(r1, r2, r3)) {
                if (n.call(e -> e.countOf(MemberState.ALIVE)).join() != 6) {
                    return false;
                }
            }
            return true;
        }, this::everyView);
    }

    @Test
    void crashesAreSeenAsFailuresInBothDirections() throws Exception {
        SerfAgent s1 = serf("s1", "127.0.5.1", null, Map.of());
        SerfAgent s2 = serf("s2", "127.0.5.2", s1.address(), Map.of());
        LiveNode r1 = rollcall("r1", "127.0.5.11", 0, Map.of(), 1);
        LiveNode r2 = rollcall("r2", "127.0.5.12", 0, Map.of(), 1);
        r1.join(List.of(s1.endpoint())).get(15, TimeUnit.SECONDS);
        r2.join(List.of(s2.endpoint())).get(15, TimeUnit.SECONDS);
        await("four alive at r1 and r2", CONVERGE_MILLIS, () -> r1.call(e -> e.countOf(MemberState.ALIVE)).join() == 4
                && r2.call(e -> e.countOf(MemberState.ALIVE)).join() == 4 && serfSees(s1, "r2", "alive"), this::everyView);

        stoppedOnPurpose.add(s2);
        s2.kill();
        long bound = Timeouts.crashDetectionBoundMillis(LAN, 4);
        await("s2 (SIGKILL) failed at both Rollcall nodes within the model bound", bound,
                () -> rollcallSees(r1, "s2", MemberState.DEAD) && rollcallSees(r2, "s2", MemberState.DEAD), this::everyView);

        r2.close();
        await("r2 (hard stop) failed at s1", bound + 10_000, () -> serfSees(s1, "r2", "failed"), this::everyView);
    }

    @Test
    void departuresAreLeftInBothDirectionsAndNeverFailed() throws Exception {
        SerfAgent s1 = serf("s1", "127.0.6.1", null, Map.of());
        SerfAgent s2 = serf("s2", "127.0.6.2", s1.address(), Map.of());
        LiveNode r1 = rollcall("r1", "127.0.6.11", 0, Map.of(), 1);
        LiveNode r2 = rollcall("r2", "127.0.6.12", 0, Map.of(), 1);
        r1.join(List.of(s1.endpoint())).get(15, TimeUnit.SECONDS);
        r2.join(List.of(s2.endpoint())).get(15, TimeUnit.SECONDS);
        await("four alive everywhere", CONVERGE_MILLIS, () -> r1.call(e -> e.countOf(MemberState.ALIVE)).join() == 4
                && serfSees(s1, "r2", "alive") && serfSees(s2, "r2", "alive") && serfSees(s1, "r1", "alive"), this::everyView);

        r2.leave(10_000).get(15, TimeUnit.SECONDS);
        r2.close();
        Set<String> seenAtS1 = new HashSet<>();
        Set<String> seenAtS2 = new HashSet<>();
        await("s1 and s2 show r2 left", CONVERGE_MILLIS, () -> {
            String a = s1.status("r2");
            String b = s2.status("r2");
            seenAtS1.add(a);
            seenAtS2.add(b);
            return a.equals("left") && b.equals("left");
        }, this::everyView);
        assertThat(seenAtS1).doesNotContain("failed");
        assertThat(seenAtS2).doesNotContain("failed");

        stoppedOnPurpose.add(s2);
        s2.interrupt();
        assertThat(s2.waitForExit(15_000)).as("serf leaves and exits on SIGINT").isTrue();
        await("r1 shows s2 LEFT", CONVERGE_MILLIS, () -> rollcallSees(r1, "s2", MemberState.LEFT), this::everyView);
        assertThat(events).noneMatch(e -> e instanceof MembershipEvent.Failed f
                && (f.member().name().equals("s2") || f.member().name().equals("r2")));
    }

    @Test
    void aRestartedRollcallNodeIsAliveAgainOnTheSerfSide() throws Exception {
        SerfAgent s1 = serf("s1", "127.0.7.1", null, Map.of());
        LiveNode r1 = rollcall("r1", "127.0.7.11", 0, Map.of(), 1);
        r1.join(List.of(s1.endpoint())).get(15, TimeUnit.SECONDS);
        await("s1 sees r1 alive", CONVERGE_MILLIS, () -> serfSees(s1, "r1", "alive"), this::everyView);
        int port = r1.network().boundAddress().port();
        r1.close();
        nodes.remove(r1);
        await("s1 sees r1 failed", Timeouts.crashDetectionBoundMillis(LAN, 2) + 10_000, () -> serfSees(s1, "r1", "failed"),
                this::everyView);

        // Same name and address, state lost: it starts at incarnation 1 again and must outrank its old life.
        LiveNode again = rollcall("r1", "127.0.7.11", port, Map.of(), 1);
        again.join(List.of(s1.endpoint())).get(15, TimeUnit.SECONDS);
        await("s1 sees r1 alive again", CONVERGE_MILLIS, () -> serfSees(s1, "r1", "alive"), this::everyView);
        assertThat(again.call(e -> e.localMember().incarnation()).join()).isGreaterThan(1);
    }
}
