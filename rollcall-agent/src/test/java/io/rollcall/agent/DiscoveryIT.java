package io.rollcall.agent;

import static io.rollcall.agent.AgentProcess.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery through a real DNS server: dnsmasq in a network namespace the test makes, agents in pods
 * that resolve through it with the system resolver unchanged (issue 17).
 */
class DiscoveryIT {
    private static final String REFRESH = "2s";
    @TempDir
    Path dir;
    private NetLab lab;
    private final List<PodAgent> agents = new ArrayList<>();

    @BeforeEach
    void lab() throws Exception {
        assumeTrue(NetLab.available(), "needs root, iproute2 and dnsmasq");
        lab = new NetLab(dir);
        lab.startDns();
    }

    @AfterEach
    void tearDown() {
        agents.forEach(PodAgent::close);
        if (lab != null) {
            lab.close();
        }
    }

    private PodAgent agent(String ns, String name, String ip, String... flags) throws Exception {
        List<String> extra = new ArrayList<>(List.of("--seed-refresh-interval", REFRESH));
        extra.addAll(List.of(flags));
        PodAgent a = PodAgent.start(lab, ns, name, ip, dir.resolve(name + "-" + System.nanoTime()), dir.resolve(name + "-" + System.nanoTime() + ".log"), extra);
        agents.add(a);
        return a;
    }

    private void awaitAlive(PodAgent observer, String member, String ip) {
        await(observer.name + " sees " + member + " alive at " + ip, 30_000,
                () -> ("alive@" + ip + ":7946").equals(observer.members().get(member)), () -> observer.members() + "\n" + observer.logText());
    }

    @Test
    void aAndSrvRecordsFindEveryPeerAndChangedRecordsArePickedUpWhileTheClusterRuns() throws Exception {
        lab.setRecords("seeds", List.of("10.77.0.11", "10.77.0.12"));
        lab.setRecords("a", List.of("10.77.0.11"));
        lab.setSrv("_rollcall._tcp", List.of("a:7946"));
        String podA = lab.pod("a", "10.77.0.11");
        String podB = lab.pod("b", "10.77.0.12");
        String podC = lab.pod("c", "10.77.0.13");
        String podD = lab.pod("d", "10.77.0.14");

        PodAgent a = agent(podA, "a", "10.77.0.11", "--retry-join", "dns+seeds.rc.test:7946");
        PodAgent b = agent(podB, "b", "10.77.0.12", "--join", "dns+seeds.rc.test:7946");
        await("b joined at start", 30_000, () -> b.logText().contains("joined the cluster"), b::logText);
        PodAgent c = agent(podC, "c", "10.77.0.13", "--join", "dnssrv+_rollcall._tcp.rc.test");
        await("c joined at start", 30_000, () -> c.logText().contains("joined the cluster"), c::logText);
        awaitAlive(a, "b", "10.77.0.12");
        awaitAlive(a, "c", "10.77.0.13");

        // A node added: d starts with no seeds at all; a record for it appears; a's refresh joins it.
        PodAgent d = agent(podD, "d", "10.77.0.14");
        assertThat(d.members()).containsOnlyKeys("d");
        lab.setRecords("seeds", List.of("10.77.0.11", "10.77.0.12", "10.77.0.14"));
        awaitAlive(d, "a", "10.77.0.11");
        awaitAlive(c, "d", "10.77.0.14");

        // An address changed: b leaves, comes back at a new address with no seeds; its record follows.
        b.terminate();
        awaitAlive(a, "d", "10.77.0.14");
        await("b left", 30_000, () -> String.valueOf(a.members().get("b")).startsWith("left"), () -> String.valueOf(a.members()));
        lab.readdress(podB, "10.77.0.22");
        PodAgent b2 = agent(podB, "b", "10.77.0.22");
        lab.setRecords("seeds", List.of("10.77.0.11", "10.77.0.22", "10.77.0.14"));
        awaitAlive(a, "b", "10.77.0.22");
        awaitAlive(c, "b", "10.77.0.22");
        awaitAlive(b2, "c", "10.77.0.13");
        for (PodAgent x : List.of(a, c, d, b2)) {
            assertThat(x.logText()).as(x.name + "'s log").doesNotContain("member failed");
        }
    }

    @Test
    void aNameThatStopsResolvingIsACountedRetryAndIsUsedAgainWhenItComesBack() throws Exception {
        lab.setRecords("seeds", List.of("10.77.0.11"));
        String podA = lab.pod("a", "10.77.0.11");
        String podE = lab.pod("e", "10.77.0.15");
        PodAgent a = agent(podA, "a", "10.77.0.11", "--retry-join", "dns+seeds.rc.test:7946");

        lab.setRecords("seeds", List.of());
        // The running node keeps running and counts its failed lookups.
        await("a counts failed lookups", 30_000, () -> {
            String self = a.api("/v1/self");
            return self != null && !self.contains("\"seed_lookup_failures\":0");
        }, () -> a.api("/v1/self"));
        assertThat(a.process.isAlive()).isTrue();
        assertThat(a.logText()).contains("seed dns+seeds.rc.test:7946: DNS name 'seeds.rc.test' does not exist");

        // --join at start is the one place a name that does not resolve is fatal: exit 3, naming it.
        PodAgent failing = PodAgent.launch(lab, podE, "e", "10.77.0.15", dir.resolve("e-first"), dir.resolve("e-first.log"),
                List.of("--join", "dns+seeds.rc.test:7946"));
        agents.add(failing);
        assertThat(failing.waitForExit(60_000)).as(failing.logText()).isEqualTo(ExitCode.JOIN.status);
        assertThat(failing.logText()).contains("rollcall: could not join any seed: dns+seeds.rc.test:7946: DNS name 'seeds.rc.test' does not exist");

        // --retry-join keeps asking; when the name comes back, e and a find each other through it.
        PodAgent e = agent(podE, "e", "10.77.0.15", "--retry-join", "dns+seeds.rc.test:7946");
        AgentProcess.sleep(3_000);
        assertThat(e.members()).containsOnlyKeys("e");
        lab.setRecords("seeds", List.of("10.77.0.11", "10.77.0.15"));
        awaitAlive(e, "a", "10.77.0.11");
        awaitAlive(a, "e", "10.77.0.15");
        await("a's next refresh resolves the name again", 30_000, () -> a.logText().contains("seed dns+seeds.rc.test:7946 resolves again"),
                a::logText);
        Map<String, String> view = a.members();
        assertThat(view).containsOnlyKeys("a", "e");
    }
}
