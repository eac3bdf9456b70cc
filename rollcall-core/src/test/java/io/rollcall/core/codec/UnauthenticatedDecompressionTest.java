package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.UserData;
import io.rollcall.core.security.GossipCipher;
import io.rollcall.core.security.GossipKey;
import io.rollcall.core.security.Keyring;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A datagram that no key authenticates is read as plaintext only to name its drop (or, with incoming
 * verification off, to accept it). With verification on, that reading must not expand a decompression
 * bomb: LZW expands about 1,300 times, so otherwise anyone who can reach the port would make an
 * encrypted node decompress 40 MiB per 32 KB datagram, and encryption would not protect against it.
 */
class UnauthenticatedDecompressionTest {
    private static final CodecConfig ENCRYPTED = CodecConfig.DEFAULT.withCipher(
            new GossipCipher(new Keyring(new GossipKey(new byte[GossipKey.AES_256_BYTES]))));
    /** Far above the classification budget and the LZW tables, far below the 40 MiB bomb. */
    private static final long MAX_ALLOCATION_BYTES = 8L * 1024 * 1024;

    private static byte[] compressed(Message message) {
        return CompressionFrame.wrap(MessageCodec.encode(message));
    }

    @Test
    void aBombNoKeyAuthenticatesIsNotExpandedWhenVerificationIsOn() {
        byte[] bomb = compressed(new UserData(Bytes.of(new byte[41 * 1024 * 1024])));
        assertThat(bomb.length).isLessThan(CodecLimits.MAX_PACKET_BYTES);
        PacketCodec codec = new PacketCodec(ENCRYPTED);
        codec.decode(compressed(new UserData(Bytes.of(new byte[10])))); // warm up: class loading allocates too
        long before = Allocations.byThisThread();
        DecodeResult result = codec.decode(bomb);
        long allocated = Allocations.byThisThread() - before;
        assertThat(result.messages()).isEmpty();
        assertThat(result.drops()).extracting(DecodeDrop::reason).containsExactly(DecodeDropReason.DECRYPTION_FAILED);
        assertThat(allocated).as("bytes allocated decoding an unauthenticated bomb").isLessThan(MAX_ALLOCATION_BYTES);
    }

    @Test
    void plaintextFromAPeerWithoutTheKeyIsStillNamedAsSuch() {
        List<Message> gossip = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            gossip.add(new Alive(1, "node-" + i, Endpoint.parse("10.0.0." + i + ":7946", 0), Bytes.EMPTY,
                    VersionVector.ROLLCALL));
        }
        byte[] plain = new PacketCodec(CodecConfig.DEFAULT).encode(gossip, true);
        assertThat(plain[5]).as("compressed behind the CRC header").isEqualTo((byte) 9);
        assertThat(new PacketCodec(ENCRYPTED).decode(plain).drops()).extracting(DecodeDrop::reason)
                .containsExactly(DecodeDropReason.NOT_ENCRYPTED);
    }

    @Test
    void withVerificationOffLargePlaintextStillGetsTheFullBudget() {
        // Migration: plaintext is accepted, so it is decoded exactly as an unencrypted node would.
        byte[] big = compressed(new UserData(Bytes.of(new byte[600_000])));
        DecodeResult result = new PacketCodec(ENCRYPTED.withVerifyIncoming(false)).decode(big);
        assertThat(result.drops()).isEmpty();
        assertThat(result.messages()).containsExactly(new UserData(Bytes.of(new byte[600_000])));
    }
}
