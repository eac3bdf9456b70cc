package io.rollcall;

import io.rollcall.core.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.security.GossipKey;
import io.rollcall.core.serf.SerfAgent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster-wide key rotation through Serf's internal key queries, in a mixed cluster of real Serf
 * agents and Rollcall nodes, driven from either side; and a node that was down during the rotation.
 */
class KeyRotationInteropTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private final List<SerfAgent> agents = new ArrayList<>();
    private final List<Rollcall> nodes = new ArrayList<>();

    @BeforeAll
    static void requireSerf() {
        boolean installed = SerfAgent.installed();
        if (!installed && System.getenv("CI") != null) {
            throw new AssertionError("serf is not installed: .ci/run must install Debian's serf package");
        }
        Assumptions.assumeTrue(installed, "serf is not installed; skipping");
    }

    @AfterEach
    void stop() {
        nodes.forEach(Rollcall::close);
        List<String> errors = new ArrayList<>();
        for (SerfAgent a : agents) {
            boolean alive = a.isAlive();
            a.kill();
            if (!alive) {
                errors.add(a.name() + " exited on its own");
            }
        }
        assertThat(errors).isEmpty();
    }

    private static String newKey() {
        return GossipKey.generate(32, RANDOM).toBase64();
    }

    private Rollcall rollcall(String name, String ip, String... keys) throws IOException {
        Rollcall r = Rollcall.start(RollcallConfig.builder(name).bind(ip + ":0").gossipKeys(List.of(keys)).build());
        nodes.add(r);
        return r;
    }

    private static void await(String what, BooleanSupplier condition, Supplier<String> seen) {
        Eventually.await(what, TimeUnit.SECONDS.toMillis(30), condition, seen);
    }

    @Test
    void aFullRotationReachesSerfAgentsAndRollcallNodesFromEitherSide() throws Exception {
        String k1 = newKey();
        SerfAgent s1 = SerfAgent.start(dir, "s1", "127.0.8.1", null, Map.of(), "-encrypt=" + k1);
        agents.add(s1);
        SerfAgent s2 = SerfAgent.start(dir, "s2", "127.0.8.2", s1.address(), Map.of(), "-encrypt=" + k1);
        agents.add(s2);
        Rollcall r1 = rollcall("r1", "127.0.8.11", k1);
        Rollcall r2 = rollcall("r2", "127.0.8.12", k1);
        r1.join(List.of(s1.socketAddress())).get(15, TimeUnit.SECONDS);
        r2.join(List.of(s2.socketAddress())).get(15, TimeUnit.SECONDS);
        await("four alive at r1 and at s1", () -> r1.view().reachable().size() == 4
                && "alive".equals(s1.status("r2")) && "alive".equals(s1.status("r1")), () -> r1.view().toString());
        // Stands for a machine that is down while the cluster rotates.
        Rollcall late = rollcall("late", "127.0.8.13", k1);
        InetSocketAddress lateAddress = late.address();
        late.close();
        nodes.remove(late);

        // Rotate from a Rollcall node: install, use, remove.
        String k2 = newKey();
        KeyOperation install = r1.installKey(k2).get(20, TimeUnit.SECONDS);
        assertThat(install.failures()).isEmpty();
        assertThat(install.responses()).isEqualTo(4);
        KeyOperation use = r1.useKey(k2).get(20, TimeUnit.SECONDS);
        assertThat(use.failures()).isEmpty();
        assertThat(use.responses()).isEqualTo(4);
        KeyOperation remove = r2.removeKey(k1).get(20, TimeUnit.SECONDS);
        assertThat(remove.failures()).isEmpty();
        KeyOperation list = r2.listKeys().get(20, TimeUnit.SECONDS);
        assertThat(list.responses()).isEqualTo(4);
        assertThat(list.keys()).isEqualTo(Map.of(k2, 4));
        assertThat(list.primaryKeys()).isEqualTo(Map.of(k2, 4));
        assertThat(s1.keys("-list")).contains(k2).doesNotContain(k1).contains("exit=0");
        assertThat(r1.localKeys()).containsExactly(k2);

        // The cluster still works under the new key: a crash is still detected across both kinds of node.
        await("everyone still alive under the new key", () -> r2.view().reachable().size() == 4
                && "alive".equals(s2.status("r1")), () -> r2.view().toString());

        // Rotate from the Serf side: `serf keys` reaches the Rollcall nodes too.
        String k3 = newKey();
        String serfInstall = s2.keys("-install=" + k3);
        assertThat(serfInstall).as("serf keys exits 0 only when every node replied without error").contains("exit=0");
        assertThat(r1.localKeys()).contains(k3);
        assertThat(s1.keys("-use=" + k3)).contains("exit=0");
        assertThat(r2.localKeys().get(0)).isEqualTo(k3);
        assertThat(s1.keys("-remove=" + k2)).contains("exit=0");
        assertThat(r1.localKeys()).containsExactly(k3);
        await("everyone still alive under the Serf-chosen key", () -> r1.view().reachable().size() == 4
                && "alive".equals(s1.status("r2")), () -> r1.view().toString());

        // The node that was down still has only the first key: it is told why it cannot rejoin.
        Rollcall back = Rollcall.start(RollcallConfig.builder("late").bind(lateAddress.getHostString() + ":0")
                .gossipKeys(List.of(k1)).build());
        nodes.add(back);
        assertThatThrownBy(() -> back.join(List.of(s1.socketAddress(), r1.address())).get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JoinException.class)
                .hasMessageContaining("no installed gossip key decrypts the answer")
                .hasMessageContaining("rotated keys while this node was down");
    }

    @Test
    void keyOperationsWithoutEncryptionAreRefusedWithAReason() throws Exception {
        Rollcall plain = rollcall("plain", "127.0.9.1");
        Rollcall other = rollcall("other", "127.0.9.2");
        other.join(List.of(plain.address())).get(10, TimeUnit.SECONDS);
        await("two alive", () -> plain.view().reachable().size() == 2, () -> plain.view().toString());
        KeyOperation op = plain.installKey(newKey()).get(20, TimeUnit.SECONDS);
        assertThat(op.failures()).containsOnlyKeys("plain", "other")
                .allSatisfy((node, why) -> assertThat(why).contains("encryption not enabled"));
        assertThat(op.complete()).isFalse();
    }
}
