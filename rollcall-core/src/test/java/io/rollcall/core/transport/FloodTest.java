package io.rollcall.core.transport;

import io.rollcall.core.Eventually;
import io.rollcall.core.node.LiveNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Timeouts;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A four-node cluster on loopback (LAN profile) while one thread blasts junk datagrams at one node
 * (random bytes, and well-formed but useless acks, nacks and pings, which get past decoding to the
 * protocol thread's queue):
 * no healthy node may be declared failed, during or after, and a node stopped hard afterwards must
 * still be detected within the model bound. The junk is bounded in count and time. What the flooded
 * node absorbed is printed (and recorded in docs/SECURITY.md); nothing here asserts on speed.
 */
class FloodTest {
    private static final EngineConfig LAN = EngineConfig.lan();
    private static final long SEED = 0xF100DL;
    /** The flood ends after this many datagrams or {@link #FLOOD_MAX_MILLIS}, whichever comes first. */
    private static final int FLOOD_PACKETS = 200_000;
    private static final long FLOOD_MAX_MILLIS = 20_000;
    private static final int MAX_JUNK_BYTES = 1_400;
    /** Distinct well-formed useless datagrams, encoded before the flood so the sender stays fast. */
    private static final int USELESS_VARIANTS = 1_000;
    /** After the flood, long enough for any suspicion the flood caused to be refuted or to expire. */
    private static final long SETTLE_MILLIS = 5_000;

    private final List<LiveNode> nodes = new ArrayList<>();
    private final List<Notification> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        for (LiveNode n : nodes) {
            n.close();
        }
    }

    private LiveNode start(String name) throws IOException {
        LiveNode node = LiveNode.start(new LiveNode.Spec(name, Bytes.EMPTY, 1, LAN,
                TransportConfig.of(Endpoint.parse("127.0.0.1", 0)), true, seen::add));
        nodes.add(node);
        return node;
    }

    private static String describe(List<LiveNode> observers) {
        return observers.stream().map(n -> n.name() + "=" + n.call(e -> e.members()).join().stream()
                .map(m -> m.name() + ":" + m.state()).collect(Collectors.joining(","))).collect(Collectors.joining(" | "));
    }

    private List<String> failedNames() {
        return seen.stream().filter(n -> n instanceof MembershipEvent.Failed).map(n -> ((MembershipEvent.Failed) n).member().name())
                .collect(Collectors.toList());
    }

    /** Acks and nacks for probes nobody runs, and pings for another node: decoded, then ignored. */
    private static List<byte[]> uselessMessages(SplittableRandom random) {
        PacketCodec codec = new PacketCodec(CodecConfig.DEFAULT);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < USELESS_VARIANTS; i++) {
            long seqNo = 1_000_000 + random.nextInt(1_000_000);
            Message m = switch (i % 3) {
                case 0 -> new Ack(seqNo, Bytes.EMPTY);
                case 1 -> new Nack(seqNo);
                default -> new Ping(seqNo, "nobody", null, "");
            };
            out.add(codec.encode(List.of(m), i % 2 == 0));
        }
        return out;
    }

    @Test
    void aJunkFloodAtOneNodeFailsNobodyAndACrashIsStillDetectedInTime() throws Exception {
        LiveNode a = start("a");
        LiveNode b = start("b");
        LiveNode c = start("c");
        LiveNode d = start("d");
        List<LiveNode> cluster = List.of(a, b, c, d);
        for (LiveNode n : List.of(b, c, d)) {
            n.join(List.of(a.address())).get(10, TimeUnit.SECONDS);
        }
        Eventually.await("all alive", 15_000,
                () -> cluster.stream().allMatch(n -> n.call(e -> e.countOf(MemberState.ALIVE)).join() == 4), () -> describe(cluster));

        long packetsInBefore = a.network().transportCounters().packetsIn();
        long rejectionsBefore = a.network().queueRejections();
        SplittableRandom random = new SplittableRandom(SEED);
        long sent = 0;
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(FLOOD_MAX_MILLIS);
        try (DatagramChannel junk = DatagramChannel.open()) {
            junk.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress target = a.network().boundAddress().toSocketAddress();
            byte[] bytes = new byte[MAX_JUNK_BYTES];
            List<byte[]> useless = uselessMessages(random);
            while (sent < FLOOD_PACKETS && System.nanoTime() < deadline) {
                if (sent % 3 == 2) {
                    // Well-formed but useless: these decode, so they reach the protocol thread's queue.
                    junk.send(ByteBuffer.wrap(useless.get(random.nextInt(useless.size()))), target);
                } else {
                    int length = 1 + random.nextInt(MAX_JUNK_BYTES);
                    random.nextBytes(bytes);
                    if (sent % 3 == 0) {
                        bytes[0] = (byte) random.nextInt(14); // a plausible type byte, so the body is parsed
                    }
                    junk.send(ByteBuffer.wrap(bytes, 0, length), target);
                }
                sent++;
                if (sent % 10_000 == 0) {
                    assertThat(failedNames()).as("seed %d: failures during the flood after %d datagrams", SEED, sent).isEmpty();
                }
            }
        }
        double floodSeconds = (System.nanoTime() - started) / 1e9;
        // Let the receive path drain what the kernel still buffers before reading the counters.
        Thread.sleep(500);
        long absorbed = a.network().transportCounters().packetsIn() - packetsInBefore;
        long rejected = a.network().queueRejections() - rejectionsBefore;
        Map<TransportCounters.TransportDrop, Long> transportDrops = a.network().transportCounters().transportDrops();
        Map<DecodeDropReason, Long> decodeDrops = a.network().transportCounters().decodeDrops();
        System.out.printf("flood: sent %,d junk datagrams in %.1f s (%,.0f/s); flooded node received %,d (%,.0f/s), "
                + "rejected %,d at its queue (RECEIVE_QUEUE_FULL %,d); engine drops %s; decode drops %s%n", sent, floodSeconds,
                sent / floodSeconds, absorbed, absorbed / floodSeconds, rejected,
                transportDrops.get(TransportCounters.TransportDrop.RECEIVE_QUEUE_FULL), a.call(e -> e.counters().drops()).join(),
                decodeDrops.entrySet().stream().filter(e -> e.getValue() > 0).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));

        Thread.sleep(SETTLE_MILLIS);
        Eventually.await("all alive after the flood", 15_000,
                () -> cluster.stream().allMatch(n -> n.call(e -> e.countOf(MemberState.ALIVE)).join() == 4), () -> describe(cluster));
        assertThat(failedNames()).as("seed %d: failures during or after the flood", SEED).isEmpty();
        assertThat(a.call(e -> e.members()).join()).extracting(Member::name).containsExactlyInAnyOrder("a", "b", "c", "d");

        // The flooded node still detects, and is still part of detecting, a real crash.
        d.close();
        List<LiveNode> survivors = List.of(a, b, c);
        long bound = Timeouts.crashDetectionBoundMillis(LAN, 4);
        Eventually.await("d failed at a, b and c within " + bound + " ms", bound,
                () -> survivors.stream().allMatch(n -> n.call(e -> e.member("d").map(Member::state)).join().orElse(null)
                        == MemberState.DEAD), () -> describe(survivors));
        assertThat(failedNames()).as("seed %d: only d failed", SEED).containsOnly("d");
    }
}
