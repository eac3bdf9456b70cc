package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 20: a Rollcall agent is the only link between two real {@code serf agent}s. Serf agent a and
 * serf agent b sit in namespaces at either end of a {@link NetLab#chain}; the Rollcall agent r sits in
 * the middle, which does not forward, so a and b know of each other (through r) but no packet of
 * theirs reaches the other: whatever of a's reaches b, r passed on. One cluster serves every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SerfChainIT {
    private static final String TOKEN = "lab-token";
    private static final String R_AGENT = "http://10.79.1.1:7947";
    private Path root;
    private NetLab lab;
    private String nsA;
    private String nsR;
    private String nsB;
    private final List<Process> serfs = new ArrayList<>();
    private Process rollcall;
    private Path rLog;

    @BeforeAll
    void chain() throws Exception {
        boolean serf = Files.isExecutable(Path.of("/usr/bin/serf"));
        if ((!serf || !NetLab.available()) && System.getenv("CI") != null) {
            throw new AssertionError("CI must run this as root with serf, iproute2 and dnsmasq installed");
        }
        Assumptions.assumeTrue(serf && NetLab.available(), "needs root, network namespaces and serf");
        root = Files.createTempDirectory("serf-chain");
        lab = new NetLab(root);
        List<String> ns = lab.chain("a", "r", "b");
        nsA = ns.get(0);
        nsR = ns.get(1);
        nsB = ns.get(2);
        // r listens on both of its sides and is known by its left-hand address; b reaches it too.
        rLog = root.resolve("r.log");
        List<String> cmd = new ArrayList<>(AgentProcess.java("agent", "--node", "r", "--bind", "0.0.0.0:7946",
                "--advertise", "10.79.1.1:7946", "--http", "10.79.1.1:7947", "--http-token", TOKEN,
                "--data-dir", root.resolve("r-data").toString(), "--profile", "lan",
                "--event-handler", "user=echo \"$ROLLCALL_USER_EVENT $(cat)\" >> " + root.resolve("r.events"),
                "--event-handler", "query:uptime=echo r-up"));
        rollcall = lab.start(nsR, rLog, cmd.toArray(new String[0]));
        await("r's HTTP API", 30_000, () -> rApi("/v1/self") != null, () -> read(rLog));
        serfs.add(serf(nsA, "a", "10.79.1.2"));
        serfs.add(serf(nsB, "b", "10.79.2.2"));
        await("every member alive everywhere", 60_000, () -> {
            String rm = rApi("/v1/members");
            return rm != null && rm.split("\"alive\"", -1).length - 1 == 3 && serfMembers(nsA).contains("b ")
                    && serfMembers(nsB).contains("a ");
        }, () -> rApi("/v1/members") + " | a: " + serfMembers(nsA) + " | b: " + serfMembers(nsB));
        // The point of the chain: a cannot reach b itself.
        assertThat(lab.exec(nsA, "timeout", "3", "bash", "-c", "echo > /dev/tcp/10.79.2.2/7946")).as("a reaches b without r").isNull();
        assertThat(lab.exec(nsA, "timeout", "3", "bash", "-c", "echo > /dev/tcp/10.79.2.1/7946")).as("a reaches r's far side")
                .isNotNull();
    }

    private Process serf(String ns, String name, String ip) throws IOException {
        Path log = root.resolve(name + ".log");
        return lab.start(ns, log, "serf", "agent", "-node=" + name, "-bind=" + ip + ":7946", "-rpc-addr=127.0.0.1:7373",
                "-log-level=debug", "-profile=lan", "-join=10.79.1.1:7946",
                "-event-handler", "user=echo \"$SERF_USER_EVENT $(cat)\" >> " + root.resolve(name + ".events"),
                "-event-handler", "query:uptime=echo " + name + "-up");
    }

    @AfterAll
    void teardown() {
        if (lab != null) {
            // Every process (the agents, by PID) and every namespace the lab made.
            lab.close();
        }
        if (root != null) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A leftover temporary directory is harmless.
            }
        }
    }

    private String rApi(String path) {
        return lab.httpGet(nsR, R_AGENT + path, TOKEN);
    }

    private String serfMembers(String ns) {
        String out = lab.exec(ns, "serf", "members", "-rpc-addr=127.0.0.1:7373", "-status=alive");
        return out == null ? "" : out;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, long millis, BooleanSupplier ok, Supplier<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + millis + " ms: " + what + "; seen: " + seen.get());
    }

    private String rollcallCli(String... args) {
        List<String> cmd = new ArrayList<>(AgentProcess.java(args));
        cmd.addAll(List.of("--agent", R_AGENT, "--token", TOKEN));
        NetLab.Output out = NetLab.capture(prefixed(nsR, cmd));
        return "exit=" + out.exit() + "\n" + out.text();
    }

    private static List<String> prefixed(String ns, List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(cmd);
        return all;
    }

    @Test
    @Order(1)
    void aSerfEventReachesTheRollcallHandlerAndTheSerfAgentBeyondIt() throws Exception {
        assertThat(lab.exec(nsA, "serf", "event", "-rpc-addr=127.0.0.1:7373", "deploy", "v1")).contains("dispatched");
        await("r's and b's handlers ran for a's event", 20_000,
                () -> read(root.resolve("r.events")).contains("deploy v1") && read(root.resolve("b.events")).contains("deploy v1"),
                () -> "r: " + read(root.resolve("r.events")) + " b: " + read(root.resolve("b.events")));
    }

    @Test
    @Order(2)
    void aRollcallEventReachesTheSerfAgentsOnBothSides() throws Exception {
        assertThat(rollcallCli("event", "release", "v2")).contains("exit=0").contains("Event 'release' dispatched!");
        await("a's and b's handlers ran for r's event", 20_000,
                () -> read(root.resolve("a.events")).contains("release v2") && read(root.resolve("b.events")).contains("release v2"),
                () -> "a: " + read(root.resolve("a.events")) + " b: " + read(root.resolve("b.events")));
        // r's own handler saw its own event once, as a Serf agent's does.
        await("r's handler ran for its own event", 10_000, () -> read(root.resolve("r.events")).contains("release v2"),
                () -> read(root.resolve("r.events")));
    }

    @Test
    @Order(3)
    void serfQueryGetsRollcallsAnswerAndTheFarSerfAgentsThroughRollcallsRelay() {
        // b's answer to a cannot go straight to a: only the relays it sends (relay factor 2: a and r)
        // bring it, through r, which forwards relayed answers as Serf does.
        String out = lab.exec(nsA, "serf", "query", "-rpc-addr=127.0.0.1:7373", "-relay-factor=2", "-timeout=6s", "uptime");
        assertThat(out).as(out).contains("Response from 'r': r-up").contains("Response from 'b': b-up")
                .contains("Ack from 'r'").contains("Ack from 'b'");
    }

    @Test
    @Order(4)
    void rollcallQueryGetsEverySerfAgentsAnswerAndFiltersByNode() {
        String out = rollcallCli("query", "--timeout", "5s", "uptime");
        assertThat(out).contains("exit=0").contains("Response from 'a': a-up").contains("Response from 'b': b-up")
                .contains("Response from 'r': r-up").contains("Total Acks: 3").contains("Total Responses: 3");
        String onlyB = rollcallCli("query", "--timeout", "4s", "--node", "b", "uptime");
        assertThat(onlyB).contains("Response from 'b': b-up").contains("Total Responses: 1");
    }

    @Test
    @Order(5)
    void serfRttAndRollcallRttEstimateEveryPairThatProbesEachOther() throws Exception {
        // Coordinates are learnt from direct acks only (Serf's too): a and b never ack each other, so
        // a holds no coordinate of b; r probes both, so r estimates a <-> b without either measuring it.
        Pattern estimate = Pattern.compile("Estimated (\\S+) <-> (\\S+) rtt: ([0-9.]+) ms");
        await("serf rtt on a and b, rollcall rtt on r", 60_000, () -> estimate.matcher(serfRtt(nsA, "a", "r")).find()
                && estimate.matcher(serfRtt(nsB, "b", "r")).find() && estimate.matcher(rollcallCli("rtt", "a", "b")).find(),
                () -> serfRtt(nsA, "a", "r") + " | " + serfRtt(nsB, "b", "r") + " | " + rollcallCli("rtt", "a", "b"));
        for (String out : List.of(serfRtt(nsA, "a", "r"), serfRtt(nsB, "b", "r"), rollcallCli("rtt", "a", "b"),
                rollcallCli("rtt", "a"))) {
            Matcher m = estimate.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            // Namespaces on one host: well under a millisecond or two each way, never tens.
            assertThat(Double.parseDouble(m.group(3))).as(out).isPositive().isLessThan(20.0);
        }
        assertThat(serfRtt(nsA, "a", "b")).contains("Could not find a coordinate for node \"b\"");
    }

    private String serfRtt(String ns, String from, String to) {
        String out = lab.exec(ns, "serf", "rtt", "-rpc-addr=127.0.0.1:7373", from, to);
        if (out != null) {
            return out;
        }
        NetLab.Output failed = NetLab.capture(prefixed(ns, List.of("serf", "rtt", "-rpc-addr=127.0.0.1:7373", from, to)));
        return failed.text();
    }

    @Test
    @Order(6)
    void aSerfNewcomerWithAMembersNameIsToldSoByRollcallsConflictAnswerAndQuits() throws Exception {
        // The newcomer takes a's name at another address on a's side and joins through r alone. r's
        // answer to its _serf_conflict query says where a really is: the newcomer loses the vote.
        lab.addAddress(nsA, "10.79.1.3/24");
        Path log = root.resolve("impostor.log");
        Process impostor = lab.start(nsA, log, "serf", "agent", "-node=a", "-bind=10.79.1.3:7946", "-rpc-addr=127.0.0.1:7374",
                "-log-level=debug", "-profile=lan", "-join=10.79.1.1:7946");
        await("the newcomer lost the name-conflict vote", 30_000,
                () -> read(log).contains("minority in name conflict resolution"), () -> read(log));
        assertThat(impostor.waitFor(15, TimeUnit.SECONDS) || read(log).contains("shutdown")).as(read(log)).isTrue();
        impostor.destroyForcibly();
        // The real a kept its name and its place.
        assertThat(serfs.get(0).isAlive()).as(read(root.resolve("a.log"))).isTrue();
        assertThat(read(root.resolve("a.log"))).doesNotContain("minority in name conflict resolution");
        assertThat(rApi("/v1/members/a")).contains("10.79.1.2");
    }

    @Test
    @Order(7)
    void noSerfAgentLoggedAnythingItCouldNotReadFromRollcall() {
        for (String name : List.of("a", "b")) {
            for (String line : read(root.resolve(name + ".log")).split("\n")) {
                assertThat(line).as(name).doesNotContainIgnoringCase("failed to decode")
                        .doesNotContain("unknown type").doesNotContain("Error decoding").doesNotContain("Unsupported ping version");
            }
        }
        assertThat(rollcall.isAlive()).as(read(rLog)).isTrue();
    }
}
