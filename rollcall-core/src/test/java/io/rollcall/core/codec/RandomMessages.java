package io.rollcall.core.codec;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random messages that lean on the encoding's boundaries: string lengths around 32, 256 and
 * 65536, integers around each format change, IPv4 and IPv6, empty and full metadata. With
 * {@code exact} set, only values that survive a round trip are produced (no unpaired surrogates,
 * no source endpoint with port 0, which Go's omitempty turns into "no source").
 */
final class RandomMessages {
    private static final long[] UINT_EDGES = {0, 1, 127, 128, 255, 256, 65_535, 65_536, 0xFFFF_FFFFL};
    private static final int[] PORT_EDGES = {1, 127, 128, 255, 256, 7946, 65_535};
    private static final int[] TEXT_LENGTHS = {0, 1, 31, 32, 33, 255, 256, 257};

    private final Random random;
    private final boolean exact;
    private final boolean huge;

    /**
     * @param random source of randomness
     * @param exact  only values that survive a round trip
     * @param huge   sometimes produce strings above 65535 bytes (str32)
     */
    RandomMessages(Random random, boolean exact, boolean huge) {
        this.random = random;
        this.exact = exact;
        this.huge = huge;
    }

    /** Any message, including stream-only ones. */
    Message any() {
        int kind = random.nextInt(10);
        if (kind == 7) {
            return pushPull(random.nextInt(6));
        } else if (kind == 9) {
            return new ErrorResponse(text());
        }
        return datagram(kind);
    }

    /** A message that may travel in a packet. */
    Message datagram() {
        return datagram(random.nextInt(8));
    }

    private Message datagram(int kind) {
        return switch (kind) {
            case 0 -> new Ping(uint32(), text(), random.nextBoolean() ? null : source(), random.nextBoolean() ? "" : text());
            case 1 -> new IndirectPing(uint32(), endpoint(), text(), random.nextBoolean(),
                    random.nextBoolean() ? null : source(), random.nextBoolean() ? "" : text());
            case 2 -> new Ack(uint32(), bytes());
            case 3 -> new Nack(uint32());
            case 4 -> new Suspect(uint32(), text(), text());
            case 5 -> new Alive(uint32(), text(), endpoint(), bytes(), versions());
            case 6 -> new Dead(uint32(), text(), text());
            default -> new UserData(bytes());
        };
    }

    PushPull pushPull(int nodes) {
        List<PushNodeState> list = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            list.add(node());
        }
        return new PushPull(random.nextBoolean(), list, random.nextInt(4) == 0 ? Bytes.EMPTY : bytes());
    }

    PushNodeState node() {
        MemberState[] states = MemberState.values();
        return new PushNodeState(text(), endpoint(), bytes(), uint32(), states[random.nextInt(states.length)], versions());
    }

    long uint32() {
        return random.nextBoolean() ? UINT_EDGES[random.nextInt(UINT_EDGES.length)] : random.nextLong() & 0xFFFF_FFFFL;
    }

    Endpoint endpoint() {
        byte[] addr = new byte[random.nextBoolean() ? 4 : 16];
        random.nextBytes(addr);
        int port = random.nextInt(8) == 0 ? 0 : random.nextBoolean() ? PORT_EDGES[random.nextInt(PORT_EDGES.length)]
                : random.nextInt(65_536);
        return Endpoint.of(addr, port);
    }

    private Endpoint source() {
        Endpoint e = endpoint();
        return exact && e.port() == 0 ? new Endpoint(e.ip(), 1) : e;
    }

    VersionVector versions() {
        int pick = random.nextInt(10);
        if (pick == 0) {
            return null;
        }
        if (pick < 5) {
            return VersionVector.ROLLCALL;
        }
        return new VersionVector(random.nextInt(256), random.nextInt(256), random.nextInt(256),
                random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    Bytes bytes() {
        int pick = random.nextInt(10);
        int length = pick < 3 ? 0 : pick < 5 ? TEXT_LENGTHS[random.nextInt(TEXT_LENGTHS.length)]
                : pick < 9 ? random.nextInt(600) : 512;
        byte[] b = new byte[length];
        random.nextBytes(b);
        return Bytes.of(b);
    }

    String text() {
        int pick = random.nextInt(20);
        int length = pick == 0 && huge ? 65_536 + random.nextInt(10) : pick < 10 ? TEXT_LENGTHS[random.nextInt(TEXT_LENGTHS.length)]
                : random.nextInt(40);
        StringBuilder sb = new StringBuilder(length);
        int alphabet = random.nextInt(4);
        while (sb.length() < length) {
            int kind = alphabet == 0 ? 0 : random.nextInt(alphabet == 3 ? 5 : 4);
            switch (kind) {
                case 0 -> sb.append((char) ('a' + random.nextInt(26)));
                case 1 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> sb.append((char) (0x800 + random.nextInt(0xD000)));
                case 3 -> sb.appendCodePoint(0x10000 + random.nextInt(0xFFFFF));
                default -> sb.append(exact ? 'x' : (char) (0xD800 + random.nextInt(0x800)));
            }
        }
        return sb.toString();
    }
}
