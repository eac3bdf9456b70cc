package io.rollcall.agent;

import static io.rollcall.agent.AgentProcess.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --discover CLUSTER} against a real {@code serf agent -discover CLUSTER}: two namespaces joined
 * by a veth pair, no address given to either side (issue 17). Both directions: Rollcall finding a
 * Serf agent already there, and a Serf agent finding a Rollcall agent already there.
 */
class MulticastDiscoveryIT {
    @TempDir
    Path dir;
    private NetLab lab;

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    private List<String> lan() throws Exception {
        assumeTrue(NetLab.available(), "needs root and iproute2");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/serf")), "needs serf");
        lab = new NetLab(dir);
        return lab.pair("r", "10.78.0.1", "s", "10.78.0.2");
    }

    private Process serf(String ns) throws Exception {
        return lab.start(ns, dir.resolve("serf.log"), "serf", "agent", "-node=serf-1", "-bind=10.78.0.2:7946",
                "-rpc-addr=10.78.0.2:7373", "-discover=lab", "-log-level=debug");
    }

    private String serfMembers(String ns) {
        return String.valueOf(lab.exec(ns, "serf", "members", "-rpc-addr=10.78.0.2:7373"));
    }

    private PodAgent rollcall(String ns) throws Exception {
        return PodAgent.start(lab, ns, "rollcall-1", "10.78.0.1", dir.resolve("r-data"), dir.resolve("rollcall.log"),
                List.of("--discover", "lab"));
    }

    private void awaitBoth(PodAgent r, String serfNs) {
        await("rollcall sees serf-1 alive", 60_000, () -> "alive@10.78.0.2:7946".equals(r.members().get("serf-1")),
                () -> r.members() + "\n" + r.logText() + "\n" + read(dir.resolve("serf.log")));
        await("serf sees rollcall-1 alive", 60_000, () -> serfMembers(serfNs).matches("(?s).*rollcall-1\\s+10\\.78\\.0\\.1:7946\\s+alive.*"),
                () -> serfMembers(serfNs));
    }

    @Test
    void rollcallFindsASerfAgentByMulticastDns() throws Exception {
        List<String> ns = lan();
        serf(ns.get(1));
        await("serf is up", 20_000, () -> serfMembers(ns.get(1)).contains("serf-1"), () -> read(dir.resolve("serf.log")));
        PodAgent r = rollcall(ns.get(0));
        awaitBoth(r, ns.get(1));
        await("rollcall joined what its browse found", 30_000, () -> r.logText().contains("rejoined the cluster through 1"), r::logText);
    }

    @Test
    void aSerfAgentFindsRollcallByMulticastDns() throws Exception {
        List<String> ns = lan();
        PodAgent r = rollcall(ns.get(0));
        serf(ns.get(1));
        awaitBoth(r, ns.get(1));
        // Serf's own browse found us (our announcement answered hashicorp/mdns's query) and it joined.
        await("serf joined what its browse found", 30_000, () -> read(dir.resolve("serf.log")).contains("agent.mdns: Joined 1 hosts"),
                () -> read(dir.resolve("serf.log")));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
