package io.rollcall.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeDrop;
import io.rollcall.core.codec.DecodeDropReason;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushPull;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codecs with the real {@link GossipCipher}: memberlist's framing and associated data byte for
 * byte (checked with plain JCE, not with our own decryption), and the GossipVerifyIncoming /
 * GossipVerifyOutgoing switches that carry a cluster from plaintext to encryption.
 */
class CodecEncryptionTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final GossipKey KEY = GossipKey.generate(32, RANDOM);
    private static final GossipKey OTHER = GossipKey.generate(32, RANDOM);
    private static final byte[] NONE = new byte[0];
    private static final Ping PING = new Ping(42, "n1", Endpoint.parse("127.0.0.1:7946", 0), "n2");
    private static final CodecConfig PLAIN = CodecConfig.DEFAULT.withCompression(false);

    /** The migration, in order: each step is one rolling restart. */
    private enum Phase {
        /** No key. */
        PLAINTEXT,
        /** Key installed, but plaintext sent and accepted. */
        KEY_INSTALLED,
        /** Encrypted sent, plaintext still accepted. */
        SENDING_ENCRYPTED,
        /** Encrypted only. */
        ENCRYPTED;

        CodecConfig config(GossipKey key) {
            if (this == PLAINTEXT) {
                return CodecConfig.DEFAULT;
            }
            return CodecConfig.DEFAULT.withCipher(new GossipCipher(new Keyring(key)))
                    .withVerifyOutgoing(this.ordinal() >= SENDING_ENCRYPTED.ordinal())
                    .withVerifyIncoming(this == ENCRYPTED);
        }

        boolean sendsEncrypted() {
            return ordinal() >= SENDING_ENCRYPTED.ordinal();
        }

        boolean accepts(boolean encrypted) {
            return encrypted ? this != PLAINTEXT : this != ENCRYPTED;
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static DecodeResult read(StreamCodec codec, byte[] wire) throws IOException {
        return codec.read(new BufferedInputStream(new ByteArrayInputStream(wire)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<DecodeDropReason> reasons(DecodeResult r) {
        return r.drops().stream().map(DecodeDrop::reason).toList();
    }

    // ------------------------------------------------------------------ framing

    @Test
    void anUnlabelledDatagramIsAllCiphertextWithNoAssociatedData() throws Exception {
        PacketCodec codec = new PacketCodec(PLAIN.withCipher(new GossipCipher(new Keyring(KEY))));
        List<Message> messages = List.of(PING, new Nack(7));
        byte[] packet = codec.encode(messages, true);
        byte[] expectedPlain = new PacketCodec(PLAIN).encode(messages, true);
        assertThat(packet[0]).as("no type byte: the version comes first").isEqualTo((byte) 1);
        assertThat(packet).hasSize(expectedPlain.length + 29);
        assertThat(MemberlistCrypto.open(KEY.bytes(), packet, NONE)).as("CRC and compound inside the encryption")
                .isEqualTo(expectedPlain);
        assertThat(codec.decode(packet)).isEqualTo(new DecodeResult(messages, List.of()));
    }

    @Test
    void aLabelledDatagramAuthenticatesTheLabel() throws Exception {
        PacketCodec codec = new PacketCodec(PLAIN.withLabel("blue").withCipher(new GossipCipher(new Keyring(KEY))));
        byte[] packet = codec.encode(List.of(PING), false);
        assertThat(Arrays.copyOf(packet, 6)).isEqualTo(concat(new byte[] {(byte) 0xf4, 4}, text("blue")));
        byte[] body = Arrays.copyOfRange(packet, 6, packet.length);
        assertThat(MemberlistCrypto.open(KEY.bytes(), body, text("blue")))
                .isEqualTo(new PacketCodec(PLAIN).encode(List.of(PING), false));
        assertThat(codec.decode(packet).messages()).containsExactly(PING);
    }

    @Test
    void aStreamAuthenticatesItsFrameHeaderAndLabel() throws Exception {
        for (String label : List.of("", "blue")) {
            CodecConfig config = CodecConfig.DEFAULT.withLabel(label).withCipher(new GossipCipher(new Keyring(KEY)));
            StreamCodec codec = new StreamCodec(config);
            byte[] wire = codec.encode(PING);
            int at = label.isEmpty() ? 0 : 2 + label.length();
            byte[] header = Arrays.copyOfRange(wire, at, at + 5);
            assertThat(header[0]).isEqualTo((byte) 0x0a);
            long length = ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
            byte[] body = Arrays.copyOfRange(wire, at + 5, wire.length);
            assertThat(length).isEqualTo(body.length);
            // memberlist: AAD = the 5 header bytes, then the stream label (0.3.0+). Streams are always compressed.
            byte[] plain = MemberlistCrypto.open(KEY.bytes(), body, concat(header, text(label)));
            assertThat(plain).isEqualTo(new StreamCodec(CodecConfig.DEFAULT).encode(PING));
            assertThat(read(codec, wire).messages()).containsExactly(PING);
        }
    }

    @Test
    void readsVersionZeroAsAProtocolVersionOneGoNodeSendsIt() throws IOException {
        CodecConfig sender = CodecConfig.DEFAULT.withCipher(MemberlistCrypto.version0Sender(KEY));
        CodecConfig receiver = CodecConfig.DEFAULT.withCipher(new GossipCipher(new Keyring(OTHER, KEY)));
        byte[] packet = new PacketCodec(sender).encode(List.of(PING), true);
        assertThat(packet[0]).isZero();
        assertThat(new PacketCodec(receiver).decode(packet).messages()).containsExactly(PING);
        PushPull state = new PushPull(true, List.of(), Bytes.of(new byte[100]));
        byte[] stream = new StreamCodec(sender).encode(state);
        assertThat(stream[5]).isZero();
        assertThat(read(new StreamCodec(receiver), stream).messages()).containsExactly(state);
    }

    // ------------------------------------------------------------------ verify switches

    @Test
    void withOutgoingVerificationOffTheKeyedCodecSendsExactlyThePlaintext() {
        CodecConfig keyed = PLAIN.withCipher(new GossipCipher(new Keyring(KEY))).withVerifyOutgoing(false);
        List<Message> messages = List.of(PING, new Nack(1));
        assertThat(new PacketCodec(keyed).encode(messages, true)).isEqualTo(new PacketCodec(PLAIN).encode(messages, true));
        assertThat(new StreamCodec(keyed).encode(PING)).isEqualTo(new StreamCodec(PLAIN).encode(PING));
        assertThat(keyed.encryptsOutgoing()).isFalse();
        assertThat(keyed.withVerifyOutgoing(true).encryptsOutgoing()).isTrue();
        assertThat(CodecConfig.DEFAULT.encryptsOutgoing()).as("no cipher").isFalse();
    }

    @Test
    void datagramsNoKeyDecryptsAreReadAsPlaintextOnlyWithIncomingVerificationOff() {
        PacketCodec lenient = new PacketCodec(Phase.SENDING_ENCRYPTED.config(KEY));
        PacketCodec strict = new PacketCodec(Phase.ENCRYPTED.config(KEY));
        byte[] plaintext = new PacketCodec(PLAIN).encode(List.of(PING), true);
        byte[] otherKey = new PacketCodec(Phase.ENCRYPTED.config(OTHER)).encode(List.of(PING), true);

        assertThat(lenient.decode(plaintext)).isEqualTo(DecodeResult.of(PING));
        assertThat(reasons(strict.decode(plaintext))).containsExactly(DecodeDropReason.NOT_ENCRYPTED);
        assertThat(reasons(strict.decode(otherKey))).containsExactly(DecodeDropReason.DECRYPTION_FAILED);
        DecodeResult lenientOtherKey = lenient.decode(otherKey);
        assertThat(reasons(lenientOtherKey)).containsExactly(DecodeDropReason.DECRYPTION_FAILED);
        assertThat(lenientOtherKey.drops().get(0).detail()).startsWith("no key decrypts the packet, nor is it plaintext: ");

        // Read as plaintext, a packet keeps its readable parts and its drops, as in memberlist.
        byte[] goodAndBad = new byte[] {7, 2, 0, 2, 0, 2, 0x0b, (byte) 0x80, 0x0b, (byte) 0xc1}; // nack, then 0xc1: never msgpack
        DecodeResult mixed = lenient.decode(goodAndBad);
        assertThat(mixed.messages()).containsExactly(new Nack(0));
        assertThat(reasons(mixed)).containsExactly(DecodeDropReason.MALFORMED_MSGPACK);
        assertThat(reasons(strict.decode(goodAndBad))).containsExactly(DecodeDropReason.NOT_ENCRYPTED);
        assertThat(reasons(strict.decode(new byte[0]))).containsExactly(DecodeDropReason.DECRYPTION_FAILED);
    }

    @Test
    void plaintextStreamsAreAcceptedOnlyWithIncomingVerificationOff() throws IOException {
        StreamCodec lenient = new StreamCodec(Phase.SENDING_ENCRYPTED.config(KEY));
        StreamCodec strict = new StreamCodec(Phase.ENCRYPTED.config(KEY));
        byte[] plaintext = new StreamCodec(CodecConfig.DEFAULT).encode(PING);
        byte[] otherKey = new StreamCodec(Phase.ENCRYPTED.config(OTHER)).encode(PING);
        assertThat(read(lenient, plaintext)).isEqualTo(DecodeResult.of(PING));
        DecodeResult refused = read(strict, plaintext);
        assertThat(reasons(refused)).containsExactly(DecodeDropReason.NOT_ENCRYPTED);
        assertThat(refused.drops().get(0).detail()).isEqualTo("encryption is configured but remote state is not encrypted");
        // An encrypted stream must decrypt whatever the switch says: it declares itself encrypted.
        assertThat(reasons(read(lenient, otherKey))).containsExactly(DecodeDropReason.DECRYPTION_FAILED);
        assertThat(reasons(read(strict, otherKey))).containsExactly(DecodeDropReason.DECRYPTION_FAILED);
        assertThat(reasons(read(new StreamCodec(CodecConfig.DEFAULT), otherKey))).containsExactly(DecodeDropReason.ENCRYPTED_NO_KEY);
    }

    /**
     * memberlist's migration: no key → key installed (plaintext both ways) → sending encrypted
     * (plaintext still accepted) → encrypted only. Nodes one step apart understand each other in both
     * directions, so a rolling restart per step never splits the cluster; two steps apart they do not.
     */
    @Test
    void adjacentMigrationPhasesUnderstandEachOtherInBothDirections() throws IOException {
        for (Phase from : Phase.values()) {
            for (Phase to : Phase.values()) {
                String pair = from + " -> " + to;
                boolean expected = to.accepts(from.sendsEncrypted());
                DecodeResult packet = new PacketCodec(to.config(KEY)).decode(new PacketCodec(from.config(KEY)).encode(List.of(PING), true));
                DecodeResult stream = read(new StreamCodec(to.config(KEY)), new StreamCodec(from.config(KEY)).encode(PING));
                assertThat(packet.messages()).as("datagram " + pair).isEqualTo(expected ? List.of(PING) : List.of());
                assertThat(stream.messages()).as("stream " + pair).isEqualTo(expected ? List.of(PING) : List.of());
                if (!expected) {
                    DecodeDropReason why = to == Phase.PLAINTEXT ? DecodeDropReason.ENCRYPTED_NO_KEY : DecodeDropReason.NOT_ENCRYPTED;
                    assertThat(reasons(stream)).as("stream " + pair).containsExactly(why);
                    if (to == Phase.ENCRYPTED) {
                        assertThat(reasons(packet)).as("datagram " + pair).containsExactly(DecodeDropReason.NOT_ENCRYPTED);
                    } else {
                        assertThat(packet.drops()).as("datagram " + pair).isNotEmpty();
                    }
                }
                if (Math.abs(from.ordinal() - to.ordinal()) <= 1) {
                    assertThat(expected).as("neighbours must understand each other: " + pair).isTrue();
                }
                if (to != Phase.PLAINTEXT && from != Phase.PLAINTEXT) {
                    // With a key nobody shares, only plaintext gets through, and only to lenient receivers.
                    DecodeResult wrongKey = new PacketCodec(to.config(OTHER)).decode(
                            new PacketCodec(from.config(KEY)).encode(List.of(PING), true));
                    assertThat(wrongKey.messages().isEmpty()).as("wrong key " + pair)
                            .isEqualTo(from.sendsEncrypted() || to == Phase.ENCRYPTED);
                }
            }
        }
        assertThat(Phase.PLAINTEXT.accepts(Phase.SENDING_ENCRYPTED.sendsEncrypted())).as("two steps apart").isFalse();
        assertThat(Phase.ENCRYPTED.accepts(Phase.KEY_INSTALLED.sendsEncrypted())).as("two steps apart").isFalse();
    }
}
