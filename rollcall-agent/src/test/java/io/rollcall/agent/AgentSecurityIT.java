package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.security.GossipKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's security settings on real processes: encryption, key rotation, HTTP token, allowed networks. */
class AgentSecurityIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    @TempDir
    Path dir;
    private final List<AgentProcess> agents = new ArrayList<>();

    @AfterEach
    void killAll() {
        agents.forEach(AgentProcess::kill);
    }

    private AgentProcess agent(String name, String ip, String... extra) throws Exception {
        AgentProcess a = AgentProcess.start(dir, name, ip, List.of(extra));
        agents.add(a);
        return a;
    }

    private static void await(String what, BooleanSupplier condition, Supplier<String> seen) {
        AgentProcess.await(what, 30_000, condition, seen);
    }

    @Test
    void encryptedAgentsRotateKeysAndKeepTheirKeyringFilesCurrent() throws Exception {
        String k1 = GossipKey.generate(32, RANDOM).toBase64();
        String k2 = GossipKey.generate(32, RANDOM).toBase64();
        Path ring1 = dir.resolve("ring1.json");
        Path ring2 = dir.resolve("ring2.json");
        AgentProcess a = agent("e1", "127.103.30.1", "--encrypt", k1, "--keyring-file", ring1.toString());
        AgentProcess b = agent("e2", "127.103.30.2", "--encrypt", k1, "--keyring-file", ring2.toString(),
                "--join", "127.103.30.1:7946");
        await("both alive", () -> a.statuses().size() == 2 && a.statuses().values().stream().allMatch("alive"::equals),
                () -> a.statuses().toString());
        Map<String, String> env = Map.of("ROLLCALL_AGENT", a.url());
        AgentProcess.Result install = AgentProcess.cli(env, "keys", "install", k2);
        assertThat(install.status()).as(install.out() + install.err()).isZero();
        assertThat(install.out()).contains("members: 2, responses: 2");
        assertThat(AgentProcess.cli(env, "keys", "use", k2).status()).isZero();
        assertThat(AgentProcess.cli(env, "keys", "remove", k1).status()).isZero();
        AgentProcess.Result list = AgentProcess.cli(env, "keys", "list");
        assertThat(list.out()).contains("key " + k2 + " on 2 member(s)").doesNotContain(k1);
        await("both keyring files hold only the new key", () -> read(ring1).equals("[\"" + k2 + "\"]")
                && read(ring2).equals("[\"" + k2 + "\"]"), () -> read(ring1) + " / " + read(ring2));
        // A node still on the old key cannot get in.
        AgentProcess.Result stale = AgentProcess.cli(Map.of(), "agent", "--node", "stale", "--bind", "127.103.30.3:7946",
                "--http", "127.103.30.3:7947", "--data-dir", dir.resolve("stale").toString(), "--encrypt", k1,
                "--join", "127.103.30.1:7946");
        assertThat(stale.status()).isEqualTo(3);
        assertThat(stale.err()).contains("no installed gossip key decrypts the answer");
    }

    @Test
    void theHttpTokenIsRequiredAndOffLoopbackTheApiRefusesToStartWithoutOne() throws Exception {
        AgentProcess a = agent("t1", "127.103.31.1", "--http-token", "s3cret");
        assertThat(a.get("/v1/self").statusCode()).isEqualTo(401);
        assertThat(a.send(HttpRequest.newBuilder(URI.create(a.url() + "/v1/self")).header("Authorization", "Bearer s3cret")
                .GET().build()).statusCode()).isEqualTo(200);
        AgentProcess.Result ok = AgentProcess.cli(Map.of("ROLLCALL_AGENT", a.url(), "ROLLCALL_HTTP_TOKEN", "s3cret"), "members");
        assertThat(ok.status()).as(ok.err()).isZero();
        AgentProcess.Result wrong = AgentProcess.cli(Map.of("ROLLCALL_AGENT", a.url()), "members", "--token", "nope");
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.err().strip()).isEqualTo("rollcall: missing or wrong token (set --token or ROLLCALL_HTTP_TOKEN)");
        // Checked before any socket is opened: nothing listens beyond loopback.
        AgentProcess.Result open = AgentProcess.cli(Map.of(), "agent", "--node", "o", "--bind", "127.103.31.2:7946",
                "--http", "0.0.0.0:7947", "--data-dir", dir.resolve("o").toString());
        assertThat(open.status()).isEqualTo(2);
        assertThat(open.err()).contains("would be reachable from other hosts").contains("--http-token");
    }

    /**
     * Slowloris from one host and from many, on both ports at once: 100 HTTP connections without a
     * token and 130 gossip connections trickling a byte every 2 s, from one address and again from
     * 100 and 130 addresses. An authorised request (its scheme in lower case) is still answered and a
     * new agent still joins; every displaced connection is counted.
     */
    @Test
    void slowClientsFromOneHostOrManyLockNoAuthorisedClientOutAndKeepNoJoinOut() throws Exception {
        AgentProcess a = agent("s1", "127.103.40.1", "--http-token", "s3cret");
        List<java.net.Socket> slow = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread trickler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                AgentProcess.sleep(2_000);
                for (java.net.Socket s : slow) {
                    try {
                        s.getOutputStream().write('a');
                    } catch (java.io.IOException displaced) {
                        // the agent closed it to make room: an attacker would open another
                    }
                }
            }
        }, "slowloris");
        trickler.setDaemon(true);
        try {
            byte[] httpHead = "GET /v1/self HTTP/1.1\r\nX-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] pushPull = {0x06, (byte) 0x81, (byte) 0xda, (byte) 0xff, (byte) 0xff};
            for (int i = 0; i < 130; i++) {
                if (i < 100) {
                    slow.add(slowConnection("127.103.41.1", "127.103.40.1", 7947, httpHead));
                    slow.add(slowConnection("127.103.42." + (1 + i), "127.103.40.1", 7947, httpHead));
                }
                slow.add(slowConnection("127.103.41.1", "127.103.40.1", 7946, pushPull));
                slow.add(slowConnection("127.103.43." + (1 + i), "127.103.40.1", 7946, pushPull));
            }
            trickler.start();
            HttpRequest authorised = HttpRequest.newBuilder(URI.create(a.url() + "/v1/self"))
                    .header("Authorization", "bearer s3cret").GET().build();
            assertThat(a.send(authorised).statusCode()).isEqualTo(200);
            AgentProcess b = agent("s2", "127.103.40.2", "--http-token", "s3cret", "--join", "127.103.40.1:7946");
            HttpRequest members = HttpRequest.newBuilder(URI.create(a.url() + "/v1/members"))
                    .header("Authorization", "Bearer s3cret").GET().build();
            await("s1 lists s2", () -> {
                try {
                    return a.send(members).body().contains("\"s2\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, b::logText);
            String metrics = a.send(HttpRequest.newBuilder(URI.create(a.url() + "/metrics"))
                    .header("X-Rollcall-Token", "s3cret").GET().build()).body();
            assertThat(metrics).containsPattern("rollcall_http_refused_total\\{reason=\"head_displaced\"} [1-9]")
                    .containsPattern("rollcall_dropped_total\\{reason=\"transport.inbound_stream_displaced\",?} [1-9]");
            assertThat(a.isAlive()).isTrue();
        } finally {
            trickler.interrupt();
            for (java.net.Socket s : slow) {
                s.close();
            }
        }
    }

    private static java.net.Socket slowConnection(String from, String ip, int port, byte[] first) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket();
        s.bind(new java.net.InetSocketAddress(from, 0));
        s.connect(new java.net.InetSocketAddress(ip, port), 2_000);
        s.getOutputStream().write(first);
        return s;
    }

    @Test
    void gossipFromOutsideTheAllowedNetworksIsRefused() throws Exception {
        AgentProcess a = agent("c1", "127.103.32.1", "--allow-cidr", "127.103.32.0/24");
        AgentProcess inside = agent("c2", "127.103.32.2", "--join", "127.103.32.1:7946");
        await("the inside node joined", () -> a.statuses().containsKey("c2"), () -> a.statuses().toString());
        AgentProcess.Result outside = AgentProcess.cli(Map.of(), "agent", "--node", "c3", "--bind", "127.103.33.1:7946",
                "--http", "127.103.33.1:7947", "--data-dir", dir.resolve("c3").toString(), "--join", "127.103.32.1:7946");
        assertThat(outside.status()).isEqualTo(3);
        assertThat(a.statuses()).doesNotContainKey("c3");
        assertThat(a.get("/v1/health").body()).contains("transport.source_not_allowed");
        assertThat(inside.isAlive()).isTrue();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p).strip() : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
