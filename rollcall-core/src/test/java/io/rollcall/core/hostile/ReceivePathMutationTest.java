package io.rollcall.core.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.DecodeDrop;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.engine.DropReason;
import io.rollcall.core.engine.Effect;
import io.rollcall.core.engine.EngineCounters;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Ping;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.HexFormat;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A million mutated and random datagrams and fifty thousand streams, through the codecs into one
 * long-lived engine whose clock moves on as they arrive, so probes, suspicions, gossip and reaping run
 * on the state hostile input builds up. Afterwards the engine must be intact (bounded, consistent) and
 * still working: a new real peer is accepted and probed, and stays alive by answering.
 *
 * <p>Runtime on the 2-core development machine: see docs/SECURITY.md (about 15 s); no assertion
 * depends on time.
 */
class ReceivePathMutationTest {
    private static final long SEED = 0x6D757461L;
    private static final int DATAGRAMS = 1_000_000;
    private static final int STREAMS = 50_000;
    /** Simulated time per datagram: a million datagrams then span about 17 minutes of protocol time. */
    private static final long MILLIS_PER_1000_DATAGRAMS = 1_000;
    /** Invariants are checked this often (each check walks the member table). */
    private static final int CHECK_EVERY = 997;

    private final Map<DecodeDropReason, Long> codecDrops = new EnumMap<>(DecodeDropReason.class);
    private long decodedMessages;

    @Test
    void millionsOfHostileInputsLeaveTheEngineBoundedConsistentAndWorking() {
        long started = System.nanoTime();
        SplittableRandom random = new SplittableRandom(SEED);
        Mutations gen = new Mutations(random);
        LiveEngine live = new LiveEngine(SEED, 8);
        PacketCodec encoder = Hostile.PLAIN_PACKETS;
        for (int i = 0; i < DATAGRAMS; i++) {
            byte[] hostile = gen.mutate(encoder.encode(gen.datagram(), random.nextInt(4) == 0));
            int route = random.nextInt(100);
            DecodeResult decoded;
            try {
                if (route < 85) {
                    decoded = Hostile.PLAIN_PACKETS.decode(hostile);
                } else if (route < 92) {
                    decoded = Hostile.LABELED_PACKETS.decode(random.nextBoolean() ? Hostile.labeled(hostile) : hostile);
                } else if (route < 97) {
                    decoded = Hostile.ENCRYPTED_PACKETS.decode(Hostile.sealPacket(hostile));
                } else {
                    // Behind our label, so it reaches decryption, which no key passes.
                    decoded = Hostile.ENCRYPTED_PACKETS.decode(Hostile.labeled(hostile));
                }
                int at = i;
                Hostile.checkResult(decoded, () -> context(at, hostile));
                record(decoded);
                live.deliverPacket(gen.address(), decoded);
                if (i % 1000 == 999) {
                    live.advance(MILLIS_PER_1000_DATAGRAMS);
                }
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(context(i, hostile), e);
            }
            if (i % CHECK_EVERY == 0) {
                Hostile.check(live, context(i, hostile));
            }
        }
        Hostile.check(live, "seed " + SEED + " after the datagrams");
        double datagramSeconds = (System.nanoTime() - started) / 1e9;
        for (int i = 0; i < STREAMS; i++) {
            byte[] hostile = gen.mutate(Hostile.PLAIN_STREAMS.encode(gen.streamMessage()));
            try {
                int route = random.nextInt(10);
                StreamCodec codec = route < 7 ? Hostile.PLAIN_STREAMS : Hostile.ENCRYPTED_STREAMS;
                DecodeResult decoded = read(codec, route < 7 ? hostile : Hostile.sealStream(hostile));
                int at = i;
                Hostile.checkResult(decoded, () -> context(at, hostile));
                record(decoded);
                if (random.nextInt(4) == 0) {
                    // As the answer to a join of ours: the reply path merges state too.
                    live.join(gen.address());
                    live.deliverStreamReply(decoded);
                } else {
                    live.deliverStream(gen.address(), decoded);
                }
                if (i % 100 == 99) {
                    live.advance(MILLIS_PER_1000_DATAGRAMS);
                }
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("stream " + context(i, hostile), e);
            }
            if (i % CHECK_EVERY == 0) {
                Hostile.check(live, "stream " + context(i, hostile));
            }
        }
        Hostile.check(live, "seed " + SEED + " after the streams");
        double seconds = (System.nanoTime() - started) / 1e9;
        EngineCounters.Snapshot counters = live.engine.counters();
        System.out.printf("mutation test: %,d datagrams in %.1f s + %,d streams, %.1f s in all; %,d messages decoded;"
                + " codec drops %s; engine drops %s; members %d, queued broadcasts %d%n", DATAGRAMS, datagramSeconds,
                STREAMS, seconds, decodedMessages,
                codecDrops, counters.drops(), live.engine.memberCount(), live.engine.pendingBroadcasts());

        // Not vacuous: the mutations reached every layer and the engine's limits were actually hit.
        assertThat(decodedMessages).as("seed %d", SEED).isGreaterThan(DATAGRAMS / 2);
        assertThat(codecDrops).as("seed %d", SEED).containsKeys(DecodeDropReason.TRUNCATED,
                DecodeDropReason.MALFORMED_MSGPACK, DecodeDropReason.INVALID_FIELD, DecodeDropReason.BAD_CRC,
                DecodeDropReason.CORRUPT_COMPRESSION, DecodeDropReason.UNKNOWN_TYPE, DecodeDropReason.BAD_ADDRESS,
                DecodeDropReason.LABEL_MISMATCH, DecodeDropReason.DECRYPTION_FAILED);
        assertThat(counters.drops()).as("seed %d", SEED).containsKeys(
                DropReason.TABLE_FULL, DropReason.STATE_TOO_LARGE,
                DropReason.META_TOO_LARGE);

        stillWorks(live);
    }

    /**
     * The hostile senders fall silent. Once they have been probed and declared dead, a new real peer
     * must get in (a tombstone makes room), be probed, and stay alive by answering.
     */
    private static void stillWorks(LiveEngine live) {
        // Long enough for every silent member to be probed, suspected and declared dead.
        live.advance(15 * 60_000);
        Hostile.check(live, "seed " + SEED + " after the quiet period");
        Endpoint freshAddress = Endpoint.of(new byte[] {10, 9, 8, 7}, 7946);
        long selfIncarnation = live.engine.localMember().incarnation();
        live.deliverPacket(freshAddress, DecodeResult.of(new Alive(1, "fresh", freshAddress, Bytes.EMPTY, VersionVector.ROLLCALL)));
        assertThat(live.engine.member("fresh").map(m -> m.state())).as("seed %d: fresh peer accepted", SEED)
                .contains(MemberState.ALIVE);
        live.record();
        long probesBefore = live.engine.counters().probesSent();
        boolean pinged = false;
        // Answer every ping to the fresh peer for a few minutes: it must never be suspected.
        for (int second = 0; second < 180; second++) {
            live.advance(100);
            for (Effect.SendPacket p : live.takeRecorded()) {
                for (Message m : p.messages()) {
                    if (m instanceof Ping ping && p.to().equals(freshAddress)) {
                        pinged = true;
                        live.deliverPacket(freshAddress, DecodeResult.of(new Ack(ping.seqNo(), Bytes.EMPTY)));
                    }
                }
            }
            live.advance(900);
            assertThat(live.engine.member("fresh").map(m -> m.state())).as("seed %d: fresh peer at second %d", SEED, second)
                    .contains(MemberState.ALIVE);
        }
        assertThat(live.engine.counters().probesSent()).as("seed %d: probe cycle runs", SEED).isGreaterThan(probesBefore);
        assertThat(pinged).as("seed %d: fresh peer probed", SEED).isTrue();
        assertThat(live.engine.localMember().incarnation()).as("seed %d", SEED).isGreaterThanOrEqualTo(selfIncarnation);
        Hostile.check(live, "seed " + SEED + " at the end");
    }

    private void record(DecodeResult decoded) {
        decodedMessages += decoded.messages().size();
        for (DecodeDrop d : decoded.drops()) {
            codecDrops.merge(d.reason(), 1L, Long::sum);
        }
    }

    private static String context(int iteration, byte[] input) {
        return "seed " + SEED + " iteration " + iteration + " input " + HexFormat.of().formatHex(input);
    }

    private static DecodeResult read(StreamCodec codec, byte[] data) {
        try {
            return codec.read(new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new AssertionError("an in-memory stream failed: seed " + SEED, e);
        }
    }

}
