package io.rollcall.core.hostile;

import io.rollcall.core.codec.CodecConfig;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.PacketCodec;
import io.rollcall.core.codec.StreamCodec;
import io.rollcall.core.security.GossipCipher;
import io.rollcall.core.security.GossipKey;
import io.rollcall.core.security.Keyring;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.function.Supplier;

/** The receiving configurations hostile input is thrown at, and the checks made after each input. */
final class Hostile {
    static final String LABEL = "fuzz";
    /** Two keys, so decryption tries more than one. */
    static final GossipKey PRIMARY = new GossipKey(bytes(32, 1));
    static final GossipKey SECONDARY = new GossipKey(bytes(16, 2));
    /** The receiver holds both keys; the sender seals with the secondary, so the receiver's loop runs twice. */
    static final GossipCipher RECEIVER = new GossipCipher(new Keyring(PRIMARY, SECONDARY));
    static final GossipCipher SENDER = new GossipCipher(new Keyring(SECONDARY), new SecureRandom());

    static final CodecConfig ENCRYPTED = CodecConfig.DEFAULT.withLabel(LABEL).withCipher(RECEIVER);
    static final PacketCodec PLAIN_PACKETS = new PacketCodec(CodecConfig.DEFAULT);
    static final PacketCodec LABELED_PACKETS = new PacketCodec(CodecConfig.DEFAULT.withLabel(LABEL));
    static final PacketCodec ENCRYPTED_PACKETS = new PacketCodec(ENCRYPTED);
    /** GossipVerifyIncoming off: what no key decrypts is read as plaintext. */
    static final PacketCodec MIGRATING_PACKETS = new PacketCodec(ENCRYPTED.withVerifyIncoming(false).withLabel(""));
    static final StreamCodec PLAIN_STREAMS = new StreamCodec(CodecConfig.DEFAULT);
    static final StreamCodec LABELED_STREAMS = new StreamCodec(CodecConfig.DEFAULT.withLabel(LABEL));
    static final StreamCodec ENCRYPTED_STREAMS = new StreamCodec(ENCRYPTED);

    private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.UTF_8);
    private static final int LABEL_TYPE = 0xF4;
    private static final int ENCRYPT_TYPE = 0x0A;

    private Hostile() {
    }

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (fill * 31 + i);
        }
        return b;
    }

    /** {@code f4 | len | "fuzz" | data}: the data behind our label header. */
    static byte[] labeled(byte[] data) {
        byte[] out = new byte[2 + LABEL_BYTES.length + data.length];
        out[0] = (byte) LABEL_TYPE;
        out[1] = (byte) LABEL_BYTES.length;
        System.arraycopy(LABEL_BYTES, 0, out, 2, LABEL_BYTES.length);
        System.arraycopy(data, 0, out, 2 + LABEL_BYTES.length, data.length);
        return out;
    }

    /** A datagram whose plaintext (inside the encryption) is the data, as a keyholder would send it. */
    static byte[] sealPacket(byte[] plaintext) {
        return labeled(SENDER.encrypt(plaintext, LABEL_BYTES));
    }

    /** A stream whose plaintext (inside the encrypted frame) is the data. */
    static byte[] sealStream(byte[] plaintext) {
        int length = SENDER.encryptedLength(plaintext.length);
        byte[] header = {(byte) ENCRYPT_TYPE, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
            (byte) length};
        byte[] aad = new byte[header.length + LABEL_BYTES.length];
        System.arraycopy(header, 0, aad, 0, header.length);
        System.arraycopy(LABEL_BYTES, 0, aad, header.length, LABEL_BYTES.length);
        byte[] sealed = SENDER.encrypt(plaintext, aad);
        byte[] frame = new byte[header.length + sealed.length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(sealed, 0, frame, header.length, sealed.length);
        return labeled(frame);
    }

    /** Decoding must produce messages or drops, never neither. */
    static void checkResult(DecodeResult result, String context) {
        checkResult(result, () -> context);
    }

    /** As above, building the (long) context only on failure. */
    static void checkResult(DecodeResult result, Supplier<String> context) {
        if (result.messages().isEmpty() && result.drops().isEmpty()) {
            throw new AssertionError(context.get() + ": decoding produced neither messages nor drops");
        }
    }

    static void check(LiveEngine live, String context) {
        String violation = live.violation(context);
        if (violation != null) {
            throw new AssertionError(violation);
        }
    }
}
