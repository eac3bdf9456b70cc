package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.UserData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory budget on real agents started by the launcher ({@code ./rollcall agent}, -Xmx64m): the
 * worst input each limit allows, and inputs far beyond them, sent as an attacker on the network
 * would, leave the agent alive, answering, within a resident-memory bound, and still able to take in
 * a real member; every refusal is counted.
 */
class MemoryBudgetIT {
    /**
     * What a launcher agent may take at most: a 64 MiB heap full, plus metaspace, code cache, thread
     * stacks and the C heap (an idle agent is about 40 MiB resident).
     */
    private static final long MAX_RSS_KIB = 150 * 1024;
    private static final Pattern BUDGET = Pattern.compile("memory budget ([0-9.]+) MiB");
    private static final StreamCodec PLAIN = new StreamCodec(CodecConfig.DEFAULT.withCompression(false));
    private static final int META_BYTES = 511;
    /** Runtime.maxMemory() of a serial-collector JVM with -Xmx64m. */
    private static final long LAUNCHER_MAX_HEAP_BYTES = 64_880_640;

    @TempDir
    Path dir;

    /** Started through the launcher; each test closes (kills) its agents with try-with-resources. */
    private AgentProcess agent(String name, String ip, String... extra) throws IOException {
        return AgentProcess.startWithLauncher(dir, name, ip, List.of(extra));
    }

    @Test
    void compressionBombsOverUdpAndTcpAreRefusedAtTheBudget() throws Exception {
        try (AgentProcess a = agent("bomb", "127.104.1.1")) {
            sendBombs(a);
        }
    }

    private static void sendBombs(AgentProcess a) throws Exception {
        long stream = streamMessageBytes(a);
        // The issue's bomb: about 23 KB of LZW that expands to 30 MB, under the old 40 MiB limit.
        byte[] udpBomb = new PacketCodec(CodecConfig.DEFAULT).encode(List.of(user(30_000_000)), true);
        assertThat(udpBomb.length).isLessThan(65_536);
        for (int i = 0; i < 5; i++) {
            sendUdp(a, udpBomb);
        }
        // The worst a datagram may hold: one that decompresses to just under the 1 MiB packet limit.
        byte[] udpWorst = new PacketCodec(CodecConfig.DEFAULT).encode(List.of(user(1_000_000)), true);
        for (int i = 0; i < 20; i++) {
            sendUdp(a, udpWorst);
        }
        StreamCodec compressed = new StreamCodec(CodecConfig.DEFAULT);
        sendStreams(a, compressed.encode(user(30_000_000)), 3);
        // Streams at the per-stream limit, all at once: the in-flight budget refuses what does not fit.
        sendStreams(a, compressed.encode(user((int) (stream * 9 / 10))), 16);
        sendStreams(a, PLAIN.encode(user((int) (stream * 9 / 10))), 16);
        assertAliveAndAnswering(a);
        Map<?, ?> dropped = dropped(a);
        assertThat(count(dropped, "codec.decompression_limit")).as(dropped.toString()).isGreaterThanOrEqualTo(5);
        assertThat(count(dropped, "codec.decompression_limit") + count(dropped, "codec.oversized")
                + count(dropped, "codec.memory_budget")).as(dropped.toString()).isGreaterThanOrEqualTo(8);
        assertThat(a.logText()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void stateExchangesFullOfInventedMembersStayWithinTheMemberBudget() throws Exception {
        try (AgentProcess a = agent("target", "127.104.2.1")) {
            injectInventedMembers(a);
        }
    }

    private void injectInventedMembers(AgentProcess a) throws Exception {
        long stream = streamMessageBytes(a);
        Bytes bigMeta = meta(META_BYTES);
        // The issue's push/pull: 20,000 entries with 511-byte metadata, 11.7 MB; plain and compressed.
        byte[] issue = PLAIN.encode(new PushPull(false, fakes("issue", 20_000, bigMeta), Bytes.EMPTY));
        assertThat(issue.length).isGreaterThan(11_000_000);
        sendStreams(a, issue, 1);
        sendStreams(a, new StreamCodec(CodecConfig.DEFAULT).encode(new PushPull(false, fakes("issuez", 20_000, bigMeta),
                Bytes.EMPTY)), 1);
        assertAliveAndAnswering(a);
        // The largest push/pulls the stream limit allows, with the costliest metadata: 511 bytes, as
        // one tag and as a hundred tiny ones. Sixteen at once, then batch after batch of new names.
        int entries = (int) (stream / (META_BYTES + 80)) * 9 / 10;
        byte[] first = PLAIN.encode(new PushPull(false, fakes("first", entries, bigMeta), Bytes.EMPTY));
        assertThat((long) first.length).isLessThan(stream);
        sendStreams(a, first, 1);
        assertAliveAndAnswering(a);
        long fakesAfterOne = members(a) - 1;
        // A real node joins after the first batch: there is room for it.
        try (AgentProcess b = agent("real", "127.104.2.2", "--join", a.gossipAddress())) {
            fillTheTableBesideARealNode(a, b, entries, bigMeta, fakesAfterOne);
        }
    }

    private static void fillTheTableBesideARealNode(AgentProcess a, AgentProcess b, int entries, Bytes bigMeta,
                                                    long fakesAfterOne) throws Exception {
        AgentProcess.await("the real node alive at the target", 60_000, () -> status(a, "real").equals("alive"),
                () -> status(a, "real"));
        List<byte[]> batches = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            batches.add(PLAIN.encode(new PushPull(false, fakes("many" + i, entries, i % 2 == 0 ? bigMeta : tinyTags()),
                    Bytes.EMPTY)));
        }
        sendStreamsAtOnce(a, batches);
        for (int i = 0; i < 6; i++) {
            sendStreams(a, PLAIN.encode(new PushPull(false, fakes("later" + i, entries, bigMeta), Bytes.EMPTY)), 1);
        }
        assertAliveAndAnswering(a);
        assertAliveAndAnswering(b);
        Map<?, ?> dropped = dropped(a);
        assertThat(count(dropped, "engine.state_share_spent")).as(dropped.toString()).isPositive();
        assertThat(count(dropped, "engine.table_full")).as(dropped.toString()).isPositive();
        long members = members(a);
        assertThat(fakesAfterOne).as("one exchange fills at most half the table").isLessThan(members);
        assertThat(members).as("members held").isLessThan(16L * entries);
        assertThat(status(a, "real")).isEqualTo("alive");
        assertThat(a.logText()).doesNotContain("OutOfMemoryError");
        assertThat(b.logText()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void aBudgetTheHeapCannotHoldIsRefusedAtStart() throws Exception {
        AgentProcess.Result r = AgentProcess.cliWithLauncher("agent", "--node", "big", "--bind", "127.104.3.1:7946", "--http",
                "127.104.3.1:7947", "--data-dir", dir.resolve("big").toString(), "--memory-budget", "200MiB");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("rollcall: memory budget of 200.0 MiB does not fit in a maximum heap of")
                .doesNotContain("\n").doesNotContain("Exception");
        AgentProcess.Result bad = AgentProcess.cliWithLauncher("agent", "--node", "big", "--memory-budget", "lots");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--memory-budget must be a size such as 32MiB");
    }

    // ------------------------------------------------------------------ what the attacker sends

    private static UserData user(int bytes) {
        return new UserData(Bytes.of(new byte[bytes]));
    }

    private static List<PushNodeState> fakes(String prefix, int n, Bytes meta) {
        List<PushNodeState> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new PushNodeState(prefix + "-" + i, Endpoint.parse("127.104.200." + (i % 250 + 1) + ":" + (1024 + i % 60_000), 0),
                    meta, 1, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        return out;
    }

    /** Serf tags {@code {"role": "xxx..."}} of exactly {@code bytes} bytes. */
    private static Bytes meta(int bytes) {
        byte[] m = new byte[bytes];
        byte[] head = {(byte) 0xFF, (byte) 0x81, (byte) 0xA4, 'r', 'o', 'l', 'e', (byte) 0xD9, (byte) (bytes - 9)};
        System.arraycopy(head, 0, m, 0, head.length);
        Arrays.fill(m, head.length, bytes, (byte) 'x');
        return Bytes.of(m);
    }

    /** 511 bytes of Serf tags holding 127 tags of two-byte names and empty values: the costliest to decode. */
    private static Bytes tinyTags() {
        byte[] m = new byte[4 + 127 * 4];
        m[0] = (byte) 0xFF;
        m[1] = (byte) 0xDE;
        m[2] = 0;
        m[3] = 127;
        for (int i = 0; i < 127; i++) {
            int at = 4 + i * 4;
            m[at] = (byte) 0xA2;
            m[at + 1] = (byte) ('A' + i / 26);
            m[at + 2] = (byte) ('a' + i % 26);
            m[at + 3] = (byte) 0xA0;
        }
        return Bytes.of(m);
    }

    private static void sendUdp(AgentProcess a, byte[] datagram) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.104.250.1", 0))) {
            socket.send(new DatagramPacket(datagram, datagram.length, new InetSocketAddress(a.ip, 7946)));
        }
    }

    private static void sendStreams(AgentProcess a, byte[] stream, int copies) throws Exception {
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            all.add(stream);
        }
        sendStreamsAtOnce(a, all);
    }

    /** Opens one connection per stream, all at once, writes each and reads whatever the agent answers. */
    private static void sendStreamsAtOnce(AgentProcess a, List<byte[]> streams) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams.size());
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (byte[] s : streams) {
                sent.add(pool.submit(() -> {
                    try (Socket socket = new Socket()) {
                        socket.bind(new InetSocketAddress("127.104.250.1", 0));
                        socket.connect(new InetSocketAddress(a.ip, 7946), 5_000);
                        socket.setSoTimeout(30_000);
                        OutputStream out = socket.getOutputStream();
                        out.write(s);
                        out.flush();
                        InputStream in = socket.getInputStream();
                        in.readNBytes(1 << 20);
                    } catch (IOException refused) {
                        // The agent may close a refused stream before reading it all.
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ what we check

    private static void assertAliveAndAnswering(AgentProcess a) throws IOException {
        assertThat(a.isAlive()).as("agent " + a.name + " alive; log: " + a.logText()).isTrue();
        assertThat(a.get("/v1/self").statusCode()).isEqualTo(200);
        long rss = a.rssKib();
        assertThat(rss).as("resident KiB of " + a.name).isBetween(1L, MAX_RSS_KIB);
        System.out.println("agent " + a.name + ": " + rss / 1024 + " MiB resident, " + members(a) + " members");
    }

    /** The per-stream limit the agent derived from its budget, as its start-up line reports the budget. */
    private static long streamMessageBytes(AgentProcess a) {
        Matcher m = BUDGET.matcher(a.logText());
        // Without the line (a build before the budget), what the default would be under -Xmx64m.
        long budget = m.find() ? (long) (Double.parseDouble(m.group(1)) * 1024 * 1024)
                : io.rollcall.core.MemoryBudget.forHeap(LAUNCHER_MAX_HEAP_BYTES).totalBytes();
        return new io.rollcall.core.MemoryBudget(budget).streamMessageBytes();
    }

    /** The member count: /v1/members of thousands of members is more than the test's JSON reader takes. */
    private static long members(AgentProcess a) throws IOException {
        Map<?, ?> health = (Map<?, ?>) Json.read(a.get("/v1/health").body());
        return ((Number) health.get("members")).longValue();
    }

    private static String status(AgentProcess a, String member) {
        try {
            Map<?, ?> m = (Map<?, ?>) Json.read(a.get("/v1/members/" + member).body());
            return String.valueOf(m.get("status"));
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private static Map<?, ?> dropped(AgentProcess a) throws IOException {
        Map<?, ?> health = (Map<?, ?>) Json.read(a.get("/v1/health").body());
        return (Map<?, ?>) health.get("dropped");
    }

    private static long count(Map<?, ?> dropped, String key) {
        Object v = dropped.get(key);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
