package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.codec.MessageCodec;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.SerfQueryCodec;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.serf.SerfSemantics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 15, finding 3: names from the wire follow {@link io.rollcall.NodeNames}, or the message is dropped and counted. */
class InvalidNameTest {
    private static final List<String> HOSTILE = List.of("evil\nmember-join\tforged", "tab\tname", "\u001b[31mred", "",
            "x".repeat(5_000), "bad\uFFFDutf8", "a b", "nul\u0000");

    @Test
    void gossipAboutMembersWithHostileNamesIsDroppedAndCounted() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(2);
        int host = 10;
        for (String name : HOSTILE) {
            h.receive(9, new Alive(1, name, EngineHarness.addr(host++), Bytes.EMPTY, VersionVector.ROLLCALL));
            h.receive(9, new Suspect(1, name, "n2"));
            h.receive(9, new Dead(1, name, "n2"));
        }
        // A hostile accuser spoils an accusation about a real member too.
        h.receive(9, new Suspect(1, "n2", "\u001b]0;x\u0007"));
        h.receive(9, new Dead(1, "n3", "a\nb"));
        assertThat(h.engine.memberCount()).isEqualTo(3);
        assertThat(h.stateOf(2)).isEqualTo(MemberState.ALIVE);
        assertThat(h.stateOf(3)).isEqualTo(MemberState.ALIVE);
        assertThat(h.engine.counters().dropped(DropReason.INVALID_NAME)).isEqualTo(3L * HOSTILE.size() + 2);
        assertThat(EngineHarness.of(h.drain(), MembershipEvent.class)).isEmpty();
    }

    @Test
    void invalidUtf8OnTheWireIsRefused() {
        byte[] encoded = MessageCodec.encode(new Alive(1, "QQ", EngineHarness.addr(20), Bytes.EMPTY, VersionVector.ROLLCALL));
        String text = new String(encoded, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("QQ");
        encoded[at] = (byte) 0xC0; // an overlong encoding of '/'
        encoded[at + 1] = (byte) 0xAF;
        DecodeResult decoded = MessageCodec.decode(encoded, 0, encoded.length);
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1).started().withMembers(1);
        h.receive(9, decoded.messages().get(0));
        assertThat(h.engine.member("/")).isEmpty();
        assertThat(h.engine.memberCount()).isEqualTo(2);
        assertThat(h.engine.counters().dropped(DropReason.INVALID_NAME)).isEqualTo(1);
    }

    @Test
    void aStateExchangeDropsEachHostileEntryWholeAndAppliesTheRest() {
        long seed = 315L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            EngineHarness h = new EngineHarness(EngineConfig.lan(), round).started();
            List<PushNodeState> nodes = new ArrayList<>();
            int good = 0;
            int bad = 0;
            for (int i = 0; i < 1 + random.nextInt(12); i++) {
                boolean hostile = random.nextBoolean();
                String base = HOSTILE.get(random.nextInt(HOSTILE.size()));
                String name = !hostile ? "m" + i : base.isEmpty() ? "" : base + i;
                MemberState state = MemberState.values()[random.nextInt(MemberState.values().length)];
                nodes.add(new PushNodeState(name, EngineHarness.addr(10 + i), Bytes.EMPTY, 1, hostile ? state : MemberState.ALIVE,
                        VersionVector.ROLLCALL));
                if (hostile) {
                    bad++;
                } else {
                    good++;
                }
            }
            h.engine.handleStream(EngineHarness.addr(9), new PushPull(false, nodes, Bytes.EMPTY));
            String context = "seed " + seed + " round " + round + " " + nodes;
            assertThat(h.engine.memberCount()).as(context).isEqualTo(1 + good);
            assertThat(h.engine.members()).as(context).allMatch(m -> io.rollcall.NodeNames.isValid(m.name()));
            // Entries about members we do not know are ignored whatever their state; ALIVE ones are counted too.
            assertThat(h.engine.counters().dropped(DropReason.INVALID_NAME)).as(context).isEqualTo(bad);
        }
    }

    @Test
    void serfIntentsWithHostileNamesAreNotRecordedNorPassedOn() {
        EngineHarness h = new EngineHarness(EngineConfig.lan(), 1);
        SerfSemantics serf = new SerfSemantics("self", new java.util.SplittableRandom(1), () -> h.now);
        serf.attach(h.engine);
        h.engine.setUserDelegate(serf);
        h.started().withMembers(1);
        for (String name : HOSTILE) {
            h.receive(2, new io.rollcall.core.message.UserData(Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(5, name)))));
            h.receive(2, new io.rollcall.core.message.UserData(Bytes.of(SerfCodec.encodeLeave(
                    new SerfMessage.LeaveIntent(6, name, false)))));
        }
        assertThat(serf.invalidNames()).isEqualTo(2L * HOSTILE.size());
        // An answer to a query of ours from a name outside the rule is not reported.
        List<SerfMessage.QueryResponse> answers = new ArrayList<>();
        long id = serf.startQuery("_serf_list-keys", Bytes.EMPTY, 1_000_000_000L, answers::add);
        int ownAnswers = answers.size();
        for (String name : HOSTILE) {
            h.receive(2, new io.rollcall.core.message.UserData(Bytes.of(SerfQueryCodec.encodeQueryResponse(
                    new SerfMessage.QueryResponse(1, id, name, 0, Bytes.EMPTY)))));
        }
        h.receive(2, new io.rollcall.core.message.UserData(Bytes.of(SerfQueryCodec.encodeQueryResponse(
                new SerfMessage.QueryResponse(1, id, "n2", 0, Bytes.EMPTY)))));
        assertThat(answers).hasSize(ownAnswers + 1);
        assertThat(serf.invalidNames()).isEqualTo(3L * HOSTILE.size());
        // A valid intent still is recorded.
        h.receive(2, new io.rollcall.core.message.UserData(Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(5, "n2")))));
        assertThat(serf.invalidNames()).isEqualTo(3L * HOSTILE.size());
    }

}
