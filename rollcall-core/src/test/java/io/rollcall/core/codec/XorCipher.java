package io.rollcall.core.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A stand-in for the AES-GCM keyring: a version byte like memberlist's, then XOR "encryption" with a
 * 4-byte tag over key, associated data and plaintext, so tests can see that the codecs authenticate
 * the right bytes.
 */
final class XorCipher implements PacketCipher {
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 5;

    private final byte key;

    XorCipher(int key) {
        this.key = (byte) key;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        ByteBuffer out = ByteBuffer.allocate(encryptedLength(plaintext.length));
        out.put((byte) VERSION).putInt(tag(plaintext, associatedData));
        for (byte b : plaintext) {
            out.put((byte) (b ^ key));
        }
        return out.array();
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
        if (ciphertext.length < HEADER_BYTES || ciphertext[0] != VERSION) {
            return null;
        }
        byte[] plain = Arrays.copyOfRange(ciphertext, HEADER_BYTES, ciphertext.length);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= key;
        }
        return ByteBuffer.wrap(ciphertext, 1, 4).getInt() == tag(plain, associatedData) ? plain : null;
    }

    @Override
    public int encryptedLength(int plaintextLength) {
        return HEADER_BYTES + plaintextLength;
    }

    private int tag(byte[] plain, byte[] associatedData) {
        CRC32 crc = new CRC32();
        crc.update(key);
        crc.update(associatedData);
        crc.update(plain);
        return (int) crc.getValue();
    }
}
