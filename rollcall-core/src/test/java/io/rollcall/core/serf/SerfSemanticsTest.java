package io.rollcall.core.serf;

import io.rollcall.core.message.SerfMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.engine.CollectingOutbox;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.LocalIdentity;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.message.UserData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Serf's Lamport rules as Serf agents apply them to what we send. */
class SerfSemanticsTest {
    private static final Endpoint SELF = Endpoint.parse("127.0.0.1:7946", 0);

    private static List<SerfMessage> intentsGossiped(MembershipEngine engine, CollectingOutbox out) {
        engine.handleTimer(new io.rollcall.core.engine.Timer.GossipTick());
        List<SerfMessage> found = new ArrayList<>();
        for (var e : out.drain()) {
            if (e instanceof io.rollcall.core.engine.Effect.SendPacket p) {
                for (var m : p.messages()) {
                    if (m instanceof UserData u) {
                        found.add(SerfCodec.decode(u.payload().toByteArray()));
                    }
                }
            }
        }
        return found;
    }

    /** An engine named r1 with Serf semantics, started, knowing one peer s1. */
    private static MembershipEngine startedWithOnePeer(SerfSemantics serf, CollectingOutbox out) {
        MembershipEngine engine = new MembershipEngine(new LocalIdentity("r1", SELF, Bytes.EMPTY, 1), EngineConfig.lan(),
                () -> 0, new SplittableRandom(1), out);
        serf.attach(engine);
        engine.setUserDelegate(serf);
        engine.start();
        engine.handlePacket(Endpoint.parse("127.0.0.2:7946", 0), new io.rollcall.core.message.Alive(1, "s1",
                Endpoint.parse("127.0.0.2:7946", 0), Bytes.EMPTY, io.rollcall.core.VersionVector.ROLLCALL));
        return engine;
    }

    @Test
    void aLeaveIntentIsAlwaysNewerThanOurLastJoinIntent() {
        for (int otherIntentsSeen = 0; otherIntentsSeen < 3; otherIntentsSeen++) {
            CollectingOutbox out = new CollectingOutbox();
            SerfSemantics serf = new SerfSemantics("r1", new SplittableRandom(1), () -> 0);
            MembershipEngine engine = startedWithOnePeer(serf, out);
            for (int i = 0; i < otherIntentsSeen; i++) {
                serf.onUserMessage(SELF, Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(5 + i, "s1"))));
            }
            serf.accept(new JoinCompleted(1, 1, List.of()));
            out.drain();
            serf.beforeLeave();
            long join = -1;
            long leave = -1;
            for (SerfMessage m : intentsGossiped(engine, out)) {
                if (m instanceof SerfMessage.LeaveIntent l && l.node().equals("r1")) {
                    leave = l.ltime();
                }
            }
            join = ((SerfMessage.JoinIntent) SerfCodec.decode(serf.announcement(false).toByteArray())).ltime();
            assertThat(leave).as("with %d other intents seen first", otherIntentsSeen).isGreaterThan(join);
        }
    }

    @Test
    void aLeaveIntentAboutUsIsRefutedWithANewerJoinIntent() {
        CollectingOutbox out = new CollectingOutbox();
        SerfSemantics serf = new SerfSemantics("r1", new SplittableRandom(1), () -> 0);
        MembershipEngine engine = startedWithOnePeer(serf, out);
        out.drain();
        serf.onUserMessage(SELF, Bytes.of(SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(100, "r1", false))));
        assertThat(intentsGossiped(engine, out)).anySatisfy(m -> {
            assertThat(m).isInstanceOf(SerfMessage.JoinIntent.class);
            assertThat(((SerfMessage.JoinIntent) m).ltime()).isGreaterThan(100);
        });
    }

    @Test
    void anIntentAtTheTopOfTheLamportRangeIsIgnoredAndCounted() {
        // Unrefutable otherwise: a leave intent about s1 at 2^63-1 (or anything up to 2^64-1) made every later join intent of s1
        // older (ignored by every member), and one about us could not be answered by a newer join.
        CollectingOutbox out = new CollectingOutbox();
        SerfSemantics serf = new SerfSemantics("r1", new SplittableRandom(1), () -> 0);
        MembershipEngine engine = startedWithOnePeer(serf, out);
        out.drain();
        serf.onUserMessage(SELF, Bytes.of(SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(Long.MAX_VALUE, "s1", false))));
        serf.onUserMessage(SELF, Bytes.of(SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(Long.MAX_VALUE, "r1", false))));
        assertThat(serf.lamportJumps()).isEqualTo(2);
        serf.onUserMessage(SELF, Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(5, "s1"))));
        List<SerfMessage> gossiped = intentsGossiped(engine, out);
        assertThat(gossiped).noneMatch(m -> m instanceof SerfMessage.LeaveIntent);
        assertThat(gossiped).anySatisfy(m -> assertThat(m).isEqualTo(new SerfMessage.JoinIntent(5, "s1")));
        // Within the bound, a leave about us is still refuted with a newer join.
        serf.onUserMessage(SELF, Bytes.of(SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(1_000, "r1", false))));
        assertThat(intentsGossiped(engine, out)).anySatisfy(m -> {
            assertThat(m).isInstanceOf(SerfMessage.JoinIntent.class);
            assertThat(((SerfMessage.JoinIntent) m).ltime()).isGreaterThan(1_000);
        });
    }
}
