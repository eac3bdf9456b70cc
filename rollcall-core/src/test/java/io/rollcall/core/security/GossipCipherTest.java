package io.rollcall.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GossipCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NONE = new byte[0];

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsUnderEveryKeySizeAsVersionOne() throws Exception {
        for (int length : new int[] {16, 24, 32}) {
            GossipKey key = GossipKey.generate(length, RANDOM);
            GossipCipher cipher = new GossipCipher(new Keyring(key));
            for (int size : new int[] {0, 1, 15, 16, 17, 1400, 65_000}) {
                byte[] plain = new byte[size];
                RANDOM.nextBytes(plain);
                for (byte[] ad : List.of(NONE, text("label"), new byte[] {0x0a, 0, 0, 1, 2})) {
                    byte[] sealed = cipher.encrypt(plain, ad);
                    assertThat(sealed).hasSize(cipher.encryptedLength(size)).hasSize(1 + 12 + size + 16);
                    assertThat(sealed[0]).as("version 1: no padding").isEqualTo((byte) 1);
                    assertThat(cipher.decrypt(sealed, ad)).isEqualTo(plain);
                    // Independent check of the layout: plain JCE with memberlist's nonce position and AAD opens it.
                    assertThat(MemberlistCrypto.open(key.bytes(), sealed, ad)).isEqualTo(plain);
                }
            }
        }
    }

    @Test
    void noncesAreFreshForEveryMessage() {
        GossipCipher cipher = new GossipCipher(new Keyring(GossipKey.generate(32, RANDOM)));
        byte[] a = cipher.encrypt(text("same"), NONE);
        byte[] b = cipher.encrypt(text("same"), NONE);
        assertThat(Arrays.copyOfRange(a, 1, 13)).isNotEqualTo(Arrays.copyOfRange(b, 1, 13));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void decryptsVersionZeroWithPkcs7PaddingAsGoBuildsIt() {
        GossipKey key = GossipKey.generate(32, RANDOM);
        GossipCipher cipher = new GossipCipher(new Keyring(key));
        for (int size = 0; size <= 48; size++) {
            byte[] plain = new byte[size];
            RANDOM.nextBytes(plain);
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            for (byte[] ad : List.of(NONE, text("blue"))) {
                byte[] sealed = MemberlistCrypto.seal(0, key.bytes(), nonce, plain, ad);
                // memberlist's encryptedLength for version 0: always 1..16 bytes of padding.
                assertThat(sealed).hasSize(1 + 12 + size + (16 - size % 16) + 16);
                assertThat(cipher.decrypt(sealed, ad)).as("size %d", size).isEqualTo(plain);
            }
        }
    }

    @Test
    void refusesAuthenticVersionZeroWithBadPadding() {
        GossipKey key = GossipKey.generate(16, RANDOM);
        GossipCipher cipher = new GossipCipher(new Keyring(key));
        byte[] nonce = new byte[12];
        byte[] correct = concat(filled(12, 9), filled(4, 4));
        assertThat(cipher.decrypt(MemberlistCrypto.sealRaw(0, key.bytes(), nonce, correct, NONE), NONE))
                .as("control: a correct padding is stripped").isEqualTo(filled(12, 9));
        List<byte[]> bad = List.of(
                filled(16, 0),                                  // names no padding at all
                filled(16, 17),                                 // more than a block
                concat(filled(13, 9), new byte[] {2, 3, 3}),    // names 3 bytes, only 2 are 3s
                filled(15, 1),                                  // not a whole number of blocks
                new byte[0]);                                   // no padding block at all
        for (byte[] padded : bad) {
            byte[] sealed = MemberlistCrypto.sealRaw(0, key.bytes(), nonce, padded, NONE);
            assertThat(cipher.decrypt(sealed, NONE)).as("padded plaintext %s", HexFormat.of().formatHex(padded)).isNull();
        }
    }

    @Test
    void triesEveryInstalledKeyAndRefusesOthers() {
        GossipKey a = GossipKey.generate(32, RANDOM);
        GossipKey b = GossipKey.generate(24, RANDOM);
        GossipKey c = GossipKey.generate(16, RANDOM);
        byte[] plain = text("hello");
        byte[] underB = new GossipCipher(new Keyring(b)).encrypt(plain, NONE);
        byte[] underC = new GossipCipher(new Keyring(c)).encrypt(plain, NONE);
        Keyring ring = new Keyring(a, b);
        GossipCipher cipher = new GossipCipher(ring);
        assertThat(cipher.decrypt(underB, NONE)).as("a secondary key decrypts").isEqualTo(plain);
        assertThat(cipher.decrypt(underC, NONE)).as("a key that is not installed").isNull();
        ring.install(c);
        assertThat(cipher.decrypt(underC, NONE)).isEqualTo(plain);
        ring.remove(b);
        assertThat(cipher.decrypt(underB, NONE)).as("a removed key no longer decrypts").isNull();
        ring.use(c);
        assertThat(new GossipCipher(new Keyring(c)).decrypt(cipher.encrypt(plain, NONE), NONE))
                .as("the new primary encrypts").isEqualTo(plain);
    }

    @Test
    void refusesWrongAssociatedData() {
        GossipCipher cipher = new GossipCipher(new Keyring(GossipKey.generate(32, RANDOM)));
        byte[] sealed = cipher.encrypt(text("x"), text("blue"));
        assertThat(cipher.decrypt(sealed, text("blue"))).isEqualTo(text("x"));
        assertThat(cipher.decrypt(sealed, text("Blue"))).isNull();
        assertThat(cipher.decrypt(sealed, NONE)).isNull();
        byte[] unlabelled = cipher.encrypt(text("x"), NONE);
        assertThat(cipher.decrypt(unlabelled, text("blue"))).isNull();
    }

    @Test
    void refusesEveryCorruptedOrTruncatedByte() {
        GossipKey key = GossipKey.generate(32, RANDOM);
        GossipCipher cipher = new GossipCipher(new Keyring(key));
        byte[] plain = text("a message of some length");
        byte[] ad = text("L");
        byte[] sealed = cipher.encrypt(plain, ad);
        // Byte 0 (the version) is not authenticated by memberlist's format; every other byte is.
        for (int i = 1; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = sealed.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThat(cipher.decrypt(bad, ad)).as("%s bit %d flipped", region(i, sealed.length), bit).isNull();
            }
        }
        for (int length = 0; length < sealed.length; length++) {
            assertThat(cipher.decrypt(Arrays.copyOf(sealed, length), ad)).as("truncated to %d", length).isNull();
        }
        assertThat(cipher.decrypt(Arrays.copyOf(sealed, sealed.length + 1), ad)).as("extended").isNull();
        for (int version = 2; version < 256; version++) {
            byte[] bad = sealed.clone();
            bad[0] = (byte) version;
            assertThat(cipher.decrypt(bad, ad)).as("version %d", version).isNull();
        }
        assertThat(cipher.decrypt(null, ad)).isNull();
        assertThat(cipher.decrypt(sealed, null)).isNull();
        assertThat(cipher.decrypt(new byte[0], ad)).isNull();
        assertThat(cipher.decrypt(new byte[29], ad)).isNull();
    }

    @Test
    void encryptedLengthIsMemberlistsVersionOneLength() {
        GossipCipher cipher = new GossipCipher(new Keyring(GossipKey.generate(16, RANDOM)));
        assertThat(cipher.encryptedLength(0)).isEqualTo(29);
        assertThat(cipher.encryptedLength(1371)).isEqualTo(1400);
        assertThat(GossipCipher.OVERHEAD_BYTES).isEqualTo(29);
        assertThatThrownBy(() -> cipher.encryptedLength(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random and mutated ciphertexts never make decryption throw, and never decrypt unless the
     * authenticated bytes are intact. A changed version byte alone is the one exception memberlist's
     * format allows (it is outside the GCM input), so it is only checked not to throw.
     */
    @Test
    void randomAndMutatedCiphertextsNeverThrowAndNeverForge() {
        long seed = 0x6055_1bL;
        System.out.println("GossipCipherTest fuzz seed " + seed);
        Random random = new Random(seed);
        GossipKey k1 = new GossipKey(randomBytes(random, 32));
        GossipKey k2 = new GossipKey(randomBytes(random, 16));
        GossipKey stranger = new GossipKey(randomBytes(random, 24));
        GossipCipher receiver = new GossipCipher(new Keyring(k1, k2));
        List<byte[]> ads = List.of(NONE, text("dc1"), new byte[] {0x0a, 0, 0, 0, 40});
        long opened = 0;
        long refused = 0;
        for (int i = 0; i < 100_000; i++) {
            int size = random.nextInt(8) == 0 ? random.nextInt(2_000) : random.nextInt(64);
            byte[] plain = new byte[size];
            random.nextBytes(plain);
            byte[] ad = ads.get(random.nextInt(ads.size()));
            GossipKey key = switch (random.nextInt(5)) {
                case 0 -> stranger;
                case 1 -> k2;
                default -> k1;
            };
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            int version = random.nextInt(4) == 0 ? 0 : 1;
            boolean fromRandom = random.nextInt(20) == 0;
            byte[] base = fromRandom ? randomBytes(random, random.nextInt(100))
                    : MemberlistCrypto.seal(version, key.bytes(), nonce, plain, ad);
            byte[] input = random.nextInt(8) == 0 ? base : mutate(random, base);
            byte[] readAd = random.nextInt(30) == 0 ? ads.get(random.nextInt(ads.size())) : ad;
            byte[] result;
            try {
                result = receiver.decrypt(input, readAd);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " iteration " + i + " input " + HexFormat.of().formatHex(input), t);
            }
            int iteration = i;
            Supplier<String> what = () -> "seed " + seed + " iteration " + iteration + " input " + HexFormat.of().formatHex(input);
            boolean versionOnlyChanged = !fromRandom && input.length == base.length && input[0] != base[0]
                    && Arrays.equals(input, 1, input.length, base, 1, base.length);
            if (fromRandom) {
                assertThat(result).as(what).isNull();
            } else if (Arrays.equals(input, base)) {
                boolean readable = !key.equals(stranger) && Arrays.equals(readAd, ad);
                assertThat(result).as(what).isEqualTo(readable ? plain : null);
            } else if (!versionOnlyChanged || (input[0] & 0xFF) > 1) {
                assertThat(result).as(what).isNull();
            }
            if (result == null) {
                refused++;
            } else {
                opened++;
            }
        }
        assertThat(opened).as("seed %d: controls must decrypt, or the loop proves little", seed).isGreaterThan(5_000);
        assertThat(refused).as("seed %d", seed).isGreaterThan(50_000);
    }

    @Test
    void concurrentUseWhileKeysRotateAlwaysDecrypts() throws InterruptedException {
        long seed = 0xC0C0A_7L;
        System.out.println("GossipCipherTest concurrency seed " + seed);
        List<GossipKey> pool = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pool.add(GossipKey.generate(16 + 8 * (i % 3), RANDOM));
        }
        Keyring senderRing = new Keyring(pool.get(0), pool.subList(1, pool.size()).toArray(new GossipKey[0]));
        Keyring receiverRing = new Keyring(pool.get(3), pool.subList(0, 3).toArray(new GossipKey[0]));
        GossipCipher sender = new GossipCipher(senderRing);
        GossipCipher receiver = new GossipCipher(receiverRing);
        GossipKey transientKey = GossipKey.generate(32, RANDOM);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong rotations = new AtomicLong();
        Thread rotator = new Thread(() -> {
            Random r = new Random(seed);
            try {
                while (!done.get()) {
                    senderRing.use(pool.get(r.nextInt(pool.size())));
                    receiverRing.use(pool.get(r.nextInt(pool.size())));
                    senderRing.install(transientKey);
                    receiverRing.install(transientKey);
                    senderRing.remove(transientKey);
                    receiverRing.remove(transientKey);
                    rotations.incrementAndGet();
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        }, "rotator");
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            long workerSeed = seed + w + 1;
            workers.add(new Thread(() -> {
                Random r = new Random(workerSeed);
                try {
                    for (int i = 0; i < 3_000; i++) {
                        byte[] plain = randomBytes(r, r.nextInt(300));
                        byte[] ad = r.nextBoolean() ? NONE : text("L" + r.nextInt(3));
                        byte[] sealed = sender.encrypt(plain, ad);
                        byte[] got = receiver.decrypt(sealed, ad);
                        byte[] own = sender.decrypt(sealed, ad);
                        if (!Arrays.equals(got, plain) || !Arrays.equals(own, plain)) {
                            throw new AssertionError("seed " + workerSeed + " message " + i + " did not decrypt");
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "worker-" + w));
        }
        rotator.start();
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join();
        }
        done.set(true);
        rotator.join();
        assertThat(failures).as("seed %d", seed).isEmpty();
        assertThat(rotations.get()).as("keys must actually rotate during the run").isPositive();
        assertThat(senderRing.list().keys()).containsExactlyInAnyOrderElementsOf(pool);
    }

    // ------------------------------------------------------------------ helpers

    private static String region(int index, int length) {
        if (index < 13) {
            return "nonce byte " + (index - 1);
        }
        return index >= length - 16 ? "tag byte " + (index - (length - 16)) : "ciphertext byte " + (index - 13);
    }

    private static byte[] mutate(Random random, byte[] in) {
        byte[] out = in.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (out.length > 0) {
                        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (out.length > 0) {
                        out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1));
                case 3 -> out = concat(out, randomBytes(random, 1 + random.nextInt(20)));
                case 4 -> {
                    if (out.length > 0) {
                        out[0] = (byte) (random.nextBoolean() ? random.nextInt(2) : random.nextInt(256));
                    }
                }
                case 5 -> {
                    if (out.length > 13) {
                        // Swap in another nonce: the tag no longer matches.
                        byte[] nonce = randomBytes(random, 12);
                        System.arraycopy(nonce, 0, out, 1, 12);
                    }
                }
                default -> {
                    if (out.length > 16) {
                        // Cut the tag off and keep the length: the last ciphertext bytes become the "tag".
                        out = Arrays.copyOf(Arrays.copyOf(out, out.length - 16), out.length);
                    }
                }
            }
        }
        return out;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
