package io.rollcall.core.hostile;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.SerfMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed corpus of {@link ReceivePathFuzzTest}: valid encodings of every message type, aimed
 * at the members {@link LiveEngine} starts with, plus the serf 0.9.4 wire captures. Run once by hand
 * (it is not a test) when the message set changes; the output is committed:
 * {@code java -cp <test classpath> io.rollcall.core.hostile.SeedCorpus rollcall-core/src/test/resources}.
 */
final class SeedCorpus {
    private static final String INPUTS = "io/rollcall/core/hostile/ReceivePathFuzzTestInputs/";

    private SeedCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args[0]);
        write(resources.resolve(INPUTS + "datagram"), datagrams(), captures(resources, "udp-"));
        write(resources.resolve(INPUTS + "stream"), streams(), captures(resources, "tcp-"));
        write(resources.resolve(INPUTS + "conversation"), conversations(datagrams(), streams()));
    }

    /**
     * Conversations in the layout Jazzer's FuzzedDataProvider reads: payloads from the front, the
     * numbers (step kind, payload length, clock step) from the back, last byte first.
     */
    private static Map<String, byte[]> conversations(Map<String, byte[]> datagrams, Map<String, byte[]> streams) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("suspect-refute-expire", new Conversation()
                .datagram(0, datagrams.get("suspect-member")).datagram(1, datagrams.get("suspect-self"))
                .advance(30_000).datagram(2, datagrams.get("alive-new")).datagram(3, datagrams.get("dead-self"))
                .advance(60_000).bytes());
        out.put("sync-then-gossip", new Conversation()
                .stream(streams.get("push-pull-join")).datagram(0, datagrams.get("compound")).advance(5_000)
                .joinReply(streams.get("push-pull-sync-compressed")).advance(60_000).bytes());
        out.put("relay-and-leave", new Conversation()
                .datagram(0, datagrams.get("indirect-ping")).advance(2_000).datagram(1, datagrams.get("leave"))
                .datagram(2, datagrams.get("user-leave-intent-self")).advance(60_000).bytes());
        return out;
    }

    /** Builds one conversation input; see {@link ReceivePathFuzzTest#conversation}. */
    private static final class Conversation {
        private final java.io.ByteArrayOutputStream front = new java.io.ByteArrayOutputStream();
        /** In consumption order; written reversed at the end. */
        private final java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();

        Conversation datagram(int peer, byte[] payload) {
            return step(peer, payload);
        }

        Conversation stream(byte[] payload) {
            return step(4, payload);
        }

        Conversation joinReply(byte[] payload) {
            return step(5, payload);
        }

        Conversation advance(long millis) {
            back.write(6);
            back.write((int) (millis >>> 8));
            back.write((int) millis);
            return this;
        }

        private Conversation step(int op, byte[] payload) {
            back.write(op);
            back.write(payload.length >>> 8);
            back.write(payload.length);
            front.write(payload, 0, payload.length);
            return this;
        }

        byte[] bytes() {
            byte[] tail = back.toByteArray();
            byte[] out = java.util.Arrays.copyOf(front.toByteArray(), front.size() + tail.length);
            for (int i = 0; i < tail.length; i++) {
                out[out.length - 1 - i] = tail[i];
            }
            return out;
        }
    }

    private static Map<String, byte[]> datagrams() {
        PacketCodec plain = new PacketCodec(CodecConfig.DEFAULT.withCompression(false));
        PacketCodec compressing = new PacketCodec(CodecConfig.DEFAULT);
        Endpoint n3 = LiveEngine.address(3);
        Endpoint stranger = LiveEngine.address(200);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("ping-self", plain.encode(List.of(new Ping(7, "self", LiveEngine.address(2), "n2")), false));
        out.put("ping-other", plain.encode(List.of(new Ping(8, "n9", null, "")), false));
        out.put("indirect-ping", plain.encode(List.of(new IndirectPing(9, n3, "n3", true, LiveEngine.address(2), "n2")), false));
        out.put("ack", plain.encode(List.of(new Ack(1, Bytes.of(new byte[] {1, 2, 3}))), false));
        out.put("nack", plain.encode(List.of(new Nack(1)), false));
        out.put("suspect-member", plain.encode(List.of(new Suspect(1, "n3", "n2")), true));
        out.put("suspect-self", plain.encode(List.of(new Suspect(1, "self", "n2")), true));
        out.put("dead-member", plain.encode(List.of(new Dead(1, "n4", "n2")), true));
        out.put("dead-self", plain.encode(List.of(new Dead(5, "self", "n2")), true));
        out.put("leave", plain.encode(List.of(new Dead(2, "n5", "n5")), true));
        out.put("alive-new", plain.encode(List.of(new Alive(1, "n200", stranger,
                Bytes.of(new byte[] {(byte) 0xff, (byte) 0x80}), VersionVector.ROLLCALL)), true));
        out.put("alive-conflict", plain.encode(List.of(new Alive(3, "n3", stranger, Bytes.EMPTY, VersionVector.ROLLCALL)), true));
        out.put("alive-self", plain.encode(List.of(new Alive(9, "self", stranger, Bytes.EMPTY, VersionVector.ROLLCALL)), true));
        out.put("user-join-intent", plain.encode(List.of(new UserData(Bytes.of(
                SerfCodec.encodeJoin(new SerfMessage.JoinIntent(5, "n6"))))), false));
        out.put("user-leave-intent-self", plain.encode(List.of(new UserData(Bytes.of(
                SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(9, "self", false))))), false));
        List<Message> gossip = new ArrayList<>();
        for (int host = 2; host < 12; host++) {
            gossip.add(new Alive(2, "n" + host, LiveEngine.address(host), Bytes.EMPTY, VersionVector.ROLLCALL));
        }
        gossip.add(new Suspect(2, "n7", "n2"));
        gossip.add(new Dead(2, "n8", "n2"));
        out.put("compound", plain.encode(gossip, true));
        out.put("compressed-compound", compressing.encode(gossip, false));
        return out;
    }

    private static Map<String, byte[]> streams() {
        StreamCodec plain = new StreamCodec(CodecConfig.DEFAULT.withCompression(false));
        StreamCodec compressing = new StreamCodec(CodecConfig.DEFAULT);
        List<PushNodeState> nodes = new ArrayList<>();
        MemberState[] states = MemberState.values();
        for (int host = 2; host < 14; host++) {
            nodes.add(new PushNodeState("n" + host, LiveEngine.address(host), Bytes.EMPTY, 1 + host % 3,
                    states[host % states.length], VersionVector.ROLLCALL));
        }
        nodes.add(new PushNodeState("self", LiveEngine.address(99), Bytes.EMPTY, 4, MemberState.DEAD, VersionVector.ROLLCALL));
        Map<String, Long> ltimes = new LinkedHashMap<>();
        ltimes.put("n2", 3L);
        ltimes.put("self", 2L);
        Bytes userState = Bytes.of(SerfCodec.encodeState(new SerfMessage.State(4, ltimes, List.of("n3"), 1, 1)));
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("push-pull-join", plain.encode(new PushPull(true, nodes, userState)));
        out.put("push-pull-sync-compressed", compressing.encode(new PushPull(false, nodes, Bytes.EMPTY)));
        out.put("ping", plain.encode(new Ping(3, "self", null, "")));
        out.put("user", plain.encode(new UserData(Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(5, "n6"))))));
        out.put("error", plain.encode(new ErrorResponse("no")));
        return out;
    }

    /** The serf 0.9.4 captures whose name starts with the prefix, as raw bytes. */
    private static Map<String, byte[]> captures(Path resources, String prefix) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (var files = Files.list(resources.resolve("serf-0.9.4"))) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".hex") && !name.contains("decompressed")) {
                    String hex = Files.readString(p).replaceAll("\\s", "");
                    out.put("serf-" + name.substring(0, name.length() - 4), HexFormat.of().parseHex(hex));
                }
            }
        }
        return out;
    }

    @SafeVarargs
    private static void write(Path dir, Map<String, byte[]>... sets) throws IOException {
        Files.createDirectories(dir);
        for (Map<String, byte[]> set : sets) {
            for (Map.Entry<String, byte[]> e : set.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
        }
    }
}
