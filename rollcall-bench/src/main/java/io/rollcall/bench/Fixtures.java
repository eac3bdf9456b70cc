package io.rollcall.bench;

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

/** Typical messages, as a 32-to-1000-node LAN cluster exchanges them. */
final class Fixtures {
    private Fixtures() {
    }

    static Endpoint addr(int host) {
        return Endpoint.of(new byte[] {127, 0, (byte) (host >>> 8), (byte) host}, 7946);
    }

    static String name(int host) {
        return "node-" + host;
    }

    /** Serf-style tags in the metadata, as a Serf member carries them. */
    static final Bytes META = Bytes.of("role\0web\0dc\0eu-west-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    static List<PushNodeState> nodes(int count, long incarnation) {
        List<PushNodeState> nodes = new ArrayList<>(count);
        for (int i = 2; i < count + 2; i++) {
            nodes.add(new PushNodeState(name(i), addr(i), META, incarnation, MemberState.ALIVE, VersionVector.ROLLCALL));
        }
        return nodes;
    }

    /**
     * @param type a memberlist message type name
     * @return one typical message of that type
     */
    static Message message(String type) {
        return switch (type) {
            case "ping" -> new Ping(123456, name(2), addr(1), name(1));
            case "indirectPing" -> new IndirectPing(123456, addr(3), name(3), true, addr(1), name(1));
            case "ack" -> new Ack(123456, Bytes.EMPTY);
            case "nack" -> new Nack(123456);
            case "suspect" -> new Suspect(17, name(3), name(1));
            case "alive" -> new Alive(17, name(3), addr(3), META, VersionVector.ROLLCALL);
            case "dead" -> new Dead(17, name(3), name(1));
            case "user" -> new UserData(Bytes.of(new byte[64]));
            case "error" -> new ErrorResponse("push/pull refused");
            case "pushPull32" -> new PushPull(false, nodes(32, 5), Bytes.EMPTY);
            default -> throw new IllegalArgumentException(type);
        };
    }
}
