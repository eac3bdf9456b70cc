package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.MessageCodec;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.Suspect;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, findings 3 and 11, against a real agent process (the launcher's JVM options) on
 * 127.102.61.0/24: unauthenticated datagrams carrying hostile member names, hostile tags, and
 * incarnations at the wire's maximum. Before the name rule, every such name was accepted: a newline
 * forged a record on the handler's stdin, ESC reached the terminal through {@code rollcall members}
 * and the log; before the incarnation rule, {@code suspect} then {@code dead} at 2^32-1 made a live
 * member failed for good.
 */
class HostileNamesIT {
    private static final String IP = "127.102.61.1";
    private static final String ATTACKER = "127.102.61.9";
    private static final long MAX = 0xFFFF_FFFFL;

    @TempDir
    Path dir;

    @Test
    void hostileNamesAreDroppedAndCountedAndHostileTagsArePrintedEscaped() throws Exception {
        Path out = dir.resolve("handler.out");
        try (AgentProcess a = AgentProcess.start(dir, "n1", IP, List.of("--event-handler", "cat >> " + out))) {
            hostileNames(a, out);
        }
    }

    private void hostileNames(AgentProcess a, Path out) throws Exception {
        List<byte[]> datagrams = new ArrayList<>();
        String[] names = {"evil\nmember-join\tforged\t1.2.3.4:1\t", "tab\tname", "\u001b[31mred\u001b[0m", "", "x".repeat(5_000),
            "space name", "caf\u00e9"};
        int host = 20;
        for (String name : names) {
            datagrams.add(MessageCodec.encode(alive(name, host++, Map.of())));
        }
        datagrams.add(invalidUtf8Alive(host++));
        datagrams.add(MessageCodec.encode(new Suspect(1, "bad\nname", "n1")));
        datagrams.add(MessageCodec.encode(new Dead(1, "ok", "\u001b]0;title\u0007")));
        int refused = datagrams.size();
        // A valid name with hostile tags: a member, whose tags are printed escaped.
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("role", "web\nmember-failed\tforged");
        tags.put("title", "\u001b]0;pwned\u0007\u001b[2J");
        datagrams.add(MessageCodec.encode(alive("ok-member", 40, tags)));
        send(datagrams);

        AgentProcess.await("hostile names counted", 15_000, () -> invalidNames(a) >= refused, () -> health(a));
        AgentProcess.await("ok-member joined and handled", 15_000, () -> read(out).contains("ok-member\t"), () -> read(out));
        assertThat(invalidNames(a)).isEqualTo(refused);
        assertThat(a.statuses().keySet()).containsExactlyInAnyOrder("n1", "ok-member");

        // The handler got one record per event, three tab-separated fields, nothing forged.
        String handled = read(out);
        assertThat(handled).doesNotContain("forged\t").doesNotContain("\u001b");
        for (String line : handled.split("\n")) {
            assertThat(line.split("\t", -1)).as(line).hasSize(3);
        }
        assertThat(handled).contains("ok-member\t127.102.61.40:7946\trole=web\\nmember-failed\\tforged,"
                + "title=\\x1B]0;pwned\\x07\\x1B[2J");

        AgentProcess.Result members = AgentProcess.cli(Map.of("ROLLCALL_AGENT", a.url()), "members");
        assertThat(members.status()).as(members.err()).isZero();
        assertThat(members.out()).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(members.out().strip().split("\n")).hasSize(3);
        assertThat(members.out()).contains("title=\\x1B]0;pwned\\x07\\x1B[2J");
        assertThat(a.logText()).doesNotContain("\u001b").doesNotContain("\u0007");
        // The HTTP API applies the same rule to a name it is asked about.
        java.net.http.HttpResponse<String> badLookup = a.get("/v1/members/evil%0Aname%1B");
        assertThat(badLookup.statusCode()).isEqualTo(400);
        assertThat(badLookup.body()).contains("node name has U+000A at position 5").doesNotContain("\u001b");
        assertThat(a.isAlive()).isTrue();
    }

    @Test
    void suspectThenDeadAtTheCeilingDoNotFailALiveNode() throws Exception {
        try (AgentProcess a = AgentProcess.start(dir, "n1", IP, List.of());
             AgentProcess b = AgentProcess.start(dir, "n2", "127.102.61.2", List.of("--join", IP + ":7946"))) {
            ceilingAttack(a, b);
        }
    }

    private void ceilingAttack(AgentProcess a, AgentProcess b) throws Exception {
        AgentProcess.await("both alive", 20_000, () -> "alive".equals(a.statuses().get("n2")) && "alive".equals(b.statuses().get("n1")),
                () -> a.statuses() + " " + b.statuses());
        // The two datagrams of finding 11, to both nodes.
        List<byte[]> attack = List.of(MessageCodec.encode(new Suspect(MAX, "n2", "n1")), MessageCodec.encode(new Dead(MAX, "n2", "n1")));
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ATTACKER, 0))) {
            for (String to : List.of(IP, "127.102.61.2")) {
                for (byte[] d : attack) {
                    s.send(new DatagramPacket(d, d.length, new InetSocketAddress(to, 7946)));
                }
            }
        }
        AgentProcess.await("the attack counted", 10_000, () -> dropped(a, "engine.incarnation_jump") >= 2
                && dropped(b, "engine.incarnation_jump") >= 2, () -> health(a) + " " + health(b));
        // Over several suspicion timeouts, n2 never leaves the alive state in n1's view.
        long end = System.currentTimeMillis() + 8_000;
        while (System.currentTimeMillis() < end) {
            assertThat(a.statuses().get("n2")).isEqualTo("alive");
            AgentProcess.sleep(250);
        }
        assertThat(((Number) ((Map<?, ?>) Json.read(b.get("/v1/self").body())).get("incarnation")).longValue()).isLessThan(MAX);
    }

    private static Alive alive(String name, int host, Map<String, String> tags) throws Exception {
        Endpoint address = Endpoint.of(InetAddress.getByName("127.102.61." + host).getAddress(), 7946);
        return new Alive(1, name, address, SerfTags.encode(tags), VersionVector.ROLLCALL);
    }

    /** An alive whose Node field is the bytes ff fe: not UTF-8 at all. */
    private static byte[] invalidUtf8Alive(int host) throws Exception {
        byte[] encoded = MessageCodec.encode(alive("QQ", host, Map.of()));
        byte[] marker = "QQ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + 1 < encoded.length; i++) {
            if (encoded[i] == marker[0] && encoded[i + 1] == marker[1]) {
                encoded[i] = (byte) 0xFF;
                encoded[i + 1] = (byte) 0xFE;
                return encoded;
            }
        }
        throw new AssertionError("marker not found");
    }

    private static void send(List<byte[]> datagrams) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ATTACKER, 0))) {
            for (byte[] d : datagrams) {
                s.send(new DatagramPacket(d, d.length, new InetSocketAddress(IP, 7946)));
            }
        }
    }

    private static long invalidNames(AgentProcess a) {
        return dropped(a, "engine.invalid_name");
    }

    private static long dropped(AgentProcess a, String reason) {
        try {
            Map<?, ?> health = (Map<?, ?>) Json.read(a.get("/v1/health").body());
            Object n = ((Map<?, ?>) health.get("dropped")).get(reason);
            return n == null ? 0 : ((Number) n).longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String health(AgentProcess a) {
        try {
            return a.get("/v1/health").body();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (Exception e) {
            return "";
        }
    }

}
