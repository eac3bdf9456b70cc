package io.rollcall.core.serf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rollcall.JoinException;
import io.rollcall.Profile;
import io.rollcall.Rollcall;
import io.rollcall.RollcallConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: a Rollcall node starting with the name a live Serf agent holds learns it and fails its join. */
class SerfNameConflictTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private Rollcall node(String name) throws Exception {
        Rollcall r = Rollcall.start(RollcallConfig.builder(name).bind("127.0.0.1:0").profile(Profile.LAN).build());
        open.add(r);
        return r;
    }

    @Test
    void aJoinThroughARollcallSeedOrTheSerfAgentItselfFailsNamingTheSerfAgentsAddress() throws Exception {
        assumeTrue(SerfAgent.installed(), "serf is not installed");
        Rollcall seed = node("seed");
        SerfAgent serf = SerfAgent.start(dir, "b", "127.0.0.1", "127.0.0.1:" + seed.address().getPort(), Map.of());
        open.add(serf);
        awaitReachable(seed, "b");

        for (String via : List.of("rollcall", "serf")) {
            Rollcall impostor = node("b");
            InetSocketAddress target = via.equals("rollcall") ? seed.address() : new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(serf.address().substring(serf.address().lastIndexOf(':') + 1)));
            assertThatThrownBy(() -> impostor.join(List.of(target)).get(20, TimeUnit.SECONDS)).as("through " + via)
                    .cause().isInstanceOf(JoinException.class).hasMessageContaining(serf.address())
                    .satisfies(e -> assertThat(((JoinException) e).allFailedBecause(JoinException.Reason.NAME_CONFLICT)).isTrue());
            impostor.close();
        }
        // Serf logged what memberlist logs for a conflicting alive, and the live agent kept its name.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !serf.logText().contains("in name conflict resolution")) {
            Thread.sleep(100);
        }
        Thread.sleep(1_000);
        assertThat(serf.isAlive()).as(serf.logText()).isTrue();
        assertThat(serf.logText()).contains("Conflicting address for b")
                // Serf asked the cluster (_serf_conflict); our node's answer gave the live agent the majority.
                .contains("majority in name conflict resolution [1 / 1]").doesNotContain("minority")
                // One exchange, one vote: two exchanges at once started two votes, which could share a
                // Lamport time, and Serf counted no answers for one of them and quit (issue 20).
                .containsOnlyOnce("in name conflict resolution")
                // The impostor, refused, never announced a leave in the live agent's name.
                .doesNotContain("messageLeaveType: b");
        assertThat(seed.view().member("b").orElseThrow().address().getPort())
                .isEqualTo(Integer.parseInt(serf.address().substring(serf.address().lastIndexOf(':') + 1)));
        assertThat(seed.view().member("b").orElseThrow().isReachable()).isTrue();
        assertThat(serf.status("seed")).isEqualTo("alive");
    }

    private static void awaitReachable(Rollcall node, String member) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && node.view().member(member).filter(m -> m.isReachable()).isEmpty()) {
            Thread.sleep(50);
        }
        assertThat(node.view().member(member)).isPresent();
    }
}
