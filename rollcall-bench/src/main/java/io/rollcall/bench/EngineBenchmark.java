package io.rollcall.bench;

import io.rollcall.core.Bytes;
import io.rollcall.core.VersionVector;
import io.rollcall.core.engine.CollectingOutbox;
import io.rollcall.core.engine.Effect;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.LocalIdentity;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.Timer;
import io.rollcall.core.message.Ack;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.Ping;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sans-I/O engine's input handlers on a hand-driven clock, effects collected in a
 * {@link CollectingOutbox} and drained each operation (the drain's copy is part of the cost).
 * The engine knows 1,000 live members (LAN profile), so lookups and random choices are realistic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {
    private static final int MEMBERS = 1000;
    private static final int GOSSIP_BATCH = 16;

    private long now = 1_000_000;
    private final CollectingOutbox out = new CollectingOutbox();
    private MembershipEngine engine;
    private long seq;
    private long incarnation = 10;
    private Alive[] gossip;
    private PushPull pushPull;

    @Setup
    public void setUp() {
        engine = new MembershipEngine(new LocalIdentity("node-1", Fixtures.addr(1), Bytes.EMPTY, 1), EngineConfig.lan(),
                () -> now, new SplittableRandom(42), out);
        engine.start();
        List<PushNodeState> nodes = Fixtures.nodes(MEMBERS - 1, 5);
        engine.learnWithoutGossip(nodes);
        out.drain();
        gossip = new Alive[GOSSIP_BATCH];
        pushPull = new PushPull(false, nodes, Bytes.EMPTY);
        if (engine.liveMemberCount() != MEMBERS) {
            throw new IllegalStateException("expected " + MEMBERS + " live members, got " + engine.liveMemberCount());
        }
    }

    /** A ping for us arrives: the engine answers with an ack (plus piggybacked gossip, if any). */
    @Benchmark
    public List<Effect> handlePing() {
        engine.handlePacket(Fixtures.addr(7), new Ping(++seq, "node-1", Fixtures.addr(7), "node-7"));
        return out.drain();
    }

    /**
     * One probe round trip: the probe timer fires (the engine picks a member and pings it), then the
     * member's ack arrives and settles the probe.
     */
    @Benchmark
    public List<Effect> probeTickThenAck() {
        now += 1000;
        engine.handleTimer(new Timer.ProbeTick());
        long probeSeq = -1;
        io.rollcall.core.Endpoint target = null;
        for (Effect e : out.drain()) {
            if (e instanceof Effect.SendPacket p && p.messages().get(0) instanceof Ping ping) {
                probeSeq = ping.seqNo();
                target = p.to();
            }
        }
        if (target == null) {
            throw new IllegalStateException("the probe tick sent no ping");
        }
        engine.handlePacket(target, new Ack(probeSeq, Bytes.EMPTY));
        return out.drain();
    }

    /** A gossip datagram of 16 alive messages, each news (a higher incarnation). */
    @Benchmark
    public List<Effect> handleGossipBatch() {
        incarnation++;
        for (int i = 0; i < GOSSIP_BATCH; i++) {
            int host = 2 + (int) ((incarnation * GOSSIP_BATCH + i) % (MEMBERS - 1));
            gossip[i] = new Alive(incarnation, Fixtures.name(host), Fixtures.addr(host), Fixtures.META,
                    VersionVector.ROLLCALL);
        }
        for (Message m : gossip) {
            engine.handlePacket(Fixtures.addr(3), m);
        }
        now += 10;
        return out.drain();
    }

    /** A peer's periodic push/pull with the same 1,000 members: merge them, answer with our state. */
    @Benchmark
    public Message pushPull1000() {
        Message reply = engine.handleStream(Fixtures.addr(9), pushPull);
        out.drain();
        return reply;
    }

    /** Our own state as we send it in a push/pull (1,000 members). */
    @Benchmark
    public PushPull localState1000() {
        return engine.localState(false);
    }
}
