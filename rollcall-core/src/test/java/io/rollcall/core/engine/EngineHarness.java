package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** One engine on a hand-driven clock, with every effect recorded. */
final class EngineHarness {
    long now = 1_000_000;
    final CollectingOutbox out = new CollectingOutbox();
    final MembershipEngine engine;

    EngineHarness(EngineConfig config, long seed) {
        this(config, seed, 1);
    }

    EngineHarness(EngineConfig config, long seed, long incarnation) {
        engine = new MembershipEngine(new LocalIdentity("self", addr(1), Bytes.EMPTY, incarnation), config,
                () -> now, new SplittableRandom(seed), out);
    }

    static Endpoint addr(int host) {
        return Endpoint.of(new byte[] {127, 0, (byte) (host >>> 8), (byte) host}, 7946);
    }

    static String name(int host) {
        return "n" + host;
    }

    static Alive alive(int host, long incarnation) {
        return new Alive(incarnation, name(host), addr(host), Bytes.EMPTY, VersionVector.ROLLCALL);
    }

    EngineHarness started() {
        engine.start();
        drain();
        return this;
    }

    /** Adds members n2..n(count+1) as ALIVE at incarnation 1 and forgets the resulting effects. */
    EngineHarness withMembers(int count) {
        for (int i = 2; i < count + 2; i++) {
            engine.handlePacket(addr(i), alive(i, 1));
        }
        drain();
        return this;
    }

    void receive(int fromHost, Message message) {
        engine.handlePacket(addr(fromHost), message);
    }

    void fire(Timer timer) {
        engine.handleTimer(timer);
    }

    List<Effect> drain() {
        return out.drain();
    }

    MemberState stateOf(int host) {
        return engine.member(name(host)).orElseThrow().state();
    }

    static <T> List<T> of(List<Effect> effects, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Effect e : effects) {
            Object value = e;
            if (e instanceof Effect.Notify n) {
                value = n.notification();
            } else if (e instanceof Effect.SetTimer t && Timer.class.isAssignableFrom(kind)) {
                value = t.timer();
            }
            if (kind.isInstance(value)) {
                out.add(kind.cast(value));
            }
        }
        return out;
    }

    /** Every message sent in any datagram among the effects. */
    static List<Message> sentMessages(List<Effect> effects) {
        List<Message> out = new ArrayList<>();
        for (Effect.SendPacket p : of(effects, Effect.SendPacket.class)) {
            out.addAll(p.messages());
        }
        return out;
    }

    static <T extends Message> List<T> sent(List<Effect> effects, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Message m : sentMessages(effects)) {
            if (kind.isInstance(m)) {
                out.add(kind.cast(m));
            }
        }
        return out;
    }
}
