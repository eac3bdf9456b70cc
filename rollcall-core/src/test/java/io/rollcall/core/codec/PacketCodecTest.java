package io.rollcall.core.codec;

import static io.rollcall.core.codec.WireText.concat;
import static io.rollcall.core.codec.WireText.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.WireSizes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketCodecTest {
    private static final CodecConfig PLAIN = CodecConfig.DEFAULT.withCompression(false);
    private static final PacketCodec CODEC = new PacketCodec(CodecConfig.DEFAULT);
    private static final Endpoint ADDR = Endpoint.parse("10.0.0.1:7946", 0);

    @Test
    void sendsOneMessageBareAndSeveralAsACompound() {
        PacketCodec codec = new PacketCodec(PLAIN);
        Ping ping = new Ping(1, "n", ADDR, "me");
        assertThat(codec.encode(List.of(ping), false)).isEqualTo(MessageCodec.encode(ping));

        List<Message> three = List.of(ping, new Nack(2), new UserData(Bytes.of(new byte[] {1, 2})));
        byte[] packet = codec.encode(three, false);
        byte[] nack = MessageCodec.encode(new Nack(2));
        assertThat(hex(packet)).startsWith(String.format("0703%04x%04x%04x", MessageCodec.encode(ping).length,
                nack.length, 3));
        int partBytes = 0;
        for (Message m : three) {
            partBytes += WireSizes.of(m);
        }
        assertThat(packet).hasSize(WireSizes.packet(3, partBytes));
        assertThat(codec.decode(packet)).isEqualTo(new DecodeResult(three, List.of()));
    }

    @Test
    void roundTripsRandomPacketsUnderEveryFraming() {
        long seed = 777L;
        Random random = new Random(seed);
        RandomMessages gen = new RandomMessages(random, true, false);
        for (int i = 0; i < 3_000; i++) {
            CodecConfig config = CodecConfig.DEFAULT.withCompression(random.nextBoolean())
                    .withLabel(random.nextInt(3) == 0 ? "dc-" + random.nextInt(100) : "")
                    .withCipher(random.nextInt(3) == 0 ? new XorCipher(random.nextInt(256)) : null);
            PacketCodec codec = new PacketCodec(config);
            List<Message> messages = new ArrayList<>();
            int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(WireSizes.COMPOUND_MAX_PARTS) : random.nextInt(5));
            for (int m = 0; m < count; m++) {
                messages.add(gen.datagram());
            }
            byte[] packet = codec.encode(messages, random.nextBoolean());
            if (packet.length > CodecLimits.MAX_PACKET_BYTES) {
                continue;
            }
            assertThat(codec.decode(packet)).as("seed %d iteration %d", seed, i)
                    .isEqualTo(new DecodeResult(messages, List.of()));
        }
    }

    @Test
    void compressesOnlyWhenThatIsSmaller() {
        byte[] small = CODEC.encode(List.of(new Nack(1)), false);
        assertThat(small).isEqualTo(MessageCodec.encode(new Nack(1)));

        List<Message> alives = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            alives.add(new Alive(i, "node-" + i, ADDR, Bytes.EMPTY, VersionVector.ROLLCALL));
        }
        byte[] packet = CODEC.encode(alives, false);
        assertThat(packet[0]).isEqualTo((byte) 9);
        assertThat(packet.length).isLessThan(new PacketCodec(PLAIN).encode(alives, false).length);
        assertThat(CODEC.decode(packet).messages()).isEqualTo(alives);
    }

    @Test
    void checksTheCrc() {
        byte[] packet = CODEC.encode(List.of(new Nack(1), new Nack(2)), true);
        assertThat(packet[0]).isEqualTo((byte) 12);
        assertThat(CODEC.decode(packet).messages()).containsExactly(new Nack(1), new Nack(2));
        packet[packet.length - 1] ^= 1;
        assertDrops(CODEC.decode(packet), DecodeDropReason.BAD_CRC);
        assertDrops(CODEC.decode(WireText.bytes("0c 0000")), DecodeDropReason.TRUNCATED);
    }

    @Test
    void refusesToBuildPacketsOldPeersMisparse() {
        List<Message> parts = Collections.nCopies(WireSizes.COMPOUND_MAX_PARTS + 1, new Nack(1));
        assertThatThrownBy(() -> CODEC.encode(parts, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("128");
        assertThat(CODEC.decode(CODEC.encode(parts.subList(0, 127), false)).messages()).hasSize(127);
        assertThatThrownBy(() -> CODEC.encode(List.of(), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CODEC.encode(List.of(new PushPull(false, List.of(), Bytes.EMPTY)), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsTheCompletePartsOfATruncatedCompound() {
        byte[] packet = new PacketCodec(PLAIN).encode(List.of(new Nack(1), new Nack(2), new Nack(3)), false);
        DecodeResult result = CODEC.decode(packet, 0, packet.length - 1);
        assertThat(result.messages()).containsExactly(new Nack(1), new Nack(2));
        assertThat(result.drops()).containsExactly(new DecodeDrop(DecodeDropReason.TRUNCATED,
                "1 of 3 compound parts truncated"));
    }

    @Test
    void decodesEachCompoundPartOnItsOwn() {
        byte[] nack = MessageCodec.encode(new Nack(7));
        byte[] packet = concat(WireText.bytes("07 03 0002 0001"), new byte[] {0, (byte) nack.length},
                WireText.bytes("63 80"), WireText.bytes("0b"), nack);
        DecodeResult result = CODEC.decode(packet);
        assertThat(result.messages()).containsExactly(new Nack(7));
        assertThat(result.drops()).extracting(DecodeDrop::reason)
                .containsExactly(DecodeDropReason.UNKNOWN_TYPE, DecodeDropReason.TRUNCATED);
        assertDrops(CODEC.decode(WireText.bytes("07 00")), DecodeDropReason.TRUNCATED);
        assertDrops(CODEC.decode(WireText.bytes("07 02 0001")), DecodeDropReason.TRUNCATED);
        DecodeResult trailing = CODEC.decode(concat(WireText.bytes("07 01"), new byte[] {0, (byte) nack.length}, nack,
                WireText.bytes("ff")));
        assertThat(trailing.messages()).containsExactly(new Nack(7));
        assertThat(trailing.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.TRAILING_GARBAGE);
    }

    @Test
    void limitsFrameNesting() {
        byte[] inner = MessageCodec.encode(new Nack(9));
        byte[] depth4 = inner;
        for (int i = 0; i < CodecLimits.MAX_NESTING_DEPTH; i++) {
            depth4 = i % 2 == 0 ? compound(depth4) : CompressionFrame.wrap(depth4);
        }
        assertThat(CODEC.decode(depth4).messages()).containsExactly(new Nack(9));
        assertDrops(CODEC.decode(compound(depth4)), DecodeDropReason.NESTING_TOO_DEEP);
        assertDrops(CODEC.decode(CompressionFrame.wrap(depth4)), DecodeDropReason.NESTING_TOO_DEEP);
    }

    @Test
    void checksTheLabel() {
        PacketCodec labelled = new PacketCodec(CodecConfig.DEFAULT.withLabel("blue"));
        byte[] packet = labelled.encode(List.of(new Nack(1)), false);
        assertThat(hex(packet)).startsWith("f404" + hex("blue".getBytes(StandardCharsets.US_ASCII)));
        assertThat(labelled.decode(packet).messages()).containsExactly(new Nack(1));
        assertDrops(CODEC.decode(packet), DecodeDropReason.LABEL_MISMATCH);
        assertDrops(labelled.decode(CODEC.encode(List.of(new Nack(1)), false)), DecodeDropReason.LABEL_MISMATCH);
        assertDrops(new PacketCodec(CodecConfig.DEFAULT.withLabel("green")).decode(packet), DecodeDropReason.LABEL_MISMATCH);
        assertDrops(CODEC.decode(WireText.bytes("f4 00 0b 80")), DecodeDropReason.LABEL_MISMATCH);
        assertDrops(labelled.decode(WireText.bytes("f4 04 62 6c")), DecodeDropReason.TRUNCATED);
        assertDrops(labelled.decode(WireText.bytes("f4")), DecodeDropReason.TRUNCATED);
    }

    @Test
    void handsTheWholePacketAfterTheLabelToTheCipherWithTheLabelAsAssociatedData() {
        PacketCodec sender = new PacketCodec(CodecConfig.DEFAULT.withLabel("blue").withCipher(new XorCipher(0x33)));
        byte[] packet = sender.encode(List.of(new Nack(1), new Nack(2)), true);
        assertThat(sender.decode(packet).messages()).containsExactly(new Nack(1), new Nack(2));
        PacketCodec otherKey = new PacketCodec(CodecConfig.DEFAULT.withLabel("blue").withCipher(new XorCipher(0x34)));
        assertDrops(otherKey.decode(packet), DecodeDropReason.DECRYPTION_FAILED);
        // Relabelling the packet changes the associated data, so authentication fails.
        byte[] relabelled = packet.clone();
        relabelled[2] = 'B';
        PacketCodec bigBlue = new PacketCodec(CodecConfig.DEFAULT.withLabel("Blue").withCipher(new XorCipher(0x33)));
        assertDrops(bigBlue.decode(relabelled), DecodeDropReason.DECRYPTION_FAILED);
    }

    @Test
    void dropsADecompressionBombFromASinglePacket() {
        // 100 MiB of zeros in under 64 KiB: fill the table with ever longer zero runs, then repeat the longest.
        long target = 100L * 1024 * 1024;
        int repeats = (int) ((target - LzwCodes.ZEROS_FROM_TABLE_FILL) / LzwCodes.ZEROS_PER_FULL_CODE) + 1;
        byte[] lzw = new LzwCodes().zeroRunsFillingTheTable().repeat(4095, repeats).code(LzwCodes.EOF).toByteArray();
        byte[] packet = compressFrame(0, lzw);
        assertThat(packet.length).isLessThan(CodecLimits.MAX_PACKET_BYTES);
        assertDrops(CODEC.decode(packet), DecodeDropReason.DECOMPRESSION_LIMIT);
    }

    @Test
    void sharesTheDecompressionBudgetAcrossAllFramesOfAPacket() {
        PacketCodec codec = new PacketCodec(CodecConfig.DEFAULT.withLimits(
                CodecLimits.DEFAULT.withMaxDecompressedBytes(1 << 20)));
        byte[] big = CompressionFrame.wrap(MessageCodec.encode(new UserData(Bytes.of(new byte[600_000]))));
        DecodeResult result = codec.decode(compound(big, big));
        assertThat(result.messages()).hasSize(1);
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.DECOMPRESSION_LIMIT);
    }

    @Test
    void dropsUnknownAlgorithmsAndCorruptData() {
        assertDrops(CODEC.decode(compressFrame(1, Lzw.compress(MessageCodec.encode(new Nack(1))))),
                DecodeDropReason.UNSUPPORTED_COMPRESSION);
        assertDrops(CODEC.decode(compressFrame(0, WireText.bytes("00 ff"))), DecodeDropReason.CORRUPT_COMPRESSION);
        assertDrops(CODEC.decode(compressFrame(0, Lzw.compress(new byte[0]))), DecodeDropReason.CORRUPT_COMPRESSION);
    }

    @Test
    void capsTheMessagesUnpackedFromOnePacket() {
        byte[] nack = MessageCodec.encode(new Nack(1));
        byte[][] nacks = new byte[255][];
        Arrays.fill(nacks, nack);
        byte[] full = compound(nacks);
        byte[] packet = CompressionFrame.wrap(compound(full, full, full, full, full));
        assertThat(packet.length).isLessThan(CodecLimits.MAX_PACKET_BYTES);
        DecodeResult result = CODEC.decode(packet);
        assertThat(result.messages()).hasSize(CodecLimits.MAX_MESSAGES_PER_PACKET);
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.TOO_MANY_PARTS);
    }

    @Test
    void dropsEmptyOversizedAndStreamOnlyPackets() {
        assertDrops(CODEC.decode(new byte[0]), DecodeDropReason.TRUNCATED);
        assertDrops(CODEC.decode(new byte[CodecLimits.MAX_PACKET_BYTES + 1]), DecodeDropReason.OVERSIZED);
        byte[] error = MessageCodec.encode(new ErrorResponse("no"));
        assertDrops(CODEC.decode(error), DecodeDropReason.UNEXPECTED_TYPE);
        assertDrops(CODEC.decode(MessageCodec.encode(new PushPull(true, List.of(), Bytes.EMPTY))),
                DecodeDropReason.UNEXPECTED_TYPE);
        assertDrops(CODEC.decode(WireText.bytes("0a 00000001 00")), DecodeDropReason.UNEXPECTED_TYPE);
    }

    static void assertDrops(DecodeResult result, DecodeDropReason reason) {
        assertThat(result.messages()).isEmpty();
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(reason);
    }

    static byte[] compound(byte[]... parts) {
        byte[] header = new byte[2 + 2 * parts.length];
        header[0] = 7;
        header[1] = (byte) parts.length;
        for (int i = 0; i < parts.length; i++) {
            header[2 + 2 * i] = (byte) (parts[i].length >>> 8);
            header[3 + 2 * i] = (byte) parts[i].length;
        }
        return concat(header, concat(parts));
    }

    static byte[] compressFrame(int algorithm, byte[] buf) {
        return new GoMsgpackWriter().rawByte(9).map(2).text("Algo").uint(algorithm).text("Buf").raw(buf).toByteArray();
    }
}
