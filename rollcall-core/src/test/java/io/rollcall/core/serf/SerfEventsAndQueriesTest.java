package io.rollcall.core.serf;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.SerfQueryCodec;
import io.rollcall.core.engine.CollectingOutbox;
import io.rollcall.core.engine.Effect;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.LocalIdentity;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.message.UserData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Serf's user events and queries as a Rollcall node handles them: de-duplication, relays, limits. */
class SerfEventsAndQueriesTest {
    private static final Endpoint SELF = Endpoint.parse("127.0.0.1:7946", 0);
    private static final Endpoint PEER = Endpoint.parse("127.0.0.2:7946", 0);

    private final CollectingOutbox out = new CollectingOutbox();
    private final AtomicLong now = new AtomicLong();
    private final List<SerfMessage.UserEvent> delivered = new ArrayList<>();
    private final List<SerfApplication.ReceivedQuery> asked = new ArrayList<>();
    private final SerfSemantics serf = new SerfSemantics("r1", null, () -> { }, new SplittableRandom(1), now::get);
    private final MembershipEngine engine = started();

    private MembershipEngine started() {
        MembershipEngine e = new MembershipEngine(new LocalIdentity("r1", SELF, Bytes.EMPTY, 1), EngineConfig.lan(),
                now::get, new SplittableRandom(1), out);
        serf.attach(e);
        e.setUserDelegate(serf);
        serf.setApplication(new SerfApplication() {
            @Override
            public void userEvent(SerfMessage.UserEvent event) {
                delivered.add(event);
            }

            @Override
            public void query(ReceivedQuery query) {
                asked.add(query);
            }
        });
        e.start();
        e.handlePacket(PEER, new io.rollcall.core.message.Alive(1, "s1", PEER, Bytes.EMPTY, io.rollcall.core.VersionVector.ROLLCALL));
        out.drain();
        return e;
    }

    /** @return the Serf messages sent (gossiped after a gossip tick, or sent directly) */
    private List<SerfMessage> sent() {
        engine.handleTimer(new io.rollcall.core.engine.Timer.GossipTick());
        List<SerfMessage> found = new ArrayList<>();
        for (var e : out.drain()) {
            if (e instanceof Effect.SendPacket p) {
                for (var m : p.messages()) {
                    if (m instanceof UserData u) {
                        found.add(SerfCodec.decode(u.payload().toByteArray()));
                    }
                }
            }
        }
        return found;
    }

    private static byte[] capture(String name) throws IOException {
        try (InputStream in = SerfEventsAndQueriesTest.class.getResourceAsStream("/serf-0.9.4/" + name + ".hex")) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        }
    }

    private static SerfMessage.UserEvent event(long ltime, String name, String payload) {
        return new SerfMessage.UserEvent(ltime, name, Bytes.of(payload.getBytes(StandardCharsets.UTF_8)), true);
    }

    private void receive(SerfMessage.UserEvent e) {
        serf.onUserMessage(PEER, Bytes.of(SerfCodec.encodeUserEvent(e)));
    }

    @Test
    void aUserEventEncodesByteForByteAsTheSerfAgentSentIt() throws IOException {
        byte[] datagram = capture("udp-serf-user-event");
        // 0c crc32 | 08 | serf message
        byte[] serfBytes = java.util.Arrays.copyOfRange(datagram, 6, datagram.length);
        SerfMessage decoded = SerfCodec.decode(serfBytes);
        assertThat(decoded).isEqualTo(event(1, "myevent", "hello"));
        assertThat(SerfCodec.encodeUserEvent((SerfMessage.UserEvent) decoded)).isEqualTo(serfBytes);
    }

    @Test
    void aNewEventIsDeliveredOnceAndPassedOnOnceAsTheBytesReceived() {
        receive(event(7, "deploy", "v1"));
        receive(event(7, "deploy", "v1"));
        // Same time, another payload: a different event (Serf compares name and payload).
        receive(event(7, "deploy", "v2"));
        assertThat(delivered).containsExactly(event(7, "deploy", "v1"), event(7, "deploy", "v2"));
        assertThat(sent()).filteredOn(m -> m instanceof SerfMessage.UserEvent)
                .containsExactlyInAnyOrder(event(7, "deploy", "v1"), event(7, "deploy", "v2"));
        assertThat(serf.eventClockTime()).isEqualTo(8);
    }

    @Test
    void anEventMoreThanTheBufferBehindTheClockIsTooOldAndCounted() {
        receive(event(2_000, "a", ""));
        receive(event(2_000 - SerfSemantics.BUFFER_SLOTS - 2, "b", ""));
        assertThat(delivered).extracting(SerfMessage.UserEvent::name).containsExactly("a");
        assertThat(serf.refusals()).containsEntry("event_too_old", 1L);
    }

    @Test
    void manyDistinctEventsAtOneTimeFillTheirSlotAndAreCountedNotKept() {
        for (int i = 0; i < SerfSemantics.MAX_EVENTS_PER_LTIME + 10; i++) {
            receive(event(3, "e" + i, ""));
        }
        assertThat(delivered).hasSize(SerfSemantics.MAX_EVENTS_PER_LTIME);
        assertThat(serf.refusals()).containsEntry("event_buffer_full", 10L);
    }

    @Test
    void eventsTravelInTheStateExchangeAndThoseBeforeOurJoinAreNotReplayed() {
        serf.sendUserEvent("mine", Bytes.of(new byte[] {1}), false);
        SerfMessage.State state = (SerfMessage.State) SerfCodec.decode(serf.localState(false).toByteArray());
        assertThat(state.events()).containsExactly(new SerfMessage.EventGroup(1, List.of(
                new SerfMessage.EventEntry("mine", Bytes.of(new byte[] {1})))));

        // A peer's state at a join: its clock is 10 and it holds events at 4 and 12.
        SerfMessage.State remote = new SerfMessage.State(1, Map.of(), List.of(), 10, List.of(
                new SerfMessage.EventGroup(4, List.of(new SerfMessage.EventEntry("old", Bytes.EMPTY))),
                new SerfMessage.EventGroup(12, List.of(new SerfMessage.EventEntry("new", Bytes.EMPTY)))), 1);
        delivered.clear();
        serf.mergeRemoteState(Bytes.of(SerfCodec.encodeState(remote)), true);
        assertThat(delivered).extracting(SerfMessage.UserEvent::name).containsExactly("new");
        // Learnt from a state exchange: handed on, not gossiped again.
        assertThat(sent()).noneMatch(m -> m instanceof SerfMessage.UserEvent u && u.name().equals("new"));
    }

    @Test
    void ourOwnEventOverSerfsSizeLimitIsRefusedWithSerfsWords() {
        assertThat(serf.sendUserEvent("big", Bytes.of(new byte[600]), false))
                .isEqualTo("user event exceeds configured limit of 512 bytes before encoding");
        assertThat(serf.sendUserEvent("ok", Bytes.of(new byte[100]), true)).isNull();
        assertThat(delivered).extracting(SerfMessage.UserEvent::name).containsExactly("ok");
    }

    private SerfMessage.Query query(long ltime, long id, long flags, int relayFactor, List<Bytes> filters) {
        return new SerfMessage.Query(ltime, id, Bytes.of(new byte[] {127, 0, 0, 9}), 7946, "asker", filters, flags,
                relayFactor, 2_000_000_000L, "uptime", Bytes.EMPTY);
    }

    @Test
    void aQueryIsAcknowledgedHandedOnceToTheApplicationAndItsAnswerAlsoRelayed() {
        SerfMessage.Query q = query(5, 42, SerfMessage.QUERY_FLAG_ACK, 1, List.of());
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(q)));
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(q)));
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).deadlineMillis()).isEqualTo(2_000);
        List<SerfMessage> first = sent();
        assertThat(first).anySatisfy(m -> assertThat(m).isInstanceOf(SerfMessage.Query.class));
        assertThat(first).filteredOn(SerfMessage.QueryResponse.class::isInstance)
                .anySatisfy(m -> assertThat(((SerfMessage.QueryResponse) m).flags()).isEqualTo(SerfMessage.QUERY_FLAG_ACK));

        assertThat(serf.respond(asked.get(0), Bytes.of("up 3 days".getBytes(StandardCharsets.UTF_8)))).isNull();
        List<SerfMessage> answers = sent();
        assertThat(answers).anySatisfy(m -> assertThat(m).isEqualTo(new SerfMessage.QueryResponse(5, 42, "r1", 0,
                Bytes.of("up 3 days".getBytes(StandardCharsets.UTF_8)))));
        // RelayFactor 1 with two members: the answer also goes through s1, addressed to the asker.
        assertThat(answers).filteredOn(SerfMessage.Relay.class::isInstance).anySatisfy(m -> {
            SerfMessage.Relay r = (SerfMessage.Relay) m;
            assertThat(r.destAddress()).isEqualTo(Bytes.of(new byte[] {127, 0, 0, 9}));
            assertThat(r.destName()).isEqualTo("asker");
            assertThat(SerfCodec.decode(r.message().toByteArray())).isInstanceOf(SerfMessage.QueryResponse.class);
        });
    }

    @Test
    void anAnswerTooLargeOrTooLateIsRefusedWithSerfsWords() {
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(query(5, 1, 0, 0, List.of()))));
        assertThat(serf.respond(asked.get(0), Bytes.of(new byte[1_100]))).isEqualTo("response exceeds limit of 1024 bytes");
        now.set(2_001);
        assertThat(serf.respond(asked.get(0), Bytes.EMPTY)).isEqualTo("response is past the deadline");
    }

    @Test
    void filtersDecideWhetherWeAnswerAndAHostileExpressionCostsLinearTime() {
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(query(5, 1, 0, 0,
                List.of(Bytes.of(SerfQueryCodec.encodeNodeFilter(List.of("s9"))))))));
        // A tag we lack is the empty string, as in Serf: "^$" matches it.
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(query(5, 2, 0, 0,
                List.of(Bytes.of(SerfQueryCodec.encodeTagFilter("role", "^$")))))));
        // Catastrophic for a backtracking engine: (a+)+$ against a long run of a's and a mismatch.
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(query(5, 3, 0, 0,
                List.of(Bytes.of(SerfQueryCodec.encodeTagFilter("role", "(a|a)+(a+)+$")))))));
        assertThat(asked).extracting(q -> q.query().id()).containsExactly(2L);
        assertThat(SerfQueryCodec.filterMatches(SerfQueryCodec.encodeTagFilter("role", "(a|a)+(a+)+$"), "r1",
                Map.of("role", "a".repeat(5_000) + "!"))).isFalse();
    }

    @Test
    void onlyQueryAnswersWithinTheSizeLimitAreForwardedForOthers() {
        byte[] answer = SerfQueryCodec.encodeQueryResponse(new SerfMessage.QueryResponse(1, 1, "s2", 0, Bytes.EMPTY));
        serf.onUserMessage(PEER, Bytes.of(SerfCodec.encodeRelay(new byte[] {127, 0, 0, 9}, 7946, "asker", answer)));
        byte[] join = SerfCodec.encodeJoin(new SerfMessage.JoinIntent(1, "x"));
        serf.onUserMessage(PEER, Bytes.of(SerfCodec.encodeRelay(new byte[] {127, 0, 0, 9}, 7946, "asker", join)));
        List<Object> direct = new ArrayList<>();
        for (var e : out.drain()) {
            if (e instanceof Effect.SendPacket p && p.to().equals(Endpoint.parse("127.0.0.9:7946", 0))) {
                direct.addAll(p.messages());
            }
        }
        assertThat(direct).containsExactly(new UserData(Bytes.of(answer)));
        assertThat(serf.refusals()).containsEntry("relay_refused", 1L);
    }

    @Test
    void ourQueryCollectsEachNodesAckAndAnswerOnceThoughRelaysRepeatThem() {
        List<SerfMessage.QueryResponse> got = new ArrayList<>();
        Object id = serf.startQuery("uptime", Bytes.EMPTY, List.of(), true, 2, 1_000_000_000L, got::add);
        assertThat(id).isInstanceOf(Long.class);
        SerfMessage.Query q = (SerfMessage.Query) sent().stream().filter(m -> m instanceof SerfMessage.Query).findFirst().orElseThrow();
        assertThat(q.flags()).isEqualTo(SerfMessage.QUERY_FLAG_ACK);
        assertThat(q.relayFactor()).isEqualTo(2);
        for (int copy = 0; copy < 3; copy++) {
            serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQueryResponse(new SerfMessage.QueryResponse(q.ltime(), q.id(), "s1",
                    SerfMessage.QUERY_FLAG_ACK, Bytes.EMPTY))));
            serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQueryResponse(new SerfMessage.QueryResponse(q.ltime(), q.id(), "s1",
                    0, Bytes.of(new byte[] {'u', 'p'})))));
        }
        // Our own ack (r1 matches its own query) plus s1's ack and answer, once each.
        assertThat(got).extracting(SerfMessage.QueryResponse::from, SerfMessage.QueryResponse::flags).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("r1", (long) SerfMessage.QUERY_FLAG_ACK),
                org.assertj.core.groups.Tuple.tuple("s1", (long) SerfMessage.QUERY_FLAG_ACK),
                org.assertj.core.groups.Tuple.tuple("s1", 0L));
        assertThat(serf.startQuery("big", Bytes.of(new byte[1_100]), List.of(), false, 0, 1L, got::add))
                .isEqualTo("query exceeds limit of 1024 bytes");
    }

    @Test
    void theConflictQueryIsAnsweredAsSerfDoesAndThePingQueryOnlyAcknowledged() {
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(new SerfMessage.Query(5, 1, Bytes.of(new byte[] {127, 0, 0, 9}),
                7946, "asker", List.of(), SerfMessage.QUERY_FLAG_ACK, 0, 1_000_000_000L, "_serf_ping", Bytes.EMPTY))));
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(new SerfMessage.Query(6, 2, Bytes.of(new byte[] {127, 0, 0, 9}),
                7946, "asker", List.of(), 0, 0, 1_000_000_000L, "_serf_conflict", Bytes.of("nobody".getBytes(StandardCharsets.UTF_8))))));
        List<SerfMessage.QueryResponse> responses = sent().stream().filter(m -> m instanceof SerfMessage.QueryResponse)
                .map(m -> (SerfMessage.QueryResponse) m).toList();
        assertThat(responses).extracting(SerfMessage.QueryResponse::id, SerfMessage.QueryResponse::flags).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(1L, (long) SerfMessage.QUERY_FLAG_ACK),
                org.assertj.core.groups.Tuple.tuple(2L, 0L));
        // Serf answers a conflict query about a node it does not know with a nil member.
        assertThat(responses.stream().filter(r -> r.id() == 2).findFirst().orElseThrow().payload())
                .isEqualTo(Bytes.of(new byte[] {6, (byte) 0xc0}));
        assertThat(asked).isEmpty();
    }

    private List<SerfMessage.QueryResponse> responsesSent() {
        return sent().stream().filter(m -> m instanceof SerfMessage.QueryResponse).map(m -> (SerfMessage.QueryResponse) m)
                .toList();
    }

    private static SerfMessage.Query internal(long ltime, long id, long flags, String name, String payload) {
        return new SerfMessage.Query(ltime, id, Bytes.of(new byte[] {127, 0, 0, 9}), 7946, "asker", List.of(), flags, 0,
                1_000_000_000L, name, Bytes.of(payload.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theConflictQueryAboutAKnownMemberIsAnsweredWithOurViewOfItAsSerfsMember() {
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(6, 2, 0, "_serf_conflict", "s1"))));
        List<SerfMessage.QueryResponse> responses = responsesSent();
        assertThat(responses).hasSize(1);
        SerfMessage.QueryResponse answer = responses.get(0);
        assertThat(answer.from()).isEqualTo("r1");
        assertThat(answer.ltime()).isEqualTo(6);
        assertThat(answer.id()).isEqualTo(2);
        // 06 (Serf's conflict response) then the msgpack of s1 as we hold it: the asker compares its address.
        assertThat(answer.payload()).isEqualTo(Bytes.of(SerfQueryCodec.encodeConflictResponse(engine.member("s1").orElseThrow())));
        assertThat(answer.payload().byteAt(0)).isEqualTo((byte) SerfMessage.TYPE_CONFLICT_RESPONSE);
        String text = new String(answer.payload().toByteArray(), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("Addr").contains("Port").contains("s1");
    }

    @Test
    void aConflictQueryAboutOurselvesIsAcknowledgedButNotAnsweredAsSerfDoes() {
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(6, 2, SerfMessage.QUERY_FLAG_ACK, "_serf_conflict", "r1"))));
        assertThat(responsesSent()).extracting(SerfMessage.QueryResponse::flags).containsExactly((long) SerfMessage.QUERY_FLAG_ACK);
    }

    @Test
    void aPingQueryWithoutTheAckFlagGetsNothingAndOneWithItOnlyAnAck() {
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(6, 2, 0, "_serf_ping", ""))));
        assertThat(responsesSent()).isEmpty();
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(7, 3, SerfMessage.QUERY_FLAG_ACK, "_serf_ping", ""))));
        assertThat(responsesSent()).extracting(SerfMessage.QueryResponse::id, SerfMessage.QueryResponse::flags)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, (long) SerfMessage.QUERY_FLAG_ACK));
        assertThat(asked).isEmpty();
    }

    @Test
    void twoConflictQueriesAtOneLamportTimeAreBothAnsweredAndARepeatIsNot() {
        // Serf's concurrent votes can share a Lamport time (Serf.Query reads the clock without moving it).
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(6, 2, 0, "_serf_conflict", "s1"))));
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(6, 3, 0, "_serf_conflict", "s1"))));
        serf.onUserMessage(PEER, Bytes.of(SerfQueryCodec.encodeQuery(internal(6, 3, 0, "_serf_conflict", "s1"))));
        assertThat(responsesSent()).extracting(SerfMessage.QueryResponse::id).containsExactlyInAnyOrder(2L, 3L);
    }
}
