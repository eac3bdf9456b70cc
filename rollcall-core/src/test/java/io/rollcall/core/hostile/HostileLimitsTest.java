package io.rollcall.core.hostile;

import io.rollcall.core.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.engine.DropReason;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.node.LiveNode;
import io.rollcall.core.transport.TransportConfig;
import io.rollcall.core.transport.TransportCounters.TransportDrop;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits on what a peer controls that the codec and engine tests do not already cover end to end:
 * each is hit on purpose, its drop is counted, and the node keeps working. (Packet and stream size,
 * decompression bombs inside the codec, compound parts, nesting, the member table, relays and
 * metadata in alive messages are covered by PacketCodecTest, StreamCodecTest and
 * StateExchangeAndLimitsTest; docs/SECURITY.md lists every limit.)
 */
class HostileLimitsTest {
    /** Small so the test needs few sockets; the default is memberlist's 128. */
    private static final int MAX_INBOUND_STREAMS = 4;
    /** How many slow connections to hold open: well over the limit. */
    private static final int SLOW_CONNECTIONS = 12;
    /** Long enough that the slow connections are all still held while the extra ones arrive. */
    private static final long STREAM_TIMEOUT_MILLIS = 5_000;
    private static final long AWAIT_MILLIS = 10_000;

    private final List<LiveNode> nodes = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeEverything() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        for (LiveNode n : nodes) {
            n.close();
        }
    }

    private LiveNode start(String name, int maxInboundStreams) throws IOException {
        EngineConfig engine = EngineConfig.local().toBuilder().streamTimeoutMillis(STREAM_TIMEOUT_MILLIS).build();
        TransportConfig transport = new TransportConfig(Endpoint.parse("127.0.0.1", 0), null, CodecConfig.DEFAULT,
                maxInboundStreams, 32, 8_192, 1_024, true, java.util.List.of(), maxInboundStreams,
                TransportConfig.DEFAULT_INBOUND_STREAM_DEADLINE_MILLIS);
        LiveNode node = LiveNode.start(new LiveNode.Spec(name, Bytes.EMPTY, 1, engine, transport, true, null));
        nodes.add(node);
        return node;
    }

    private Socket connect(LiveNode node) throws IOException {
        Socket s = new Socket(node.network().boundAddress().ip(), node.network().boundAddress().port());
        sockets.add(s);
        s.setSoTimeout((int) AWAIT_MILLIS);
        return s;
    }

    /** One request on a fresh connection; returns the decoded reply. */
    private DecodeResult exchange(LiveNode node, byte[] request) throws IOException {
        try (Socket s = connect(node)) {
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return new StreamCodec(CodecConfig.DEFAULT).read(new BufferedInputStream(s.getInputStream()));
        }
    }

    /** The node answers a stream ping: its stream server and protocol thread both work. */
    private void assertAnswersPing(LiveNode node, long seqNo) throws IOException {
        DecodeResult reply = exchange(node, new StreamCodec(CodecConfig.DEFAULT).encode(new Ping(seqNo, node.name(), null, "")));
        assertThat(reply.messages()).as("reply to stream ping %d", seqNo).containsExactly(new Ack(seqNo, Bytes.EMPTY));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Eventually.await(what, AWAIT_MILLIS, condition);
    }

    @Test
    void connectionsBeyondTheInboundStreamLimitDisplaceTheirOwnSourcesOldestAndAreCountedAndTheNodeRecovers()
            throws Exception {
        LiveNode node = start("limited", MAX_INBOUND_STREAMS);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_CONNECTIONS; i++) {
            Socket s = connect(node);
            // The first byte of a push/pull, then silence: the server waits for the rest until its timeout.
            s.getOutputStream().write(0x06);
            s.getOutputStream().flush();
            slow.add(s);
        }
        long excess = SLOW_CONNECTIONS - MAX_INBOUND_STREAMS;
        // All from one source, all still sending their request: each newcomer displaces the oldest.
        await("the excess connections to be displaced",
                () -> node.network().transportCounters().transportDrops().get(TransportDrop.INBOUND_STREAM_DISPLACED) >= excess);
        // The displaced connections were closed at once, not left to hang.
        int closedByServer = 0;
        for (Socket s : slow) {
            s.setSoTimeout(200);
            try {
                if (s.getInputStream().read() == -1) {
                    closedByServer++;
                }
            } catch (java.net.SocketTimeoutException stillHeld) {
                // One of the connections being served: the server is still waiting for its push/pull.
            } catch (IOException reset) {
                closedByServer++;
            }
        }
        assertThat(closedByServer).as("connections displaced").isGreaterThanOrEqualTo((int) excess);
        assertThat(node.network().transportCounters().transportDrops().get(TransportDrop.INBOUND_STREAM_DISPLACED))
                .as("displacements counted").isEqualTo(excess);
        for (Socket s : slow) {
            s.close();
        }
        // Once the slow peers are gone the node serves streams again: a ping and a whole join.
        await("a stream ping to be answered", () -> {
            try {
                assertAnswersPing(node, 42);
                return true;
            } catch (IOException | AssertionError e) {
                return false;
            }
        });
        LiveNode joiner = start("joiner", MAX_INBOUND_STREAMS);
        JoinCompleted joined = joiner.join(List.of(node.network().boundAddress())).get(AWAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(joined.succeeded()).as("join through the formerly flooded node: %s", joined).isEqualTo(1);
    }

    @Test
    void aPushPullClaimingAMillionMembersIsRefusedFromItsHeaderOverARealSocket() throws Exception {
        LiveNode node = start("target", MAX_INBOUND_STREAMS);
        // Only the header is sent: had the server tried to read a million entries, no reply would come.
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(0x06);
        header.write(0x83);
        fixstr(header, "Join");
        header.write(0xc2);
        fixstr(header, "Nodes");
        header.write(new byte[] {(byte) 0xce, 0x00, 0x0f, 0x42, 0x40});
        fixstr(header, "UserStateLen");
        header.write(0x00);
        DecodeResult reply = exchange(node, header.toByteArray());
        assertThat(reply.messages()).hasSize(1);
        assertThat(reply.messages().get(0)).isInstanceOf(ErrorResponse.class);
        assertThat(((ErrorResponse) reply.messages().get(0)).error()).contains("TOO_MANY_NODES");
        assertThat(node.network().transportCounters().decodeDrops().get(DecodeDropReason.TOO_MANY_NODES)).isEqualTo(1);
        assertAnswersPing(node, 7);
    }

    @Test
    void aDecompressionBombOverARealSocketIsRefusedAndCounted() throws Exception {
        LiveNode node = start("target", MAX_INBOUND_STREAMS);
        // 41 MiB of zeros, above the 40 MiB decompression limit, compresses to some 30 KB of LZW.
        byte[] bomb = new StreamCodec(CodecConfig.DEFAULT).encode(new UserData(Bytes.of(new byte[41 * 1024 * 1024])));
        assertThat(bomb.length).as("the bomb is small on the wire").isLessThan(100_000);
        DecodeResult reply = exchange(node, bomb);
        assertThat(reply.messages()).singleElement().isInstanceOf(ErrorResponse.class);
        // A stream is decompressed as it is decoded: the user message's length, 41 MiB, is refused
        // (above maxStreamBytes) as soon as its header is out, before its bytes are expanded.
        assertThat(node.network().transportCounters().decodeDrops().get(DecodeDropReason.OVERSIZED)).isEqualTo(1);
        assertAnswersPing(node, 8);
    }

    @Test
    void theBroadcastQueueStaysWithinItsLimitWhenPeersFloodDistinctIntents() {
        LiveEngine live = new LiveEngine(1, 4);
        int intents = 4 * LiveEngine.MAX_QUEUED_BROADCASTS;
        for (int i = 0; i < intents; i++) {
            // Each intent names another node, so each is a distinct broadcast that Serf re-gossips.
            byte[] intent = SerfCodec.encodeJoin(new SerfMessage.JoinIntent(1 + i, "ghost-" + i));
            live.deliverPacket(LiveEngine.address(2), DecodeResult.of(new UserData(Bytes.of(intent))));
            assertThat(live.engine.pendingBroadcasts()).as("after intent %d", i)
                    .isLessThanOrEqualTo(LiveEngine.MAX_QUEUED_BROADCASTS);
        }
        assertThat(live.engine.counters().dropped(DropReason.BROADCAST_QUEUE_FULL))
                .isGreaterThanOrEqualTo(intents - LiveEngine.MAX_QUEUED_BROADCASTS);
        Hostile.check(live, "after the intents");
    }

    @Test
    void metadataAboveTheLimitInAPushPullEntryIsDroppedAndCounted() {
        LiveEngine live = new LiveEngine(1, 4);
        EngineConfig config = live.config;
        PushNodeState fat = new PushNodeState("fat", LiveEngine.address(50), Bytes.of(new byte[config.metaMaxBytes() + 1]),
                1, MemberState.ALIVE, VersionVector.ROLLCALL);
        PushNodeState fine = new PushNodeState("fine", LiveEngine.address(51), Bytes.of(new byte[config.metaMaxBytes()]),
                1, MemberState.ALIVE, VersionVector.ROLLCALL);
        Message reply = live.deliverStream(LiveEngine.address(2),
                DecodeResult.of(new PushPull(false, List.of(fat, fine), Bytes.EMPTY)));
        assertThat(reply).isInstanceOf(PushPull.class);
        assertThat(live.engine.member("fat")).isEmpty();
        assertThat(live.engine.member("fine")).isPresent();
        assertThat(live.engine.counters().dropped(DropReason.META_TOO_LARGE)).isEqualTo(1);
    }

    private static void fixstr(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(0xa0 | b.length);
        out.write(b, 0, b.length);
    }
}
