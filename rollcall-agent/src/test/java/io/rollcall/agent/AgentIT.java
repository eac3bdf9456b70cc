package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code rollcall agent} processes from the packaged jar on loopback addresses (each test its
 * own 127.102.x.0/24), driven through the CLI and the HTTP API. Every process is killed by PID after
 * each test.
 */
class AgentIT {
    @TempDir
    Path dir;
    private final List<AgentProcess> agents = new ArrayList<>();

    @AfterEach
    void killAll() {
        agents.forEach(AgentProcess::kill);
    }

    private AgentProcess agent(String name, String ip, String... extra) throws IOException {
        AgentProcess a = AgentProcess.start(dir, name, ip, List.of(extra));
        agents.add(a);
        return a;
    }

    private void await(String what, long millis, BooleanSupplier condition, Supplier<String> seen) {
        AgentProcess.await(what, millis, condition, seen);
    }

    private String everyView() {
        StringBuilder sb = new StringBuilder();
        for (AgentProcess a : agents) {
            sb.append(a.name).append(a.isAlive() ? "" : "(down)").append('=').append(a.statuses()).append(' ');
        }
        return sb.toString();
    }

    private boolean allSee(List<AgentProcess> observers, String member, String status) {
        return observers.stream().allMatch(o -> status.equals(o.statuses().get(member)));
    }

    private List<AgentProcess> cluster(String net, int size, String... extra) throws IOException {
        List<AgentProcess> c = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            List<String> args = new ArrayList<>(List.of(extra));
            if (i > 1) {
                args.addAll(List.of("--join", net + ".1:7946"));
            }
            c.add(agent("n" + i, net + "." + i, args.toArray(new String[0])));
        }
        await("all " + size + " alive everywhere", 20_000, () -> c.stream().allMatch(a -> a.statuses().size() == size
                && a.statuses().values().stream().allMatch("alive"::equals)), this::everyView);
        return c;
    }

    @Test
    void threeAgentsFormAClusterAndAnswerTheCliAndTheHttpApi() throws Exception {
        List<AgentProcess> c = cluster("127.102.20", 3, "--tag", "role=web");
        Map<String, String> env = Map.of("ROLLCALL_AGENT", c.get(0).url());
        AgentProcess.Result table = AgentProcess.cli(env, "members");
        assertThat(table.status()).as(table.err()).isZero();
        assertThat(table.out()).contains("NAME", "STATUS", "n1", "n2", "n3", "127.102.20.2:7946", "alive", "role=web");
        AgentProcess.Result json = AgentProcess.cli(env, "members", "--format", "json", "--status", "alive");
        List<?> members = (List<?>) Json.read(json.out());
        assertThat(members).hasSize(3);
        assertThat(((Map<?, ?>) members.get(0)).keySet()).map(String::valueOf)
                .containsExactlyInAnyOrder("name", "address", "status", "since", "incarnation", "tags", "rtt", "coordinate");
        // The node's own coordinate is always there: Serf's shape, 8 components.
        Map<?, ?> self = (Map<?, ?>) ((Map<?, ?>) Json.read(c.get(0).get("/v1/members/n1").body())).get("coordinate");
        assertThat(self.keySet()).map(String::valueOf).containsExactly("vec", "error", "adjustment", "height");
        assertThat((List<?>) self.get("vec")).hasSize(8);

        HttpResponse<String> one = c.get(1).get("/v1/members/n3");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(((Map<?, ?>) Json.read(one.body())).get("status")).isEqualTo("alive");
        HttpResponse<String> missing = c.get(1).get("/v1/members/nobody");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(((Map<?, ?>) Json.read(missing.body())).get("error")).asString().contains("nobody");
        assertThat(c.get(1).get("/v1/members?status=sideways").statusCode()).isEqualTo(400);
        assertThat(c.get(1).get("/v1/nothing-here").statusCode()).isEqualTo(404);
        assertThat(c.get(1).send(HttpRequest.newBuilder(URI.create(c.get(1).url() + "/v1/members"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(405);
        assertThat(c.get(1).get("/v1/health").body()).contains("\"score\"");
        String metrics = c.get(0).get("/metrics").body();
        assertThat(metrics).contains("rollcall_members{state=\"alive\",} 3.0", "rollcall_probes_sent_total",
                "rollcall_health_score", "rollcall_messages_out_total{type=\"ping\",}", "rollcall_event_queue_depth",
                "# TYPE rollcall_probe_rtt_seconds histogram", "rollcall_probe_rtt_seconds_bucket{path=\"direct\",le=\"+Inf\",}",
                "rollcall_probe_rtt_seconds_count{path=\"indirect\",}");

        AgentProcess.Result info = AgentProcess.cli(env, "info");
        assertThat(info.out()).contains("name: n1", "incarnation:", "probe_interval_ms: 1000", "health:");
        AgentProcess.Result tags = AgentProcess.cli(Map.of("ROLLCALL_AGENT", c.get(2).url()), "tags", "set", "zone=b");
        assertThat(tags.status()).as(tags.err()).isZero();
        await("n3's new tag seen at n1", 10_000, () -> {
            try {
                return c.get(0).get("/v1/members/n3").body().contains("\"zone\":\"b\"");
            } catch (IOException e) {
                return false;
            }
        }, this::everyView);
        AgentProcess.Result version = AgentProcess.cli(Map.of(), "version");
        assertThat(version.out()).startsWith("rollcall ");
    }

    @Test
    void aKilledAgentIsFailedAndATerminatedOneIsLeftEverywhere() throws Exception {
        List<AgentProcess> c = cluster("127.102.21", 4);
        c.get(3).signal("KILL");
        c.get(2).signal("TERM");
        assertThat(c.get(2).waitForExit(15_000)).as("SIGTERM: leave, then exit 0").isZero();
        List<AgentProcess> survivors = c.subList(0, 2);
        await("n3 left and n4 failed at n1 and n2", 40_000,
                () -> allSee(survivors, "n3", "left") && allSee(survivors, "n4", "failed"), this::everyView);
        assertThat(c.get(2).logText()).contains("left the cluster");
    }

    @Test
    void aKilledAgentsFailureIsExplainedByItsDecisionRecordsOverHttpTheCliAndTheEventStream() throws Exception {
        List<AgentProcess> c = cluster("127.102.36", 3);
        java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<List<String[]>> stream = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return events(c.get(0), null, seen -> {
                    // The snapshot goes out after the stream's subscriptions are in place.
                    subscribed.countDown();
                    return seen.stream().anyMatch(e -> e[1].equals("decision")
                            && e[2].contains("\"member\":\"n3\"") && e[2].contains("\"type\":\"failed\""));
                }, 40_000);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(subscribed.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("n1's event stream opened").isTrue();
        c.get(2).signal("KILL");
        await("n3 failed at n1", 40_000, () -> "failed".equals(c.get(0).statuses().get("n3")), this::everyView);

        HttpResponse<String> history = c.get(0).get("/v1/members/n3/history");
        assertThat(history.statusCode()).isEqualTo(200);
        Map<?, ?> body = (Map<?, ?>) Json.read(history.body());
        assertThat(body.get("member")).isEqualTo("n3");
        List<?> records = (List<?>) body.get("records");
        Map<?, ?> last = (Map<?, ?>) records.get(records.size() - 1);
        assertThat(last.get("type")).isEqualTo("failed");
        assertThat(last.keySet()).map(String::valueOf).contains("at", "incarnation", "via", "learned_from", "summary",
                "declared_by", "declared_here", "suspected_at", "confirmations", "timeout_ms");
        assertThat(records).anySatisfy(r -> assertThat(((Map<?, ?>) r).get("type")).isIn("suspected", "failed"));
        assertThat(c.get(0).get("/v1/members/nobody/history").statusCode()).isEqualTo(404);
        assertThat(c.get(0).get("/v1/members/bad%00name/history").statusCode()).isEqualTo(400);

        Map<String, String> env = Map.of("ROLLCALL_AGENT", c.get(0).url());
        AgentProcess.Result why = AgentProcess.cli(env, "why", "n3");
        assertThat(why.status()).as(why.err()).isZero();
        assertThat(why.out()).startsWith("n3 failed at ").contains("declared failed");
        AgentProcess.Result json = AgentProcess.cli(env, "why", "n3", "--format", "json");
        assertThat(((Map<?, ?>) Json.read(json.out())).get("records")).isEqualTo(records);
        AgentProcess.Result unknown = AgentProcess.cli(env, "why", "nobody");
        assertThat(unknown.status()).isNotZero();
        assertThat(unknown.err().strip()).startsWith("rollcall: ").contains("nobody").doesNotContain("\n");
        AgentProcess.Result healthy = AgentProcess.cli(env, "why", "n2");
        assertThat(healthy.out()).startsWith("n2: no decisions recorded");

        List<String[]> streamed = stream.get(45, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(streamed).anyMatch(e -> e[1].equals("decision") && e[2].contains("\"summary\""));
    }

    @Test
    void theEventStreamResumesFromLastEventIdWithoutMissingAnything() throws Exception {
        List<AgentProcess> c = cluster("127.102.22", 2);
        List<String[]> first = events(c.get(0), null, 1, 10_000);
        assertThat(first.get(0)[1]).isEqualTo("snapshot");
        long seenUpTo = Long.parseLong(first.get(0)[0]);

        agent("n3", "127.102.22.3", "--join", "127.102.22.1:7946");
        AgentProcess.cli(Map.of("ROLLCALL_AGENT", c.get(1).url()), "tags", "set", "color=blue");
        await("n1 saw n3 and n2's tag", 15_000, () -> {
            try {
                return c.get(0).statuses().containsKey("n3") && c.get(0).get("/v1/members/n2").body().contains("blue");
            } catch (IOException e) {
                return false;
            }
        }, this::everyView);
        long now = ((Number) ((Map<?, ?>) Json.read(c.get(0).get("/v1/members").body())).get("version")).longValue();
        assertThat(now).isGreaterThan(seenUpTo + 1);

        List<String[]> resumed = events(c.get(0), Long.toString(seenUpTo), (int) (now - seenUpTo), 10_000);
        List<Long> ids = resumed.stream().map(e -> Long.parseLong(e[0])).toList();
        List<Long> expected = new ArrayList<>();
        for (long v = seenUpTo + 1; v <= now; v++) {
            expected.add(v);
        }
        assertThat(ids).as("every version after the one we had, in order, once").isEqualTo(expected);
        assertThat(resumed).noneMatch(e -> e[1].equals("snapshot"));
        assertThat(resumed).anyMatch(e -> e[1].equals("joined") && e[2].contains("\"name\":\"n3\""));
        assertThat(resumed).anyMatch(e -> e[1].equals("updated") && e[2].contains("blue"));
    }

    @Test
    void aRestartedAgentKeepsItsIdentityAndRejoinsWithoutSeeds() throws Exception {
        List<AgentProcess> c = cluster("127.102.23", 3);
        AgentProcess n2 = c.get(1);
        // The agent writes its member snapshot a second after the last change; the restart below
        // depends on it, so the kill waits for it rather than racing it.
        await("n2 remembered both peers", 20_000, () -> {
            try {
                return new DataDirectory(n2.dataDir).members().size() >= 2;
            } catch (DataDirectory.DataDirectoryException e) {
                return false;
            }
        }, this::everyView);
        n2.signal("KILL");
        await("n2 failed at n1", 40_000, () -> "failed".equals(c.get(0).statuses().get("n2")), this::everyView);
        // Same data directory, no --node and no --join: the name and the peers come from the directory.
        AgentProcess again = AgentProcess.start(dir, "n2", "127.102.23.2", n2.dataDir, List.of(), false);
        agents.add(again);
        await("n2 alive again everywhere", 30_000, () -> allSee(List.of(c.get(0), c.get(2), again), "n2", "alive")
                && again.statuses().size() == 3, this::everyView);
        Map<?, ?> self = (Map<?, ?>) Json.read(again.get("/v1/self").body());
        assertThat(self.get("name")).isEqualTo("n2");
        assertThat(((Number) self.get("incarnation")).longValue()).isGreaterThan(1);
    }

    @Test
    void aWholeClusterStoppedAndRestartedWithNoSeedsReforms() throws Exception {
        List<AgentProcess> c = cluster("127.102.24", 3);
        AgentProcess.sleep(1_500);
        for (AgentProcess a : c) {
            a.signal("TERM");
            assertThat(a.waitForExit(15_000)).isZero();
        }
        List<AgentProcess> again = new ArrayList<>();
        for (AgentProcess a : c) {
            AgentProcess r = AgentProcess.start(dir, a.name, a.ip, a.dataDir, List.of(), false);
            agents.add(r);
            again.add(r);
        }
        await("the cluster re-formed with all three alive", 40_000, () -> again.stream().allMatch(a ->
                a.statuses().size() == 3 && a.statuses().values().stream().allMatch("alive"::equals)), this::everyView);
    }

    @Test
    void aCorruptDataFileIsAClearErrorAndIsNotReplaced() throws Exception {
        Path data = dir.resolve("corrupt-data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("identity.json"), "{\"name\": \"n1\", \"incarn");
        AgentProcess.Result r = AgentProcess.cli(Map.of(), "agent", "--bind", "127.102.25.1:7946", "--http", "127.102.25.1:7947",
                "--data-dir", data.toString());
        assertThat(r.status()).isEqualTo(4);
        assertThat(r.err().strip()).startsWith("rollcall: data file").contains("identity.json is corrupt").doesNotContain("\n")
                .doesNotContain("Exception");
        assertThat(Files.readString(data.resolve("identity.json"))).isEqualTo("{\"name\": \"n1\", \"incarn");
    }

    @Test
    void eventHandlersReceiveTheRightEvents() throws Exception {
        Path out = dir.resolve("handler.out");
        String handler = "echo \"$ROLLCALL_EVENT $ROLLCALL_SELF_NAME $ROLLCALL_TAG_ROLE $(cat)\" >> " + out;
        AgentProcess a = agent("n1", "127.102.26.1", "--tag", "role=watcher", "--event-handler", handler);
        AgentProcess b = agent("n2", "127.102.26.2", "--join", "127.102.26.1:7946");
        await("member-join handled", 15_000, () -> read(out).contains("member-join n1 watcher n2\t127.102.26.2:7946"), () -> read(out));
        b.signal("KILL");
        await("member-failed handled", 40_000, () -> read(out).contains("member-failed n1 watcher n2\t"), () -> read(out));
        assertThat(a.isAlive()).isTrue();
    }

    @Test
    void badInvocationsAreOneLineWithTheDocumentedStatus() throws Exception {
        AgentProcess.Result noAgent = AgentProcess.cli(Map.of("ROLLCALL_AGENT", "http://127.102.27.9:7947"), "members");
        assertThat(noAgent.status()).isEqualTo(1);
        assertThat(noAgent.err().strip()).contains("no agent answering at http://127.102.27.9:7947").doesNotContain("\n");
        AgentProcess.Result badFlag = AgentProcess.cli(Map.of(), "agent", "--bogus", "1");
        assertThat(badFlag.status()).isEqualTo(2);
        assertThat(badFlag.err().strip()).isEqualTo("rollcall: unknown flag --bogus (see 'rollcall agent --help')");
        AgentProcess.Result badCommand = AgentProcess.cli(Map.of(), "frobnicate");
        assertThat(badCommand.status()).isEqualTo(2);
        AgentProcess.Result badFormat = AgentProcess.cli(Map.of("ROLLCALL_AGENT", "http://127.102.27.9:7947"), "members",
                "--format", "xml");
        assertThat(badFormat.status()).isEqualTo(2);
        AgentProcess.Result cannotJoin = AgentProcess.cli(Map.of(), "agent", "--bind", "127.102.27.1:7946", "--http",
                "127.102.27.1:7947", "--data-dir", dir.resolve("j").toString(), "--node", "j", "--join", "127.102.27.2:7946");
        assertThat(cannotJoin.status()).isEqualTo(3);
        // The agent had started logging before the join failed; its last word is the one-line reason.
        String[] lines = cannotJoin.err().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("rollcall: could not join any seed").contains("127.102.27.2:7946");
        assertThat(cannotJoin.err()).doesNotContain("Exception").doesNotContain("\tat ");
        // Nothing listens at the seed: trying again cannot help, so the first refusal is final.
        assertThat(cannotJoin.err()).doesNotContain("join attempt");
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "nodee: x\n");
        AgentProcess.Result badConfig = AgentProcess.cli(Map.of(), "agent", "--config", config.toString());
        assertThat(badConfig.status()).isEqualTo(2);
        assertThat(badConfig.err()).contains("unknown key 'nodee'");
    }

    @Test
    void aStartUpJoinIsTriedAgainWhileTheSeedAcceptsButDoesNotAnswer() throws Exception {
        // The kernel completes the handshake from the backlog and nobody reads: a seed too busy to answer.
        try (ServerSocket busySeed = new ServerSocket(0, 50, InetAddress.getByName("127.102.30.2"))) {
            String seed = "127.102.30.2:" + busySeed.getLocalPort();
            AgentProcess.Result r = AgentProcess.cli(Map.of(), "agent", "--bind", "127.102.30.1:7946", "--http",
                    "127.102.30.1:7947", "--data-dir", dir.resolve("j").toString(), "--node", "j", "--profile", "local",
                    "--join", seed);
            assertThat(r.status()).isEqualTo(3);
            assertThat(r.err()).contains("join attempt 1 of 3").contains("join attempt 2 of 3")
                    .doesNotContain("join attempt 3 of 3");
            String[] lines = r.err().strip().split("\n");
            assertThat(lines[lines.length - 1]).startsWith("rollcall: could not join any seed").contains(seed)
                    .contains("no answer");
        }
    }

    @Test
    void aSecondSignalStopsAtOnceWithoutLeaving() throws Exception {
        List<AgentProcess> c = cluster("127.102.28", 2);
        // The first signal starts a graceful leave (which waits at least the propagation delay);
        // the second one, right behind it, must not wait for it.
        new ProcessBuilder("sh", "-c", "kill -TERM " + c.get(1).pid() + "; sleep 0.3; kill -TERM " + c.get(1).pid()).start().waitFor();
        assertThat(c.get(1).waitForExit(10_000)).isEqualTo(130);
        assertThat(c.get(1).logText()).contains("second signal");
    }

    @Test
    void monitorStreamsChangesAsJsonLinesAndTheLogStaysQuietWhenNothingChanges() throws Exception {
        List<AgentProcess> c = cluster("127.102.29", 2);
        Path out = dir.resolve("monitor.out");
        Process monitor = new ProcessBuilder(AgentProcess.java("monitor", "--agent", c.get(0).url()))
                .redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            AgentProcess.sleep(1_500);
            long linesBefore = c.get(0).logText().lines().count();
            AgentProcess.sleep(3_000);
            assertThat(c.get(0).logText().lines().count()).as("no log lines while the cluster is steady").isEqualTo(linesBefore);
            agent("n3", "127.102.29.3", "--join", "127.102.29.1:7946", "--tag", "role=db");
            await("monitor printed n3 joining", 15_000, () -> read(out).contains("\"member\":\"n3\""), () -> read(out));
            Map<?, ?> line = (Map<?, ?>) Json.read(read(out).lines().filter(l -> l.contains("\"n3\"")).findFirst().orElseThrow());
            assertThat(line.keySet()).map(String::valueOf)
                    .containsExactly("sequence", "time", "type", "member", "address", "state", "incarnation", "tags");
            assertThat(line.get("type")).isEqualTo("joined");
            assertThat(line.get("address")).isEqualTo("127.102.29.3:7946");
            assertThat(line.get("state")).isEqualTo("alive");
            assertThat(String.valueOf(line.get("time"))).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
            assertThat(String.valueOf(((Map<?, ?>) line.get("tags")).get("role"))).isEqualTo("db");
        } finally {
            monitor.destroyForcibly();
            monitor.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStartRefusedForABadSettingLeavesTheDataDirectoryAsItWas() throws Exception {
        Path data = dir.resolve("untouched");
        String[] common = {"agent", "--bind", "127.102.33.1:7946", "--http", "127.102.33.1:7947", "--data-dir", data.toString()};
        AgentProcess.Result emptyName = AgentProcess.cli(Map.of(), concat(common, "--node="));
        assertThat(emptyName.status()).as(emptyName.err()).isEqualTo(2);
        assertThat(emptyName.err().strip()).isEqualTo("rollcall: node name must not be empty");
        AgentProcess.Result badSeed = AgentProcess.cli(Map.of(), concat(common, "--node", "n1", "--join", "127.102.33.2:99999"));
        assertThat(badSeed.status()).as(badSeed.err()).isEqualTo(2);
        assertThat(badSeed.err().strip()).isEqualTo("rollcall: --join: bad port in address '127.102.33.2:99999'");
        AgentProcess.Result badRetry = AgentProcess.cli(Map.of(), concat(common, "--node", "n1", "--retry-join", "127.102.33.2:abc"));
        assertThat(badRetry.status()).as(badRetry.err()).isEqualTo(2);
        assertThat(badRetry.err().strip()).startsWith("rollcall: --retry-join: bad port");
        assertThat(data.resolve("identity.json")).as("no identity saved by a refused start").doesNotExist();

        // Every refusal above is a flag checked before the data directory is opened: it may not even exist.
        Files.createDirectories(data);
        Files.writeString(data.resolve("identity.json"), "{\"name\": \"n1\", \"incarnation\": 4294967294}");
        AgentProcess.Result exhausted = AgentProcess.cli(Map.of(), concat(common, "--node", "n1"));
        assertThat(exhausted.status()).as(exhausted.err()).isEqualTo(4);
        assertThat(exhausted.err().strip()).contains("has used every incarnation").doesNotContain("\n");
        assertThat(Files.readString(data.resolve("identity.json"))).contains("4294967294");

        Path keyring = dir.resolve("keyring.json");
        Files.writeString(keyring, "[\"not base64!\"]");
        AgentProcess.Result badKeyring = AgentProcess.cli(Map.of(), "agent", "--node", "n2", "--bind", "127.102.33.2:7946",
                "--http", "127.102.33.2:7947", "--data-dir", dir.resolve("keyring-data").toString(), "--keyring-file",
                keyring.toString());
        assertThat(badKeyring.status()).as(badKeyring.err()).isEqualTo(4);
        assertThat(badKeyring.err().strip()).isEqualTo("rollcall: keyring file " + keyring
                + " is corrupt: entry 1 is not a base64 AES key of 16, 24 or 32 bytes");
    }

    @Test
    void tagsTheAgentCannotKeepAreRefusedAndEventHandlersKeepRunning() throws Exception {
        Path out = dir.resolve("handler.out");
        AgentProcess a = agent("n1", "127.102.34.1", "--event-handler", "echo \"$ROLLCALL_EVENT $(cat)\" >> " + out);
        HttpClient http = HttpClient.newHttpClient();
        for (String body : List.of("{\"set\":{\"a\":\"x\\u0000y\"}}", "{\"set\":\"notamap\"}", "{\"bogus\":1}",
                "{\"delete\":[1]}", "{\"set\":{\"a\":1}}", "{}")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(a.url() + "/v1/tags"))
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).startsWith("{\"error\":");
        }
        // A NUL cannot be passed as an argument, but a config file can hold one.
        Path config = dir.resolve("nul.json");
        Files.writeString(config, "{\"tags\": {\"b\": \"x\\u0000y\"}}");
        AgentProcess.Result nulTag = AgentProcess.cli(Map.of(), "agent", "--node", "n9", "--bind", "127.102.34.9:7946",
                "--http", "127.102.34.9:7947", "--data-dir", dir.resolve("nul").toString(), "--config", config.toString());
        assertThat(nulTag.status()).as(nulTag.err()).isEqualTo(2);
        assertThat(nulTag.err().strip()).isEqualTo("rollcall: tag 'b' contains a NUL character");
        agent("n2", "127.102.34.2", "--join", "127.102.34.1:7946");
        await("the handler ran for n2", 15_000, () -> read(out).contains("member-join n2"), () -> read(out) + a.logText());
        assertThat(a.logText()).doesNotContain("Exception");
    }

    @Test
    void theCliSaysSoWhenSomethingOtherThanAnAgentAnswers() throws Exception {
        for (String reply : List.of("{}", "[]", "{\"members\": 3, \"joined\": \"x\", \"tags\": 1}")) {
            PlainHttpServer stub = new PlainHttpServer(new java.net.InetSocketAddress("127.102.35.1", 0), 8, HttpApi.LIMITS,
                    req -> null, (req, res) -> res.send(200, "application/json", reply.getBytes(StandardCharsets.UTF_8)));
            stub.start();
            try {
                Map<String, String> env = Map.of("ROLLCALL_AGENT", "http://127.102.35.1:" + stub.address().getPort());
                for (String[] command : List.of(new String[] {"members"}, new String[] {"info"}, new String[] {"leave"},
                        new String[] {"join", "127.102.35.2"}, new String[] {"tags", "set", "a=b"}, new String[] {"keys", "list"})) {
                    AgentProcess.Result r = AgentProcess.cli(env, command);
                    String what = String.join(" ", command) + " against " + reply;
                    if (command[0].equals("info") && reply.startsWith("{")) {
                        continue; // any object is a valid answer to print
                    }
                    assertThat(r.status()).as(what + ": " + r.out() + r.err()).isEqualTo(1);
                    assertThat(r.err().strip()).as(what).contains("not a Rollcall agent's").doesNotContain("Exception")
                            .doesNotContain("\n");
                }
            } finally {
                stub.close();
            }
        }
        Map<String, String> nowhere = Map.of("ROLLCALL_AGENT", "http://127.102.35.9:7947");
        for (String[] usage : List.of(new String[] {"members", "--status", "bogus"}, new String[] {"members", "--status", "a b"},
                new String[] {"info", "--format", "xml"}, new String[] {"monitor", "--since", "abc"},
                new String[] {"members", "--agent", "ftp://127.102.35.9:7947"})) {
            AgentProcess.Result r = AgentProcess.cli(nowhere, usage);
            assertThat(r.status()).as(String.join(" ", usage) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).doesNotContain("Exception");
        }
        AgentProcess.Result bare = AgentProcess.cli(nowhere);
        assertThat(bare.status()).isEqualTo(2);
        assertThat(bare.out()).isEmpty();
        assertThat(bare.err()).startsWith("usage: rollcall");
        AgentProcess.Result help = AgentProcess.cli(nowhere, "members", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("usage: rollcall members");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** Reads Server-Sent Events until {@code count} events arrived; each as [id, event, data]. */
    private static List<String[]> events(AgentProcess agent, String lastEventId, int count, long timeoutMillis)
            throws Exception {
        List<String[]> out = events(agent, lastEventId, seen -> seen.size() >= count, timeoutMillis);
        assertThat(out).as("events from " + agent.name).hasSizeGreaterThanOrEqualTo(count);
        return out;
    }

    /** Reads the event stream until {@code done} holds for what was read (or the time is up); each event as {id, type, data}. */
    private static List<String[]> events(AgentProcess agent, String lastEventId,
                                         java.util.function.Predicate<List<String[]>> done, long timeoutMillis)
            throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(agent.url() + "/v1/events")).GET();
        if (lastEventId != null) {
            req.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String[]> out = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String event = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        synchronized (out) {
                            out.add(new String[] {id, event, line.substring(6)});
                            if (done.test(out)) {
                                return;
                            }
                        }
                    } else if (line.isEmpty()) {
                        // An event without an id line (a decision record) keeps no stale one.
                        id = null;
                    }
                }
            } catch (IOException e) {
                // Stream closed.
            }
        });
        reader.setDaemon(true);
        reader.start();
        reader.join(timeoutMillis);
        response.body().close();
        synchronized (out) {
            return new ArrayList<>(out);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
