package io.rollcall.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How the packet and stream codecs frame what they send and what they accept.
 *
 * @param limits         decoding bounds
 * @param label          cluster label (memberlist 0.3.0+): sent in front of every packet and stream and
 *                       required on everything received; empty for none, at most 255 UTF-8 bytes
 * @param compression    compress outgoing traffic with LZW, as memberlist does by default
 * @param cipher         the encryption hook, or null to send and accept plaintext only
 * @param verifyIncoming memberlist's {@code GossipVerifyIncoming}: with a cipher, refuse what is not
 *                       encrypted. Turn it off only while a cluster moves from plaintext to encryption:
 *                       then a datagram no key decrypts is read as plaintext, and a plaintext stream is
 *                       accepted (an encrypted one must still decrypt)
 * @param verifyOutgoing memberlist's {@code GossipVerifyOutgoing}: with a cipher, encrypt what we send.
 *                       Turn it off only during that migration, while some peers cannot decrypt yet
 */
public record CodecConfig(CodecLimits limits, String label, boolean compression, PacketCipher cipher,
                          boolean verifyIncoming, boolean verifyOutgoing) {
    /** Most bytes in a label: its length travels in one byte. */
    public static final int MAX_LABEL_BYTES = 255;

    /**
     * Default limits, no label, compression on, no encryption (and, once a cipher is set, both
     * directions verified): memberlist's defaults.
     */
    public static final CodecConfig DEFAULT = new CodecConfig(CodecLimits.DEFAULT, "", true, null, true, true);

    /** Validates the fields. */
    public CodecConfig {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(label, "label");
        if (label.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            throw new IllegalArgumentException("label longer than " + MAX_LABEL_BYTES + " bytes");
        }
    }

    /** @return the label as it travels on the wire; empty for none */
    public byte[] labelBytes() {
        return label.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param newLimits decoding bounds
     * @return this configuration with those bounds
     */
    public CodecConfig withLimits(CodecLimits newLimits) {
        return new CodecConfig(newLimits, label, compression, cipher, verifyIncoming, verifyOutgoing);
    }

    /**
     * @param newLabel cluster label, empty for none
     * @return this configuration with that label
     */
    public CodecConfig withLabel(String newLabel) {
        return new CodecConfig(limits, newLabel, compression, cipher, verifyIncoming, verifyOutgoing);
    }

    /**
     * @param enabled whether to compress outgoing traffic
     * @return this configuration with compression on or off
     */
    public CodecConfig withCompression(boolean enabled) {
        return new CodecConfig(limits, label, enabled, cipher, verifyIncoming, verifyOutgoing);
    }

    /**
     * @param newCipher the encryption hook, or null for plaintext
     * @return this configuration with that cipher
     */
    public CodecConfig withCipher(PacketCipher newCipher) {
        return new CodecConfig(limits, label, compression, newCipher, verifyIncoming, verifyOutgoing);
    }

    /**
     * @param verify false to also accept plaintext while a cipher is set (migration only)
     * @return this configuration with {@code GossipVerifyIncoming} on or off
     */
    public CodecConfig withVerifyIncoming(boolean verify) {
        return new CodecConfig(limits, label, compression, cipher, verify, verifyOutgoing);
    }

    /**
     * @param verify false to send plaintext while a cipher is set (migration only)
     * @return this configuration with {@code GossipVerifyOutgoing} on or off
     */
    public CodecConfig withVerifyOutgoing(boolean verify) {
        return new CodecConfig(limits, label, compression, cipher, verifyIncoming, verify);
    }

    /** @return true if what we send is encrypted: a cipher is set and outgoing verification is on */
    public boolean encryptsOutgoing() {
        return cipher != null && verifyOutgoing;
    }

    /** @return true if plaintext is refused: a cipher is set and incoming verification is on */
    public boolean requiresEncryptedIncoming() {
        return cipher != null && verifyIncoming;
    }
}
