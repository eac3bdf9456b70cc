package io.rollcall.core.security;

import io.rollcall.core.codec.PacketCipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * memberlist's encryption written out independently of {@link GossipCipher}, straight from
 * {@code security.go}, so tests can build what Go would send (version 0 included) and check what we
 * send with plain JCE calls.
 */
final class MemberlistCrypto {
    private MemberlistCrypto() {
    }

    /** {@code vsn | nonce | GCM(plain [+ PKCS#7 padding for version 0]) | tag}, as {@code encryptPayload}. */
    static byte[] seal(int version, byte[] key, byte[] nonce, byte[] plain, byte[] associatedData) {
        byte[] input = plain;
        if (version == 0) {
            int pad = 16 - plain.length % 16;
            input = Arrays.copyOf(plain, plain.length + pad);
            Arrays.fill(input, plain.length, input.length, (byte) pad);
        }
        return sealRaw(version, key, nonce, input, associatedData);
    }

    /** Encrypts {@code input} exactly as given, so tests can forge authenticated but badly padded version 0. */
    static byte[] sealRaw(int version, byte[] key, byte[] nonce, byte[] input, byte[] associatedData) {
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(associatedData);
            byte[] sealed = gcm.doFinal(input);
            byte[] out = new byte[1 + 12 + sealed.length];
            out[0] = (byte) version;
            System.arraycopy(nonce, 0, out, 1, 12);
            System.arraycopy(sealed, 0, out, 13, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** Opens {@code vsn | nonce | ct | tag} with one key and the given associated data; the raw (padded) plaintext. */
    static byte[] open(byte[] key, byte[] message, byte[] associatedData) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, message, 1, 12));
        gcm.updateAAD(associatedData);
        return gcm.doFinal(message, 13, message.length - 13);
    }

    /**
     * A cipher that sends memberlist's version 0 (as a protocol-version-1 Go node would) and decrypts
     * with a {@link GossipCipher}.
     */
    static PacketCipher version0Sender(GossipKey key) {
        GossipCipher reader = new GossipCipher(new Keyring(key));
        SecureRandom random = new SecureRandom();
        return new PacketCipher() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                return seal(0, key.bytes(), nonce, plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
                return reader.decrypt(ciphertext, associatedData);
            }

            @Override
            public int encryptedLength(int plaintextLength) {
                return 1 + 12 + plaintextLength + (16 - plaintextLength % 16) + 16;
            }
        };
    }
}
