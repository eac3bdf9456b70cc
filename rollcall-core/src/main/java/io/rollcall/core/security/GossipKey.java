package io.rollcall.core.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES key of a gossip {@link Keyring}: 16, 24 or 32 bytes select AES-128, AES-192 or AES-256, as
 * in memberlist. Immutable: the bytes are copied on the way in and out. Equal by content, and
 * {@link #toString()} shows only a fingerprint, so a key can be logged without leaking it.
 *
 * @param bytes the raw key (copied)
 */
public record GossipKey(byte[] bytes) {
    /** AES-128. */
    public static final int AES_128_BYTES = 16;
    /** AES-192. */
    public static final int AES_192_BYTES = 24;
    /** AES-256: what {@code serf keygen} produces and {@code serf agent -encrypt} expects. */
    public static final int AES_256_BYTES = 32;
    /** Hex digits of the SHA-256 fingerprint shown by {@link #toString()}: enough to tell keys apart in logs. */
    private static final int FINGERPRINT_HEX_DIGITS = 8;

    /** Checks the length and copies the bytes, so later changes to the caller's array do not leak in. */
    public GossipKey {
        Objects.requireNonNull(bytes, "bytes");
        if (!isValidLength(bytes.length)) {
            throw new IllegalArgumentException("a gossip key must be 16, 24 or 32 bytes (AES-128/192/256), not "
                    + bytes.length);
        }
        bytes = bytes.clone();
    }

    /**
     * Parses a key as {@code serf keygen} prints it and {@code serf agent -encrypt} takes it.
     *
     * @param base64 standard base64 of 16, 24 or 32 bytes; surrounding whitespace is ignored
     * @return the key
     * @throws IllegalArgumentException with a one-line reason if the text is not base64 or decodes to
     *                                  another length
     */
    public static GossipKey parseBase64(String base64) {
        Objects.requireNonNull(base64, "base64");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip().getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gossip key is not valid base64: " + e.getMessage(), e);
        }
        if (!isValidLength(raw.length)) {
            throw new IllegalArgumentException("gossip key decodes to " + raw.length
                    + " bytes; it must be 16, 24 or 32 (serf keygen makes 32)");
        }
        return new GossipKey(raw);
    }

    /**
     * @param lengthBytes 16, 24 or 32
     * @param random      source of the key bytes
     * @return a new random key
     */
    public static GossipKey generate(int lengthBytes, SecureRandom random) {
        if (!isValidLength(lengthBytes)) {
            throw new IllegalArgumentException("a gossip key must be 16, 24 or 32 bytes, not " + lengthBytes);
        }
        byte[] raw = new byte[lengthBytes];
        random.nextBytes(raw);
        return new GossipKey(raw);
    }

    /** @return a fresh copy of the key bytes */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return the key length in bytes: 16, 24 or 32 */
    public int length() {
        return bytes.length;
    }

    /** @return the key in the base64 form {@code serf agent -encrypt} takes */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @return the first hex digits of the key's SHA-256: identifies a key in logs without revealing it */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest).substring(0, FINGERPRINT_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** Without copying: the cipher builds one per operation. */
    SecretKeySpec aesKey() {
        return new SecretKeySpec(bytes, "AES");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GossipKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** @return the key size and fingerprint, never the key */
    @Override
    public String toString() {
        return "GossipKey[AES-" + (bytes.length * 8) + " sha256:" + fingerprint() + "]";
    }

    private static boolean isValidLength(int length) {
        return length == AES_128_BYTES || length == AES_192_BYTES || length == AES_256_BYTES;
    }
}
