package io.rollcall.agent;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.UserData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: the worst case each limit allows, sent at a fresh agent started through
 * {@code ./rollcall agent} (the launcher's JVM options). For each attack it prints the bytes the
 * attacker sent, the agent's CPU time (user + system, from /proc/PID/stat) and peak resident memory
 * (VmHWM) over the attack and the second after it, whether it survived, and the drops it counted.
 * Run by {@code bench/hostile-cost.sh}; figures in docs/SECURITY.md.
 *
 * <p>usage: {@code HostileCost [attack-name-substring ...]}
 */
public final class HostileCost {
    private static final String IP = "127.104.50.1";
    private static final String SOURCE = "127.104.51.1";
    private static final String TOKEN = "bench-token";
    private static final long TICK_MILLIS = 10; // USER_HZ = 100 on Linux
    private static final Pattern DROP_LINE = Pattern.compile(
            "^rollcall_(dropped|http_refused)_total\\{reason=\"([^\"]+)\",?\\} (\\S+)$", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private HostileCost() {
    }

    private interface Attack {
        /** @return bytes sent */
        long run() throws Exception;
    }

    private record Case(String name, Attack attack) {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress gossip = new InetSocketAddress(IP, 7946);
        InetSocketAddress http = new InetSocketAddress(IP, 7947);
        List<Case> cases = List.of(
                new Case("LZW bomb datagram, 30 MB decompressed", () -> {
                    byte[] bomb = HostileTraffic.lzwBomb(30_000_000);
                    HostileTraffic.sendDatagrams(SOURCE, gossip, List.of(bomb), 10);
                    return bomb.length;
                }),
                new Case("LZW bomb stream, 40 MiB - 1 KiB decompressed", () -> {
                    byte[] bomb = HostileTraffic.lzwBomb(40 * 1024 * 1024 - 1024);
                    HostileTraffic.sendStream(SOURCE, gossip, bomb, 5_000);
                    return bomb.length;
                }),
                new Case("100 LZW bomb datagrams of 1 MB each, 200/s", () -> {
                    byte[] bomb = HostileTraffic.lzwBomb(1_000_000);
                    HostileTraffic.sendDatagrams(SOURCE, gossip, Collections.nCopies(100, bomb), 200);
                    return 100L * bomb.length;
                }),
                new Case("push/pull header claiming 1,000,000 members", () -> {
                    byte[] h = HostileTraffic.pushPullHeaderOnly(1_000_000, 0);
                    HostileTraffic.sendStream(SOURCE, gossip, h, 2_000);
                    return h.length;
                }),
                new Case("push/pull of 20,000 members with 511 B metadata", () -> {
                    byte[] pp = HostileTraffic.pushPull("fake-", 20_000, 511);
                    HostileTraffic.sendStream(SOURCE, gossip, pp, 15_000);
                    return pp.length;
                }),
                new Case("4,000 members with 511 B metadata, then 48 concurrent GET /v1/members", () -> {
                    byte[] pp = HostileTraffic.pushPull("fake-", 4_000, 511);
                    HostileTraffic.sendStream(SOURCE, gossip, pp, 15_000);
                    AgentProcess.sleep(2_000);
                    long[] got = new long[1];
                    HostileTraffic.concurrently(48, i -> {
                        HttpResponse<byte[]> r;
                        try {
                            r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + IP + ":7947/v1/members"))
                                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).GET().build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        } catch (IOException e) {
                            return 0; // the agent went away
                        }
                        synchronized (got) {
                            got[0] = Math.max(got[0], r.body().length);
                        }
                        return 0;
                    });
                    System.err.println("largest /v1/members answer: " + got[0] + " bytes");
                    return pp.length + 48L * 200;
                }),
                new Case("user message stream of 20 MiB - 64 B", () -> {
                    byte[] s = HostileTraffic.PLAIN_STREAMS.encode(new UserData(Bytes.of(new byte[20 * 1024 * 1024 - 64])));
                    HostileTraffic.sendStream(SOURCE, gossip, s, 10_000);
                    return s.length;
                }),
                new Case("4 concurrent user message streams of 20 MiB - 64 B", () -> {
                    byte[] s = HostileTraffic.PLAIN_STREAMS.encode(new UserData(Bytes.of(new byte[20 * 1024 * 1024 - 64])));
                    HostileTraffic.concurrently(4, i -> HostileTraffic.sendStream("127.104.51." + (i + 1), gossip, s, 10_000));
                    return 4L * s.length;
                }),
                new Case("12,000 mutated datagrams of every type, 3,000/s", () -> {
                    HostileTraffic t = new HostileTraffic(1);
                    List<byte[]> ds = new ArrayList<>();
                    long n = 0;
                    for (int i = 0; i < 12_000; i++) {
                        byte[] d = t.mutate(t.anyDatagram("bench"));
                        ds.add(d);
                        n += d.length;
                    }
                    HostileTraffic.sendDatagrams(SOURCE, gossip, ds, 3_000);
                    return n;
                }),
                new Case("2,000 gossip connections opened and closed", () -> {
                    HostileTraffic.concurrently(4, i -> {
                        for (int k = 0; k < 500; k++) {
                            try (Socket s = new Socket()) {
                                s.bind(new InetSocketAddress("127.104.51." + (i + 1), 0));
                                s.connect(gossip, 2_000);
                            } catch (IOException e) {
                                // refused: still an attempt
                            }
                        }
                        return 0;
                    });
                    return 0;
                }),
                new Case("130 slow gossip streams (1 B/s) for 12 s", () -> trickle(gossip, 130, new byte[] {6})),
                new Case("100 slow HTTP heads (1 B/s) for 12 s", () -> trickle(http, 100,
                        "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))));
        Path root = Files.createTempDirectory("hostile-cost");
        System.out.println("| attack | bytes sent | agent CPU (ms) | peak RSS before → after (MiB) | survived | drops counted |");
        System.out.println("|---|---|---|---|---|---|");
        try {
            for (Case c : cases) {
                if (args.length > 0 && java.util.Arrays.stream(args).noneMatch(a -> c.name().contains(a))) {
                    continue;
                }
                measure(root, c);
            }
        } finally {
            HostileAgentIT.deleteTree(root);
        }
    }

    private static void measure(Path root, Case c) throws Exception {
        try (AgentProcess agent = AgentProcess.startWithLauncher(root, "bench" + System.nanoTime() % 100_000, IP,
                List.of("--http-token", TOKEN))) {
            AgentProcess.sleep(1_000);
            Map<String, Long> drops0 = drops(agent);
            long cpu0 = cpuTicks(agent.pid());
            long hwm0 = HostileAgentIT.rssKib(agent.pid())[1];
            long sent = c.attack().run();
            AgentProcess.sleep(1_000);
            boolean alive = agent.isAlive();
            long cpu = alive ? cpuTicks(agent.pid()) - cpu0 : -1;
            long hwm = alive ? HostileAgentIT.rssKib(agent.pid())[1] : -1;
            Map<String, Long> d = alive ? delta(drops0, drops(agent)) : Map.of();
            String log = agent.logText();
            String death = alive ? "yes" : "no: " + (log.contains("OutOfMemoryError") ? "OutOfMemoryError" : "exit "
                    + agent.waitForExit(5_000));
            System.out.printf("| %s | %,d | %s | %.1f → %s | %s | %s |%n", c.name(), sent, cpu < 0 ? "—" : Long.toString(cpu * TICK_MILLIS),
                    hwm0 / 1024.0, hwm < 0 ? "—" : String.format("%.1f", hwm / 1024.0), death, d.isEmpty() ? "—" : d.toString());
        }
    }

    /** {@code n} connections from one address, each writing {@code prefix} then a byte a second for 12 s. */
    private static long trickle(InetSocketAddress to, int n, byte[] prefix) {
        try (HostileTraffic.Trickle t = new HostileTraffic.Trickle(to, n, i -> SOURCE, prefix)) {
            AgentProcess.sleep(12_000);
            return t.bytesSent();
        }
    }

    /** utime + stime of the process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static Map<String, Long> drops(AgentProcess agent) {
        Map<String, Long> out = new TreeMap<>();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = DROP_LINE.matcher(r.body());
            while (m.find()) {
                out.put((m.group(1).equals("dropped") ? "" : "http.") + m.group(2), (long) Double.parseDouble(m.group(3)));
            }
        } catch (IOException | InterruptedException e) {
            // no answer: no counters
        }
        return out;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            if (v - before.getOrDefault(k, 0L) != 0) {
                d.put(k, v - before.getOrDefault(k, 0L));
            }
        });
        return d;
    }
}
