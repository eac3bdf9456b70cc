package io.rollcall.core.serf;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.SerfQueryCodec;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.message.SerfMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Serf's queries, for {@link SerfSemantics}: the query Lamport clock and buffer, admitting, passing
 * on, filtering, acknowledging and answering queries (Serf's internal ones here: the conflict vote
 * and, through {@link KeyQueries}, the key manager's; user queries by the application), answers
 * through relays, forwarding others' relayed answers, and our own queries in flight with the answers
 * they collect. Runs on the protocol thread, as its owner does.
 */
final class SerfQueries {
    /** What the queries need of the rest of Serf's semantics. */
    interface Host {
        /** @return the engine to send and broadcast through */
        MembershipEngine engine();

        /** @return where user queries go */
        SerfApplication application();

        /** Counts a refused message under {@code reason}. */
        void refuse(String reason);

        /** @return whether {@code seen} lies too far ahead of {@code c} (counted if so) */
        boolean jumpsTooFar(LamportClock c, long seen);

        /** Counts a message that could not be used. */
        void undecodable();

        /** Counts an answer under a name outside the rule. */
        void invalidName();
    }

    private final String selfName;
    private final KeyQueries keyQueries;
    private final RandomGenerator queryIds;
    private final io.rollcall.core.engine.Clock protocolClock;
    private final Host host;
    private final LamportClock queryClock = new LamportClock(1);
    private final LamportRing<Long> queryRing = new LamportRing<>(SerfSemantics.BUFFER_SLOTS,
            SerfSemantics.MAX_QUERIES_PER_LTIME, Long.MAX_VALUE, id -> 0L);
    private final Map<Long, PendingQuery> pendingQueries = new HashMap<>();

    SerfQueries(String selfName, KeyQueries keyQueries, RandomGenerator queryIds, io.rollcall.core.engine.Clock protocolClock,
                Host host) {
        this.selfName = selfName;
        this.keyQueries = keyQueries;
        this.queryIds = queryIds;
        this.protocolClock = protocolClock;
        this.host = host;
    }

    /** @return the query Lamport clock, carried in push/pull */
    LamportClock clock() {
        return queryClock;
    }

    /** An answer to a query: handed to the query of ours it answers, if it is still in flight. */
    void onResponse(SerfMessage.QueryResponse response) {
        PendingQuery pending = pendingQueries.get(response.id());
        if (pending == null || pending.ltime != response.ltime()) {
            host.refuse("answer_unknown_query");
        } else if (!io.rollcall.core.NodeNameRules.isValid(response.from())) {
            // An answer is reported under its sender's name (rollcall keys): no name outside the rule.
            host.invalidName();
        } else {
            pending.offer(response);
        }
    }

    /**
     * Forwards another member's relayed answer to the asker, as Serf does. Only query answers within
     * Serf's answer size are forwarded: anything else would make us a reflector for arbitrary bytes.
     */
    void forward(SerfMessage.Relay relay) {
        Bytes inner = relay.message();
        if (inner.byteAt(0) != SerfMessage.TYPE_QUERY_RESPONSE || inner.length() > SerfSemantics.QUERY_RESPONSE_SIZE_LIMIT_BYTES) {
            host.refuse("relay_refused");
            return;
        }
        Endpoint dest;
        try {
            dest = Endpoint.of(relay.destAddress().toByteArray(), relay.destPort());
        } catch (IllegalArgumentException e) {
            host.refuse("relay_refused");
            return;
        }
        host.engine().sendUserMessage(dest, inner);
    }

    void onQuery(SerfMessage.Query query, Bytes payload) {
        if (host.jumpsTooFar(queryClock, query.ltime())) {
            return;
        }
        queryClock.witness(query.ltime());
        LamportRing.Admission verdict = queryRing.admit(query.ltime(), queryClock.time(), query.id());
        if (verdict != LamportRing.Admission.NEW) {
            if (verdict == LamportRing.Admission.TOO_OLD) {
                host.refuse("query_too_old");
            } else if (verdict == LamportRing.Admission.FULL) {
                host.refuse("query_buffer_full");
            }
            return;
        }
        String id = query.ltime() + ":" + query.id();
        if ((query.flags() & SerfMessage.QUERY_FLAG_NO_BROADCAST) == 0) {
            host.engine().broadcastUser("serf-query:" + id, payload);
        }
        if (!query.filters().isEmpty() && !QueryFilters.match(query.filters(), selfName, currentTags())) {
            return;
        }
        Endpoint asker;
        try {
            asker = Endpoint.of(query.address().toByteArray(), query.port());
        } catch (IllegalArgumentException e) {
            host.undecodable();
            return;
        }
        if ((query.flags() & SerfMessage.QUERY_FLAG_ACK) != 0) {
            respond(query, asker, SerfMessage.QUERY_FLAG_ACK, Bytes.EMPTY);
        }
        if (!query.name().startsWith("_serf_")) {
            // Serf's deadline starts when the query reaches us, and runs for the asker's timeout.
            long timeoutMillis = Math.min(query.timeoutNanos() / 1_000_000L, Long.MAX_VALUE / 4);
            host.application().query(new SerfApplication.ReceivedQuery(query, protocolClock.nowMillis() + timeoutMillis));
            return;
        }
        Bytes answer = query.name().equals("_serf_conflict") ? conflictAnswer(query.payload())
                : keyQueries.answer(query.name(), query.payload());
        if (answer != null) {
            respond(query, asker, 0, answer);
        }
    }

    /** The application's answer to a user query; see {@link SerfSemantics#respond}. */
    String respond(SerfApplication.ReceivedQuery received, Bytes answer) {
        SerfMessage.Query query = received.query();
        SerfMessage.QueryResponse response = new SerfMessage.QueryResponse(query.ltime(), query.id(), selfName, 0, answer);
        if (SerfQueryCodec.encodeQueryResponse(response).length > SerfSemantics.QUERY_RESPONSE_SIZE_LIMIT_BYTES) {
            return "response exceeds limit of " + SerfSemantics.QUERY_RESPONSE_SIZE_LIMIT_BYTES + " bytes";
        }
        if (protocolClock.nowMillis() > received.deadlineMillis()) {
            return "response is past the deadline";
        }
        Endpoint asker;
        try {
            asker = Endpoint.of(query.address().toByteArray(), query.port());
        } catch (IllegalArgumentException e) {
            return "the query names no usable address";
        }
        respond(query, asker, 0, answer);
        return null;
    }

    /**
     * Serf's name-conflict vote: a Serf agent that sees its own name claimed at another address asks
     * every member where it holds that name, and shuts itself down unless a majority of the answers
     * agree with its address. Without our answers a Serf agent among Rollcall nodes gets none, which
     * Serf counts as losing: the live member would quit because an impostor tried to join.
     */
    private Bytes conflictAnswer(Bytes payload) {
        String name = new String(payload.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        if (name.equals(selfName)) {
            return null;
        }
        // A member we do not know is answered as Serf answers it, with a nil member: a vote for neither.
        return host.engine().member(name).map(m -> Bytes.of(SerfQueryCodec.encodeConflictResponse(m)))
                .orElse(NO_MEMBER);
    }

    private static final Bytes NO_MEMBER = Bytes.of(new byte[] {SerfMessage.TYPE_CONFLICT_RESPONSE, (byte) 0xc0});

    private void respond(SerfMessage.Query query, Endpoint asker, long flags, Bytes answer) {
        SerfMessage.QueryResponse response = new SerfMessage.QueryResponse(query.ltime(), query.id(), selfName, flags, answer);
        PendingQuery ours = pendingQueries.get(query.id());
        if (ours != null && query.sourceNode().equals(selfName)) {
            // Our own query: answer it in place rather than through the network.
            ours.offer(response);
            return;
        }
        byte[] raw = SerfQueryCodec.encodeQueryResponse(response);
        host.engine().sendUserMessage(asker, Bytes.of(raw));
        relay(query, asker, raw);
    }

    /**
     * Serf's relayResponse: the answer also goes through {@code RelayFactor} random other alive
     * members that speak memberlist protocol 5, so it reaches an asker our own datagram cannot. None
     * when the cluster has fewer than RelayFactor + 1 members.
     */
    private void relay(SerfMessage.Query query, Endpoint asker, byte[] response) {
        int k = query.relayFactor();
        if (k == 0) {
            return;
        }
        List<Member> members = host.engine().members();
        if (members.size() < k + 1) {
            return;
        }
        byte[] raw = SerfCodec.encodeRelay(asker.addressBytes(), asker.port(), query.sourceNode(), response);
        if (raw.length > SerfSemantics.QUERY_RESPONSE_SIZE_LIMIT_BYTES) {
            return;
        }
        List<Member> chosen = new ArrayList<>(k);
        for (int i = 0; i < 3 * members.size() && chosen.size() < k; i++) {
            Member m = members.get(queryIds.nextInt(members.size()));
            if (m.state() != io.rollcall.core.MemberState.ALIVE || m.versions().protocolMax() < 5
                    || m.name().equals(selfName) || chosen.contains(m)) {
                continue;
            }
            chosen.add(m);
        }
        for (Member m : chosen) {
            host.engine().sendUserMessage(m.address(), Bytes.of(raw));
        }
    }

    /** An internal query of ours without filters; see {@link SerfSemantics#startQuery(String, Bytes, long, Consumer)}. */
    long startQuery(String name, Bytes payload, long timeoutNanos, Consumer<SerfMessage.QueryResponse> collector) {
        Object started = startQuery(name, payload, List.of(), false, 0, timeoutNanos, collector);
        return started instanceof Long id ? id : -1;
    }

    /** A query of ours; see {@link SerfSemantics#startQuery(String, Bytes, List, boolean, int, long, Consumer)}. */
    Object startQuery(String name, Bytes payload, List<Bytes> filters, boolean requestAck, int relayFactor,
                             long timeoutNanos, Consumer<SerfMessage.QueryResponse> collector) {
        if (pendingQueries.size() >= SerfSemantics.MAX_PENDING_QUERIES) {
            return "too many queries in flight (" + SerfSemantics.MAX_PENDING_QUERIES + ")";
        }
        long id = queryIds.nextLong(0x8000_0000L);
        while (pendingQueries.containsKey(id)) {
            id = queryIds.nextLong(0x8000_0000L);
        }
        Endpoint self = host.engine().localMember().address();
        SerfMessage.Query query = new SerfMessage.Query(queryClock.time(), id, Bytes.of(self.addressBytes()), self.port(),
                selfName, filters, requestAck ? SerfMessage.QUERY_FLAG_ACK : 0, relayFactor, timeoutNanos, name, payload);
        byte[] encoded = SerfQueryCodec.encodeQuery(query);
        if (encoded.length > SerfSemantics.QUERY_SIZE_LIMIT_BYTES) {
            return "query exceeds limit of " + SerfSemantics.QUERY_SIZE_LIMIT_BYTES + " bytes";
        }
        pendingQueries.put(id, new PendingQuery(query.ltime(), collector));
        onQuery(query, Bytes.of(encoded));
        return id;
    }

    /** One query of ours: each node's first acknowledgement and first answer, at most {@link SerfSemantics#MAX_ANSWERS_PER_QUERY}. */
    private final class PendingQuery {
        final long ltime;
        final Consumer<SerfMessage.QueryResponse> collector;
        final Set<String> acks = new java.util.HashSet<>();
        final Set<String> answers = new java.util.HashSet<>();

        PendingQuery(long ltime, Consumer<SerfMessage.QueryResponse> collector) {
            this.ltime = ltime;
            this.collector = collector;
        }

        void offer(SerfMessage.QueryResponse r) {
            Set<String> seen = (r.flags() & SerfMessage.QUERY_FLAG_ACK) != 0 ? acks : answers;
            if (seen.contains(r.from())) {
                // The same node through a relay, or twice: Serf counts it once.
                return;
            }
            if (seen.size() >= SerfSemantics.MAX_ANSWERS_PER_QUERY) {
                host.refuse("answer_overflow");
                return;
            }
            seen.add(r.from());
            collector.accept(r);
        }
    }

    /** Forgets a query of ours; its later answers are refused as unknown. */
    void endQuery(long id) {
        pendingQueries.remove(id);
    }

    private Map<String, String> currentTags() {
        return io.rollcall.core.codec.SerfTags.decode(host.engine().localMember().meta());
    }
}
