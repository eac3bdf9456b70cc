package io.rollcall.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyringTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static GossipKey key(int fill, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) fill);
        return new GossipKey(b);
    }

    @Test
    void keysAreValuesOfSixteenTwentyFourOrThirtyTwoBytes() {
        for (int length : new int[] {16, 24, 32}) {
            assertThat(new GossipKey(new byte[length]).length()).isEqualTo(length);
        }
        for (int length : new int[] {0, 1, 15, 17, 23, 25, 31, 33, 64}) {
            assertThatThrownBy(() -> new GossipKey(new byte[length]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a gossip key must be 16, 24 or 32 bytes (AES-128/192/256), not " + length);
        }
        assertThatThrownBy(() -> GossipKey.generate(20, RANDOM)).isInstanceOf(IllegalArgumentException.class);
        assertThat(key(7, 16)).isEqualTo(key(7, 16)).hasSameHashCodeAs(key(7, 16)).isNotEqualTo(key(8, 16));
        assertThat(key(7, 16)).isNotEqualTo(key(7, 32));
    }

    @Test
    void keysCopyTheirBytesInAndOut() {
        byte[] raw = new byte[32];
        GossipKey k = new GossipKey(raw);
        raw[0] = 1;
        assertThat(k.bytes()[0]).isZero();
        k.bytes()[1] = 1;
        assertThat(k.bytes()[1]).isZero();
        assertThat(k).isEqualTo(new GossipKey(new byte[32]));
    }

    @Test
    void toStringShowsAFingerprintAndNeverTheKey() {
        GossipKey k = GossipKey.generate(32, RANDOM);
        String shown = k.toString() + new Keyring(k) + new GossipCipher(new Keyring(k));
        assertThat(shown).doesNotContain(k.toBase64()).doesNotContain(HexFormat.of().formatHex(k.bytes()))
                .doesNotContain(HexFormat.of().formatHex(k.bytes(), 0, 4))
                .contains(k.fingerprint()).contains("AES-256");
        assertThat(k.fingerprint()).hasSize(8).isNotEqualTo(GossipKey.generate(32, RANDOM).fingerprint());
    }

    @Test
    void parsesBase64AsSerfKeygenPrintsItWithOneLineErrors() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String text = Base64.getEncoder().encodeToString(raw);
        assertThat(GossipKey.parseBase64(text).bytes()).isEqualTo(raw);
        assertThat(GossipKey.parseBase64("  " + text + "\n").bytes()).isEqualTo(raw);
        assertThat(GossipKey.parseBase64(text).toBase64()).isEqualTo(text);
        assertThat(GossipKey.parseBase64(Base64.getEncoder().encodeToString(new byte[16])).length()).isEqualTo(16);

        assertThatThrownBy(() -> GossipKey.parseBase64("not base64!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("gossip key is not valid base64: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> GossipKey.parseBase64(Base64.getEncoder().encodeToString(new byte[20])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gossip key decodes to 20 bytes; it must be 16, 24 or 32 (serf keygen makes 32)");
        assertThatThrownBy(() -> GossipKey.parseBase64(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decodes to 0 bytes");
    }

    @Test
    void installUseRemoveAndListFollowMemberlist() {
        GossipKey a = key(1, 32);
        GossipKey b = key(2, 16);
        GossipKey c = key(3, 24);
        Keyring ring = new Keyring(a, b, a);
        assertThat(ring.list()).isEqualTo(new Keyring.Listing(a, List.of(a, b)));
        assertThat(ring.primary()).isEqualTo(a);

        assertThat(ring.install(c)).isTrue();
        assertThat(ring.install(c)).as("installing twice changes nothing").isFalse();
        assertThat(ring.install(a)).isFalse();
        assertThat(ring.list().keys()).containsExactly(a, b, c);

        ring.use(c);
        assertThat(ring.list()).isEqualTo(new Keyring.Listing(c, List.of(c, a, b)));
        ring.use(c);
        assertThat(ring.list().keys()).containsExactly(c, a, b);

        assertThatThrownBy(() -> ring.remove(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is the primary key");
        assertThat(ring.remove(a)).isTrue();
        assertThat(ring.remove(a)).as("removing a key that is not installed changes nothing").isFalse();
        assertThat(ring.list().keys()).containsExactly(c, b);

        GossipKey stranger = key(9, 32);
        assertThatThrownBy(() -> ring.use(stranger)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot use " + stranger + ": it is not installed");
        assertThat(ring.primary()).isEqualTo(c);
        assertThat(ring.size()).isEqualTo(2);
    }

    @Test
    void listingsAreImmutableSnapshots() {
        GossipKey a = key(1, 32);
        Keyring ring = new Keyring(a);
        Keyring.Listing before = ring.list();
        ring.install(key(2, 32));
        assertThat(before.keys()).containsExactly(a);
        assertThatThrownBy(() -> before.keys().add(key(3, 32))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Keyring.Listing(a, List.of(key(2, 32), a)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
