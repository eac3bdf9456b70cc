package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.message.Dead;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own state on disk, on real processes: what it gossips about itself is stored first,
 * one agent per data directory, corrupt or large files, failed starts. Each test has its own
 * 127.102.7x.0/24; every process is killed by PID after each test.
 */
class AgentDataDirectoryIT {
    @RegisterExtension
    final AgentGroup agents = new AgentGroup();
    @TempDir
    Path dir;

    /** Starts an agent the test cleans up after, by PID. */
    private AgentProcess agent(String name, String ip, String... extra) throws IOException {
        return agents.start(dir, name, ip, List.of(extra));
    }

    /** A forged claim from a host that is no member: any host can send one to an unencrypted agent. */
    private static void claimDead(AgentProcess target, long incarnation, String fromIp) throws IOException {
        byte[] datagram = new PacketCodec(CodecConfig.DEFAULT).encode(List.of(new Dead(incarnation, target.name, "liar")), false);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(fromIp), 0))) {
            s.send(new DatagramPacket(datagram, datagram.length, new InetSocketAddress(target.ip, 7946)));
        }
    }

    private static Map<?, ?> self(AgentProcess a) {
        try {
            return (Map<?, ?>) Json.read(a.get("/v1/self").body());
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tags(AgentProcess a) {
        return (Map<String, Object>) self(a).get("tags");
    }

    private static long incarnation(AgentProcess a) {
        return self(a).get("incarnation") instanceof Long l ? l : -1;
    }

    private static long memberIncarnation(AgentProcess a, String name) {
        try {
            Map<?, ?> m = (Map<?, ?>) Json.read(a.get("/v1/members/" + name).body());
            return m.get("incarnation") instanceof Long l ? l : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long storedIncarnation(Path dataDir) {
        try {
            return (Long) ((Map<?, ?>) Json.read(Files.readString(dataDir.resolve("identity.json")))).get("incarnation");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Runs {@code rollcall args...} that should exit on its own, for at most 30 s: an agent that
     * wrongly keeps running is killed (status -1), rather than blocking the test on its output.
     */
    private AgentProcess.Result exits(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(AgentProcess.java(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int status = -1;
        if (p.waitFor(30, TimeUnit.SECONDS)) {
            status = p.exitValue();
        } else {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return new AgentProcess.Result(status, Files.readString(out), Files.readString(err));
    }

    private static String body(AgentProcess a, String path) {
        try {
            return a.get(path).body();
        } catch (IOException e) {
            return "";
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void anIncarnationRaisedByARefutationIsShownStoredAndOutrankedByTheNextLife() throws Exception {
        AgentProcess a = agent("r1", "127.102.70.1");
        long first = incarnation(a);
        long accused = first + 50;
        claimDead(a, accused, "127.102.70.9");
        AgentProcess.await("the refutation shows in /v1/self", 10_000, () -> incarnation(a) == accused + 1,
                () -> "incarnation " + incarnation(a));
        assertThat(memberIncarnation(a, "r1")).isEqualTo(accused + 1);
        // Stored before it was gossiped, so it is on disk by the time anyone could have heard it.
        assertThat(storedIncarnation(a.dataDir)).isGreaterThanOrEqualTo(accused + 1);
        a.signal("KILL");
        a.waitForExit(10_000);
        AgentProcess again = agent("r1", "127.102.70.1");
        assertThat(incarnation(again)).as("the next life outranks what the cluster holds").isGreaterThan(accused + 1);
    }

    @Test
    void aRefutationWithinTheReservedBlockNeedsNoWriteAndBeyondItOneThatFailsIsRefusedAndCounted() throws Exception {
        AgentProcess a = agent("r2", "127.102.71.1");
        // The disk is full for identity.json from now on (each write to /dev/full fails with ENOSPC).
        Path tmp = a.dataDir.resolve("identity.json.tmp");
        Files.createSymbolicLink(tmp, Path.of("/dev/full"));
        long stored = storedIncarnation(a.dataDir);
        claimDead(a, 3, "127.102.71.9");
        AgentProcess.await("refuted within the block", 10_000, () -> incarnation(a) == 4, () -> "incarnation " + incarnation(a));
        assertThat(storedIncarnation(a.dataDir)).isEqualTo(stored).isGreaterThanOrEqualTo(4);

        claimDead(a, 1_000, "127.102.71.9");
        AgentProcess.await("the refusal counted", 10_000, () -> body(a, "/v1/health").contains("engine.self_state_not_stored"),
                () -> a.logText());
        assertThat(incarnation(a)).isEqualTo(4);
        assertThat(a.logText()).contains("own state not stored").contains("No space left on device");
        assertThat(Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)).as("the failed write removed its temporary file").isFalse();
        // The disk works again: the next accusation is refuted and stored.
        claimDead(a, 1_000, "127.102.71.9");
        AgentProcess.await("refuted once the write works", 10_000, () -> incarnation(a) == 1_001,
                () -> "incarnation " + incarnation(a));
        assertThat(storedIncarnation(a.dataDir)).isGreaterThanOrEqualTo(1_001);
    }

    @Test
    void tagsThatCannotBeStoredAreRefusedAndNeitherAppliedNorGossiped() throws Exception {
        AgentProcess a = agent("t1", "127.102.72.1");
        AgentProcess b = agent("t2", "127.102.72.2", "--join", "127.102.72.1:7946");
        Path tmp = a.dataDir.resolve("tags.json.tmp");
        Files.createSymbolicLink(tmp, Path.of("/dev/full"));
        HttpResponse<String> refused = a.send(HttpRequest.newBuilder(URI.create(a.url() + "/v1/tags"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"set\": {\"role\": \"db\"}}")).build());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("tags not changed").contains("No space left on device");
        assertThat(tags(a)).doesNotContainKey("role");
        assertThat(Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(a.dataDir.resolve("tags.json")).doesNotExist();
        // A later change that can be stored goes out with the whole tag set: the refused tag is not in it.
        HttpResponse<String> ok = a.send(HttpRequest.newBuilder(URI.create(a.url() + "/v1/tags"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"set\": {\"zone\": \"b\"}}")).build());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        AgentProcess.await("t2 sees the stored change", 15_000, () -> body(b, "/v1/members/t1").contains("\"zone\":\"b\""),
                () -> read(b.log));
        assertThat(b.get("/v1/members/t1").body()).doesNotContain("role");
        assertThat(read(a.dataDir.resolve("tags.json"))).contains("zone").doesNotContain("role");
        // And a restart keeps what was acknowledged.
        a.signal("KILL");
        a.waitForExit(10_000);
        AgentProcess again = agent("t1", "127.102.72.1");
        assertThat(tags(again)).containsEntry("zone", "b").doesNotContainKey("role");
    }

    @Test
    void aSecondAgentOnTheSameDataDirectoryExitsFourNamingTheFirst() throws Exception {
        AgentProcess a = agent("l1", "127.102.73.1");
        String identity = read(a.dataDir.resolve("identity.json"));
        AgentProcess.Result second = exits("agent", "--bind", "127.102.73.2:7946", "--http",
                "127.102.73.2:7947", "--data-dir", a.dataDir.toString());
        assertThat(second.status()).as(second.err()).isEqualTo(4);
        assertThat(second.err().strip()).isEqualTo("rollcall: data directory " + a.dataDir + " is in use by another agent (pid "
                + a.pid() + "); stop it or use another --data-dir");
        assertThat(read(a.dataDir.resolve("identity.json"))).isEqualTo(identity);
        assertThat(a.isAlive()).isTrue();
        // Once the first is gone, however it went, the directory is free.
        a.signal("KILL");
        a.waitForExit(10_000);
        agent("l1", "127.102.73.1");
    }

    @Test
    void aCorruptMemberListIsExitFourAndLeftUntouchedAndALongValidOneIsRead() throws Exception {
        Path data = dir.resolve("m-data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("identity.json"), "{\"name\": \"m1\", \"incarnation\": 7}");
        String damaged = "{\"members\": [{\"name\": \"m2\", \"addr";
        Files.writeString(data.resolve("members.json"), damaged);
        AgentProcess.Result r = exits("agent", "--bind", "127.102.74.1:7946", "--http", "127.102.74.1:7947",
                "--data-dir", data.toString());
        assertThat(r.status()).as(r.err()).isEqualTo(4);
        assertThat(r.err().strip()).startsWith("rollcall: data file " + data.resolve("members.json") + " is corrupt")
                .contains("left untouched").doesNotContain("\n");
        assertThat(read(data.resolve("members.json"))).isEqualTo(damaged);

        // 100,000 entries, 5 MB, valid: read (the first 4,096 kept), not called invalid, not replaced.
        StringBuilder sb = new StringBuilder("{\"members\": [");
        for (int i = 0; i < 100_000; i++) {
            sb.append(i == 0 ? "" : ",\n").append("{\"name\": \"member-").append(i).append("\", \"address\": \"127.102.75.")
                    .append(1 + i % 5).append(":7946\"}");
        }
        String large = sb.append("]}").toString();
        assertThat(large.length()).isGreaterThan(5_000_000);
        Files.writeString(data.resolve("members.json"), large);
        AgentProcess a = agents.own(AgentProcess.start(dir, "m1", "127.102.74.1", data, List.of(), false));
        AgentProcess.await("rejoining the remembered addresses", 10_000, () -> a.logText().contains("rejoining through 5 address(es)"),
                a::logText);
        assertThat(a.logText()).doesNotContain("not valid JSON");
        a.signal("TERM");
        assertThat(a.waitForExit(20_000)).isZero();
        assertThat(read(data.resolve("members.json"))).isEqualTo(large);
    }

    @Test
    void aFailedJoinLeavesTheIdentityAsItWasAndSaysNothingAboutLeaving() throws Exception {
        Path data = dir.resolve("j-data");
        Files.createDirectories(data);
        String identity = "{\"name\": \"j1\", \"incarnation\": 7}";
        Files.writeString(data.resolve("identity.json"), identity);
        String members = "{\"members\": [{\"name\": \"j9\", \"address\": \"127.102.76.9:7946\"}]}";
        Files.writeString(data.resolve("members.json"), members);
        for (int attempt = 0; attempt < 2; attempt++) {
            // Nothing listens at the seed: refused, so no one can have heard of this start.
            AgentProcess.Result r = exits("agent", "--bind", "127.102.76.1:7946", "--http",
                    "127.102.76.1:7947", "--data-dir", data.toString(), "--join", "127.102.76.2:7946");
            assertThat(r.status()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).contains("could not join any seed").doesNotContain("member left");
        }
        assertThat(storedIncarnation(data)).as(read(data.resolve("identity.json"))).isEqualTo(7);
        assertThat(read(data.resolve("members.json"))).isEqualTo(members);
    }
}
