package io.rollcall.core.hostile;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.IndirectPing;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Nack;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.message.UserData;
import io.rollcall.core.message.SerfMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded hostile traffic: valid messages about the members a {@link LiveEngine} knows, about many
 * strangers (more than the table holds) and about ourselves, then byte-level mutations of their
 * encodings and plain random bytes. Valid messages are what make mutations reach past the first byte.
 */
final class Mutations {
    /** Names hostile input uses beyond the engine's own peers: more than {@link LiveEngine#MAX_MEMBERS}. */
    static final int STRANGERS = 400;
    /** Bytes with a meaning to msgpack, the framing or LZW, over-represented in mutations. */
    private static final int[] INTERESTING = {0x00, 0x01, 0x07, 0x09, 0x0a, 0x0c, 0x7f, 0x80, 0x8f, 0x9f, 0xbf,
        0xc0, 0xc1, 0xc4, 0xc6, 0xcc, 0xce, 0xcf, 0xd3, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xf4, 0xff};
    private static final long[] INCARNATIONS = {0, 1, 2, 3, 127, 128, 65_535, 0xFFFF_FFFEL, 0xFFFF_FFFFL};

    private final SplittableRandom random;

    Mutations(SplittableRandom random) {
        this.random = random;
    }

    String name() {
        int pick = random.nextInt(20);
        if (pick == 0) {
            return LiveEngine.SELF;
        } else if (pick < 6) {
            return "n" + (2 + random.nextInt(8));
        } else if (pick == 6) {
            return "";
        }
        return "h" + random.nextInt(STRANGERS);
    }

    Endpoint address() {
        if (random.nextInt(16) == 0) {
            byte[] v6 = new byte[16];
            random.nextBytes(v6);
            return Endpoint.of(v6, 1 + random.nextInt(65_535));
        }
        return Endpoint.of(new byte[] {127, (byte) random.nextInt(4), (byte) random.nextInt(256), (byte) random.nextInt(256)},
                random.nextBoolean() ? 7946 : 1 + random.nextInt(65_535));
    }

    long incarnation() {
        return random.nextInt(4) == 0 ? INCARNATIONS[random.nextInt(INCARNATIONS.length)] : random.nextInt(12);
    }

    Bytes meta() {
        int n = random.nextInt(8) == 0 ? random.nextInt(700) : random.nextInt(8);
        byte[] b = new byte[n];
        random.nextBytes(b);
        return Bytes.of(b);
    }

    VersionVector versions() {
        if (random.nextInt(10) > 0) {
            return VersionVector.ROLLCALL;
        }
        return new VersionVector(random.nextInt(8), random.nextInt(8), random.nextInt(8), random.nextInt(8),
                random.nextInt(8), random.nextInt(8));
    }

    /** A message that travels in datagrams. */
    Message datagramMessage() {
        switch (random.nextInt(11)) {
            case 0:
                return new Ping(random.nextInt(64), random.nextBoolean() ? LiveEngine.SELF : name(),
                        random.nextBoolean() ? null : address(), name());
            case 1:
                return new IndirectPing(random.nextInt(1_000_000), address(), name(), random.nextBoolean(),
                        random.nextBoolean() ? null : address(), name());
            case 2:
                return new Ack(random.nextInt(64), random.nextBoolean() ? Bytes.EMPTY : meta());
            case 3:
                return new Nack(random.nextInt(64));
            case 4:
                return new Suspect(incarnation(), name(), name());
            case 5:
                String dead = name();
                return new Dead(incarnation(), dead, random.nextInt(3) == 0 ? dead : name());
            case 6:
                return new UserData(serfMessage());
            default:
                return new Alive(incarnation(), name(), address(), meta(), versions());
        }
    }

    Bytes serfMessage() {
        int pick = random.nextInt(4);
        if (pick == 0) {
            return Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(random.nextInt(1_000), name())));
        } else if (pick == 1) {
            return Bytes.of(SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(random.nextInt(1_000), name(),
                    random.nextBoolean())));
        }
        byte[] b = new byte[random.nextInt(40)];
        random.nextBytes(b);
        return Bytes.of(b);
    }

    /** 1 to 8 datagram messages: a compound when more than one. */
    List<Message> datagram() {
        int n = random.nextInt(3) == 0 ? 1 + random.nextInt(8) : 1;
        List<Message> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(datagramMessage());
        }
        return out;
    }

    /** A stream request or reply. */
    Message streamMessage() {
        switch (random.nextInt(6)) {
            case 0:
                return new Ping(random.nextInt(64), random.nextBoolean() ? LiveEngine.SELF : name(), null, "");
            case 1:
                return new UserData(serfMessage());
            case 2:
                return new ErrorResponse("refused");
            default:
                // Sometimes more members than the table holds, to hit the state-size limit.
                int n = random.nextInt(20) == 0 ? LiveEngine.MAX_MEMBERS + random.nextInt(20) : random.nextInt(16);
                List<PushNodeState> nodes = new ArrayList<>(n);
                MemberState[] states = MemberState.values();
                for (int i = 0; i < n; i++) {
                    nodes.add(new PushNodeState(name(), address(), meta(), incarnation(),
                            states[random.nextInt(states.length)], versions()));
                }
                Bytes state = random.nextBoolean() ? Bytes.EMPTY : Bytes.of(SerfCodec.encodeState(new SerfMessage.State(
                        random.nextInt(1_000), Map.of(name(), (long) random.nextInt(1_000)), List.of(name()), 1, 1)));
                return new PushPull(random.nextBoolean(), nodes, state);
        }
    }

    /** A mutation of the valid encoding, or (one time in eight) random bytes. */
    byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        switch (random.nextInt(9)) {
            case 0:
                for (int n = 1 + random.nextInt(4); n > 0 && b.length > 0; n--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return b;
            case 1:
                return Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 2:
                return concat(b, randomBytes(1 + random.nextInt(20)));
            case 3:
                int at = random.nextInt(b.length + 1);
                return concat(concat(Arrays.copyOf(b, at), randomBytes(1 + random.nextInt(8))),
                        Arrays.copyOfRange(b, at, b.length));
            case 4:
                b = randomBytes(random.nextInt(300));
                if (b.length > 0 && random.nextBoolean()) {
                    // A plausible type byte, so random bodies reach the message decoders.
                    b[0] = (byte) random.nextInt(14);
                }
                return b;
            case 5:
                for (int n = 1 + random.nextInt(3); n > 0 && b.length > 0; n--) {
                    int bit = random.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return b;
            case 6:
                for (int n = 1 + random.nextInt(3); n > 0 && b.length > 0; n--) {
                    b[random.nextInt(b.length)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                }
                return b;
            case 7:
                // Unchanged: valid hostile content (table pressure, conflicts, claims about us) matters too.
                return b;
            default:
                // Splice the encoding with a shifted copy of itself: misaligned lengths and headers.
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(b.length + 1);
                return concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(valid, from, valid.length));
        }
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
