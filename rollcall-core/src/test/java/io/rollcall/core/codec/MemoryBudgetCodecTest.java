package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.MemoryBudget;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.UserData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decoding stops at the memory budget before it allocates past it: a datagram or stream that
 * decompresses to 30 MB is refused without a 30 MB array being built, and all streams being decoded
 * at once share one in-flight budget.
 */
class MemoryBudgetCodecTest {
    /** Runtime.maxMemory() of the launcher's JVM (-Xmx64m, serial collector). */
    private static final long LAUNCHER_MAX_HEAP_BYTES = 64_880_640;
    private static final MemoryBudget LAUNCHER_BUDGET = MemoryBudget.forHeap(LAUNCHER_MAX_HEAP_BYTES);

    private static UserData user(int bytes) {
        return new UserData(Bytes.of(new byte[bytes]));
    }

    private static CodecConfig budgeted(MemoryBudget budget) {
        return CodecConfig.DEFAULT.withLimits(CodecLimits.DEFAULT.cappedAt(budget.streamMessageBytes(),
                budget.packetDecompressedBytes(), budget.inflightStreamBytes()));
    }

    @Test
    void aDatagramThatDecompressesTo30MbIsRefusedBeforeItsOutputIsBuilt() {
        byte[] bomb = new PacketCodec(CodecConfig.DEFAULT).encode(List.of(user(30_000_000)), true);
        assertThat(bomb.length).isLessThan(CodecLimits.MAX_PACKET_BYTES);
        PacketCodec codec = new PacketCodec(CodecConfig.DEFAULT);
        codec.decode(new PacketCodec(CodecConfig.DEFAULT).encode(List.of(user(100)), true)); // warm up
        long before = Allocations.byThisThread();
        DecodeResult result = codec.decode(bomb);
        long allocated = Allocations.byThisThread() - before;
        assertThat(result.messages()).isEmpty();
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.DECOMPRESSION_LIMIT);
        assertThat(allocated).as("bytes allocated refusing the bomb").isLessThan(3L * CodecLimits.MAX_PACKET_DECOMPRESSED_BYTES);
    }

    @Test
    void theLargestDatagramTheLimitAllowsStillDecodes() {
        byte[] worst = new PacketCodec(CodecConfig.DEFAULT).encode(List.of(user(1_000_000)), true);
        DecodeResult result = new PacketCodec(CodecConfig.DEFAULT).decode(worst);
        assertThat(result.drops()).isEmpty();
        assertThat(((UserData) result.messages().get(0)).payload().length()).isEqualTo(1_000_000);
    }

    @Test
    void aStreamThatDecompressesPastTheLaunchersBudgetStopsThereWithoutBuildingItsOutput() throws IOException {
        StreamCodec codec = new StreamCodec(budgeted(LAUNCHER_BUDGET));
        // The push/pull: 20,000 entries with 511-byte metadata, 11.7 MB once decompressed.
        List<PushNodeState> nodes = new ArrayList<>();
        byte[] meta = new byte[511];
        Arrays.fill(meta, (byte) 'x');
        for (int i = 0; i < 20_000; i++) {
            nodes.add(new PushNodeState("fake-" + i, Endpoint.parse("10.1." + (i >>> 8 & 0xFF) + "." + (i & 0xFF) + ":7946", 0),
                    Bytes.of(meta), 1, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        byte[] bomb = new StreamCodec(CodecConfig.DEFAULT).encode(new PushPull(false, nodes, Bytes.EMPTY));
        assertThat(bomb.length).as("compressed").isLessThan(1_000_000);
        StreamCodec unbudgeted = new StreamCodec(CodecConfig.DEFAULT);
        long before = Allocations.byThisThread();
        assertThat(unbudgeted.read(new ByteArrayInputStream(bomb)).drops()).isEmpty();
        long allocatedWhole = Allocations.byThisThread() - before;
        before = Allocations.byThisThread();
        DecodeResult result = codec.read(new ByteArrayInputStream(bomb));
        long allocated = Allocations.byThisThread() - before;
        assertThat(result.messages()).isEmpty();
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsAnyOf(DecodeDropReason.DECOMPRESSION_LIMIT,
                DecodeDropReason.MEMORY_BUDGET);
        // Stopped at the budget (a third of the entries), never holding the decompressed whole.
        assertThat(allocated).as("bytes allocated refusing the bomb, against " + allocatedWhole + " decoding it all")
                .isLessThan(allocatedWhole / 2);
        assertThat(codec.memory().freeBytes()).isEqualTo(codec.memory().capacityBytes());
    }

    @Test
    void aCompressedUserMessageAboveTheLimitIsRefusedFromItsLength() throws IOException {
        StreamCodec codec = new StreamCodec(budgeted(LAUNCHER_BUDGET));
        byte[] bomb = new StreamCodec(CodecConfig.DEFAULT).encode(user(30_000_000));
        DecodeResult result = codec.read(new ByteArrayInputStream(bomb));
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.OVERSIZED);
    }

    @Test
    void streamsDecodedAtOnceShareOneInflightBudget() throws IOException {
        CodecLimits limits = CodecLimits.DEFAULT.cappedAt(1_000_000, 65_536, 2_000_000);
        StreamCodec codec = new StreamCodec(CodecConfig.DEFAULT.withCompression(false).withLimits(limits));
        byte[] message = codec.encode(user(700_000));
        try (StreamMemory.Lease first = codec.lease()) {
            DecodeResult held = codec.read(new ByteArrayInputStream(message), first);
            assertThat(held.drops()).isEmpty();
            assertThat(first.heldBytes()).isGreaterThanOrEqualTo(2 * 700_000);
            // While the first message is still being handled, a second one does not fit.
            DecodeResult refused = codec.read(new ByteArrayInputStream(message));
            assertThat(refused.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.MEMORY_BUDGET);
        }
        assertThat(codec.memory().freeBytes()).isEqualTo(2_000_000);
        Message again = codec.read(new ByteArrayInputStream(message)).messages().get(0);
        assertThat(((UserData) again).payload().length()).isEqualTo(700_000);
    }

    @Test
    void aClaimedLengthCostsOnlyTheBytesThatArrive() throws IOException {
        CodecLimits limits = CodecLimits.DEFAULT.cappedAt(1_000_000, 65_536, 2_000_000);
        StreamCodec codec = new StreamCodec(CodecConfig.DEFAULT.withCompression(false).withLimits(limits));
        byte[] whole = codec.encode(user(900_000));
        byte[] cut = Arrays.copyOf(whole, 1_000);
        try (StreamMemory.Lease lease = codec.lease()) {
            DecodeResult result = codec.read(new ByteArrayInputStream(cut), lease);
            assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.TRUNCATED);
            assertThat(lease.heldBytes()).as("held for a 900 KB claim of which 1 KB arrived").isLessThan(300_000);
        }
    }

    @Test
    void aBudgetTheHeapCannotHoldIsNamedInOneLine() {
        assertThat(new MemoryBudget(200L << 20).problemWithHeap(LAUNCHER_MAX_HEAP_BYTES))
                .isEqualTo("memory budget of 200.0 MiB does not fit in a maximum heap of 61.9 MiB (at most 50%, 30.9 MiB);"
                        + " raise -Xmx or lower the budget");
        assertThat(LAUNCHER_BUDGET.problemWithHeap(LAUNCHER_MAX_HEAP_BYTES)).isNull();
        assertThat(LAUNCHER_BUDGET.totalBytes()).isBetween(24L << 20, 25L << 20);
    }
}
