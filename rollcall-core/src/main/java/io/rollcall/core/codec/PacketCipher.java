package io.rollcall.core.codec;

/**
 * The encryption hook: memberlist's AES-GCM keyring ({@code io.rollcall.core.security.GossipCipher})
 * plugs in here. The codecs only place it correctly in the framing: for datagrams the whole packet after the label is
 * ciphertext, for streams the ciphertext follows a {@code 0a | u32 length} header. Implementations
 * must be safe to call from several transport threads.
 */
public interface PacketCipher {
    /**
     * @param plaintext      the bytes to protect
     * @param associatedData bytes authenticated but not encrypted (label, and for streams the frame header)
     * @return the ciphertext, exactly {@link #encryptedLength} bytes long; its first byte must not be
     *         0xf4, the label header's type byte (memberlist's starts with its encryption version, 0 or 1,
     *         which is why the label byte was chosen as it was)
     */
    byte[] encrypt(byte[] plaintext, byte[] associatedData);

    /**
     * @param ciphertext     bytes from the peer
     * @param associatedData the same associated data the sender used
     * @return the plaintext, or null if no installed key authenticates the ciphertext
     */
    byte[] decrypt(byte[] ciphertext, byte[] associatedData);

    /**
     * The stream header carries the ciphertext length and is itself authenticated, so the length must
     * be known before encrypting.
     *
     * @param plaintextLength bytes to be encrypted
     * @return the length {@link #encrypt} will return
     */
    int encryptedLength(int plaintextLength);
}
