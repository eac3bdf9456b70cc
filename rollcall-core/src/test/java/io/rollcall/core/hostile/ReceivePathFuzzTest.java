package io.rollcall.core.hostile;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;

/**
 * Coverage-guided fuzz targets for the whole receive path: bytes from a peer, through the packet or
 * stream codec (plain, labeled, encrypted), into a live engine whose invariants are then checked.
 *
 * <p>In a normal build (regression mode) each target replays the committed corpus under
 * {@code src/test/resources/io/rollcall/core/hostile/ReceivePathFuzzTestInputs/<target>/}; with
 * {@code JAZZER_FUZZ=1} Jazzer fuzzes one target for real (see docs/SECURITY.md). Every input is also
 * fed, unchanged, into every configuration, so one corpus covers all of them: the labeled codec gets it
 * with and without our label in front, the encrypted codec gets it raw (refused), behind its label but
 * unencrypted (refused, after a bounded plaintext reading), and sealed under a key it holds (decrypted,
 * then decoded like plaintext).
 */
class ReceivePathFuzzTest {
    /** Peers already in the table, so probes, gossip and the conflict rules have someone to act on. */
    private static final int MEMBERS = 8;
    /** Clock advanced after the input: past a probe interval, so the probe cycle runs on the new state. */
    private static final long SETTLE_MILLIS = 1_500;
    /** Fixed so a crashing input reproduces exactly. */
    private static final long ENGINE_SEED = 0xF0221L;
    /** Steps in one conversation: enough for multi-message states, few enough to keep executions fast. */
    private static final int MAX_STEPS = 64;
    /** Largest datagram or stream in one conversation step. */
    private static final int MAX_STEP_BYTES = 2_048;
    /** Longest clock step: past the longest LAN suspicion timeout, so suspicions can expire. */
    private static final long MAX_STEP_MILLIS = 60_000;

    @FuzzTest(maxDuration = "5m")
    void datagram(byte[] data) {
        LiveEngine live = new LiveEngine(ENGINE_SEED, MEMBERS);
        String context = "datagram " + HexFormat.of().formatHex(data);
        for (PacketCodec codec : List.of(Hostile.PLAIN_PACKETS, Hostile.LABELED_PACKETS, Hostile.ENCRYPTED_PACKETS)) {
            deliver(live, codec.decode(data), context);
        }
        deliver(live, Hostile.LABELED_PACKETS.decode(Hostile.labeled(data)), context);
        deliver(live, Hostile.ENCRYPTED_PACKETS.decode(Hostile.sealPacket(data)), context);
        // Behind the right label but not encrypted: read as plaintext only to name the drop.
        deliver(live, Hostile.ENCRYPTED_PACKETS.decode(Hostile.labeled(data)), context);
        deliver(live, Hostile.MIGRATING_PACKETS.decode(data), context);
        live.advance(SETTLE_MILLIS);
        Hostile.check(live, context + " after the probe cycle");
    }

    @FuzzTest(maxDuration = "5m")
    void stream(byte[] data) {
        LiveEngine live = new LiveEngine(ENGINE_SEED, MEMBERS);
        String context = "stream " + HexFormat.of().formatHex(data);
        DecodeResult plain = read(Hostile.PLAIN_STREAMS, data);
        live.deliverStream(LiveEngine.address(2), plain);
        Hostile.check(live, context);
        live.deliverStream(LiveEngine.address(3), read(Hostile.LABELED_STREAMS, Hostile.labeled(data)));
        live.deliverStream(LiveEngine.address(3), read(Hostile.ENCRYPTED_STREAMS, Hostile.sealStream(data)));
        live.deliverStream(LiveEngine.address(3), read(Hostile.ENCRYPTED_STREAMS, data));
        Hostile.check(live, context);
        // The same bytes as the answer to a join of ours: the reply path merges state too.
        live.join(LiveEngine.address(4));
        live.deliverStreamReply(plain);
        Hostile.check(live, context + " as a join reply");
        live.advance(SETTLE_MILLIS);
        Hostile.check(live, context + " after the probe cycle");
    }

    /**
     * A conversation: the input is read as a sequence of steps against one engine (datagrams from
     * several peers, inbound streams, answers to our own joins, and the clock moving on), so the fuzzer
     * can reach states that take more than one message: a suspicion and its refutation, a full table, a
     * tombstone being reclaimed, a relay timing out.
     */
    @FuzzTest(maxDuration = "5m")
    void conversation(FuzzedDataProvider data) {
        LiveEngine live = new LiveEngine(ENGINE_SEED, MEMBERS);
        int step = 0;
        while (data.remainingBytes() > 0 && step < MAX_STEPS) {
            String context = "conversation step " + step;
            int op = data.consumeInt(0, 7);
            if (op <= 3) {
                byte[] datagram = data.consumeBytes(data.consumeInt(0, MAX_STEP_BYTES));
                deliver(live, LiveEngine.address(2 + op), Hostile.PLAIN_PACKETS.decode(datagram), context);
            } else if (op == 4) {
                live.deliverStream(LiveEngine.address(3), read(Hostile.PLAIN_STREAMS, data.consumeBytes(data.consumeInt(0, MAX_STEP_BYTES))));
            } else if (op == 5) {
                live.join(LiveEngine.address(4));
                live.deliverStreamReply(read(Hostile.PLAIN_STREAMS, data.consumeBytes(data.consumeInt(0, MAX_STEP_BYTES))));
            } else {
                live.advance(data.consumeLong(0, MAX_STEP_MILLIS));
            }
            Hostile.check(live, context);
            step++;
        }
        live.advance(SETTLE_MILLIS);
        Hostile.check(live, "conversation after the probe cycle");
    }

    private static void deliver(LiveEngine live, Endpoint from, DecodeResult decoded, String context) {
        Hostile.checkResult(decoded, context);
        live.deliverPacket(from, decoded);
        Hostile.check(live, context);
    }

    private static void deliver(LiveEngine live, DecodeResult decoded, String context) {
        Hostile.checkResult(decoded, context);
        live.deliverPacket(LiveEngine.address(2), decoded);
        Hostile.check(live, context);
    }

    private static DecodeResult read(StreamCodec codec, byte[] data) {
        try {
            return codec.read(new ByteArrayInputStream(data));
        } catch (IOException e) {
            // An in-memory stream cannot fail: an IOException here is the codec's own.
            throw new UncheckedIOException(e);
        }
    }
}
