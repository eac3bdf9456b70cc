package io.rollcall.core.security;

import io.rollcall.core.codec.PacketCipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * memberlist's gossip encryption: {@code version | nonce(12) | AES-GCM ciphertext | tag(16)}, keyed
 * by a {@link Keyring}. Sends version 1 (no padding), which is what memberlist sends at protocol
 * version 2 and above (Serf always speaks 2+). Accepts version 0 too, whose plaintext is PKCS#7-padded
 * to the AES block size. The codecs supply the associated data: the label for datagrams (nothing
 * without one), and for streams the {@code 0a | u32 length} frame header followed by the label.
 *
 * <p>Decryption never throws on what a peer sent: anything no installed key authenticates, including
 * short input, an unknown version or bad padding, yields null. Safe for concurrent use.
 */
public final class GossipCipher implements PacketCipher {
    /** memberlist's encryption version with PKCS#7 padding (sent only by protocol version 1 nodes). */
    public static final int VERSION_PADDED = 0;
    /** memberlist's encryption version without padding: the one we send. */
    public static final int VERSION_UNPADDED = 1;
    /** The version byte. */
    public static final int VERSION_BYTES = 1;
    /** GCM's standard nonce, random per message. */
    public static final int NONCE_BYTES = 12;
    /** GCM's full 128-bit tag. */
    public static final int TAG_BYTES = 16;
    /** Padding unit of version 0: the AES block. */
    public static final int BLOCK_BYTES = 16;
    /** What version 1 adds to a plaintext: memberlist's 29 bytes. */
    public static final int OVERHEAD_BYTES = VERSION_BYTES + NONCE_BYTES + TAG_BYTES;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int TAG_BITS = TAG_BYTES * 8;

    private final Keyring keyring;
    private final SecureRandom random;

    /**
     * @param keyring the keys; changes to it take effect on the next message
     */
    public GossipCipher(Keyring keyring) {
        this(keyring, new SecureRandom());
    }

    /**
     * @param keyring the keys; changes to it take effect on the next message
     * @param random  source of nonces; must be a cryptographic generator, since a repeated nonce under
     *                one key breaks GCM
     */
    public GossipCipher(Keyring keyring, SecureRandom random) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** @return the keyring, to install, use and remove keys at run time */
    public Keyring keyring() {
        return keyring;
    }

    /**
     * Encrypts with the primary key as version 1.
     *
     * @param plaintext      the bytes to protect
     * @param associatedData authenticated but not encrypted; empty for none
     * @return {@code 01 | nonce | ciphertext | tag}, {@link #encryptedLength} bytes
     */
    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        byte[] out = new byte[encryptedLength(plaintext.length)];
        out[0] = VERSION_UNPADDED;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, VERSION_BYTES, NONCE_BYTES);
        try {
            Cipher gcm = Cipher.getInstance(TRANSFORMATION);
            gcm.init(Cipher.ENCRYPT_MODE, keyring.primary().aesKey(), new GCMParameterSpec(TAG_BITS, nonce));
            if (associatedData.length > 0) {
                gcm.updateAAD(associatedData);
            }
            int written = gcm.doFinal(plaintext, 0, plaintext.length, out, VERSION_BYTES + NONCE_BYTES);
            if (written != plaintext.length + TAG_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes for " + plaintext.length);
            }
        } catch (GeneralSecurityException e) {
            // Every Java runtime must provide AES/GCM/NoPadding, and the key length was checked.
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Tries the primary key, then every other installed key.
     *
     * @param ciphertext     {@code version | nonce | ciphertext | tag} from a peer
     * @param associatedData the associated data the sender must have used; empty for none
     * @return the plaintext, or null if the input is malformed or no installed key authenticates it
     */
    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
        if (ciphertext == null || associatedData == null || ciphertext.length == 0) {
            return null;
        }
        int version = ciphertext[0] & 0xFF;
        if (version != VERSION_PADDED && version != VERSION_UNPADDED) {
            return null;
        }
        // Version 0 always carries at least one padding byte, and a whole number of blocks.
        int minimum = OVERHEAD_BYTES + (version == VERSION_PADDED ? BLOCK_BYTES : 0);
        if (ciphertext.length < minimum) {
            return null;
        }
        GCMParameterSpec nonce = new GCMParameterSpec(TAG_BITS, ciphertext, VERSION_BYTES, NONCE_BYTES);
        int bodyOffset = VERSION_BYTES + NONCE_BYTES;
        for (GossipKey key : keyring.list().keys()) {
            byte[] plain = open(key, nonce, ciphertext, bodyOffset, associatedData);
            if (plain != null) {
                // Authenticated under this key: another key cannot authenticate it too, so a bad padding is final.
                return version == VERSION_PADDED ? unpad(plain) : plain;
            }
        }
        return null;
    }

    /**
     * @param plaintextLength bytes to be encrypted
     * @return {@code plaintextLength + 29}: version 1 has no padding
     */
    @Override
    public int encryptedLength(int plaintextLength) {
        if (plaintextLength < 0 || plaintextLength > Integer.MAX_VALUE - OVERHEAD_BYTES) {
            throw new IllegalArgumentException("plaintext length " + plaintextLength + " out of range");
        }
        return plaintextLength + OVERHEAD_BYTES;
    }

    /** @return the keyring's description; never a key */
    @Override
    public String toString() {
        return "GossipCipher[" + keyring + "]";
    }

    private static byte[] open(GossipKey key, GCMParameterSpec nonce, byte[] ciphertext, int offset, byte[] associatedData) {
        try {
            Cipher gcm = Cipher.getInstance(TRANSFORMATION);
            gcm.init(Cipher.DECRYPT_MODE, key.aesKey(), nonce);
            if (associatedData.length > 0) {
                gcm.updateAAD(associatedData);
            }
            return gcm.doFinal(ciphertext, offset, ciphertext.length - offset);
        } catch (GeneralSecurityException e) {
            // AEADBadTagException in practice: this key did not encrypt it, or the bytes were changed.
            return null;
        }
    }

    /**
     * Strips PKCS#7 padding. memberlist trusts the last byte blindly (and would slice out of range on a
     * bad one); a padding that is not 1..16 copies of its own length is refused here instead.
     */
    private static byte[] unpad(byte[] padded) {
        if (padded.length == 0 || padded.length % BLOCK_BYTES != 0) {
            return null;
        }
        int pad = padded[padded.length - 1] & 0xFF;
        if (pad < 1 || pad > BLOCK_BYTES) {
            return null;
        }
        for (int i = padded.length - pad; i < padded.length; i++) {
            if ((padded[i] & 0xFF) != pad) {
                return null;
            }
        }
        return Arrays.copyOf(padded, padded.length - pad);
    }
}
