package io.rollcall.core.serf;

import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.engine.JoinCompleted;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.UserDelegate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Makes a Rollcall node a first-class Serf member: it keeps Serf's membership Lamport clock, sends
 * Serf's join intent after joining and its leave intent when leaving (without which Serf shows a
 * graceful departure as "failed"), refutes a leave intent about itself while it runs, passes on
 * intents it learns, and exchanges Serf's push/pull state (clocks, members' intent times, left
 * members). User events and queries are not implemented (docs/WIRE.md).
 *
 * <p>Runs on the protocol thread: the engine calls it as its {@link UserDelegate}, and it must see
 * the engine's notifications ({@link #accept}) on that same thread.
 */
public final class SerfSemantics implements UserDelegate, Consumer<Notification> {
    /** Most members whose intent times are kept, matching the engine's default table limit. */
    public static final int MAX_TRACKED_MEMBERS = 65_536;

    private final String selfName;
    private final LamportClock clock = new LamportClock(1);
    private final LamportClock eventClock = new LamportClock(1);
    private final LamportClock queryClock = new LamportClock(1);
    private final Map<String, Long> statusLTimes = new HashMap<>();
    private final Set<String> leftMembers = new LinkedHashSet<>();
    private MembershipEngine engine;
    private Bytes lastJoinIntent = Bytes.EMPTY;
    private Bytes leaveIntent = Bytes.EMPTY;
    private boolean leaving;
    private long intentsReceived;
    private long undecodable;
    private long invalidNames;
    private final KeyQueries keyQueries;
    private final java.util.LinkedHashSet<String> seenQueries = new java.util.LinkedHashSet<>();
    private final Map<Long, Consumer<SerfMessage.QueryResponse>> pendingQueries = new HashMap<>();
    private final RandomGenerator queryIds;

    /** Most query ids remembered to drop repeats, as Serf's 512-slot query buffer. */
    public static final int MAX_REMEMBERED_QUERIES = 1_024;
    /** Most queries of our own awaiting answers at once. */
    public static final int MAX_PENDING_QUERIES = 64;
    /**
     * Furthest ahead of our clock a peer's Lamport time may be: 2^32 intents (or queries) that we never
     * saw. Serf has no bound, so one unauthenticated intent at 2^64-1 could be refuted by nothing: a
     * leave intent that high about a member made all its later join intents older, everywhere.
     */
    public static final long MAX_LAMPORT_JUMP = 1L << 32;
    private long lamportJumps;

    /**
     * @param selfName our node name
     * @param random   the source of our query ids, injected like the engine's (a seed reproduces a run)
     */
    public SerfSemantics(String selfName, RandomGenerator random) {
        this(selfName, null, () -> { }, random);
    }

    /**
     * @param selfName        our node name
     * @param keyring         the gossip keyring Serf's key queries act on, or null without encryption
     * @param keyringChanged  called on the protocol thread after a key query changed the keyring
     * @param random          the source of our query ids, injected like the engine's
     */
    public SerfSemantics(String selfName, io.rollcall.core.security.Keyring keyring, Runnable keyringChanged,
                         RandomGenerator random) {
        this.selfName = selfName;
        this.queryIds = java.util.Objects.requireNonNull(random, "random");
        this.keyQueries = new KeyQueries(keyring, keyringChanged);
        statusLTimes.put(selfName, 0L);
    }

    /** @param protocolEngine the engine to broadcast through; call before it starts */
    public void attach(MembershipEngine protocolEngine) {
        this.engine = protocolEngine;
    }

    /** Queues our leave intent; call right before {@link MembershipEngine#leave}, on the protocol thread. */
    public void beforeLeave() {
        leaving = true;
        long ltime = clock.time();
        clock.increment();
        statusLTimes.put(selfName, ltime);
        leaveIntent = Bytes.of(SerfCodec.encodeLeave(new SerfMessage.LeaveIntent(ltime, selfName, false)));
        engine.broadcastUser(intentKey(selfName), leaveIntent);
    }

    // ------------------------------------------------------------------ UserDelegate

    @Override
    public void onUserMessage(Endpoint from, Bytes payload) {
        SerfMessage message = SerfCodec.decode(payload.toByteArray());
        if (message == null) {
            undecodable++;
            return;
        }
        if (message instanceof SerfMessage.JoinIntent join) {
            intentsReceived++;
            if (jumpsTooFar(clock, join.ltime())) {
                return;
            }
            clock.witness(join.ltime());
            if (recordStatus(join.node(), join.ltime())) {
                leftMembers.remove(join.node());
                engine.broadcastUser(intentKey(join.node()), payload);
            }
        } else if (message instanceof SerfMessage.LeaveIntent leave) {
            intentsReceived++;
            if (jumpsTooFar(clock, leave.ltime())) {
                return;
            }
            clock.witness(leave.ltime());
            if (leave.node().equals(selfName)) {
                Long mine = statusLTimes.get(selfName);
                if (!leaving && (mine == null || Long.compareUnsigned(leave.ltime(), mine) > 0)) {
                    // Someone says we are leaving (a stale intent, or serf force-leave): we are not.
                    sendJoinIntent();
                }
                return;
            }
            if (recordStatus(leave.node(), leave.ltime())) {
                engine.broadcastUser(intentKey(leave.node()), payload);
            }
        } else if (message instanceof SerfMessage.Query query) {
            onQuery(query, payload);
        } else if (message instanceof SerfMessage.QueryResponse response) {
            Consumer<SerfMessage.QueryResponse> collector = pendingQueries.get(response.id());
            if (collector != null && !io.rollcall.NodeNames.isValid(response.from())) {
                // An answer is reported under its sender's name (rollcall keys): no name outside the rule.
                invalidNames++;
            } else if (collector != null) {
                collector.accept(response);
            }
        }
    }

    private void onQuery(SerfMessage.Query query, Bytes payload) {
        if (jumpsTooFar(queryClock, query.ltime())) {
            return;
        }
        queryClock.witness(query.ltime());
        String id = query.ltime() + ":" + query.id();
        if (!seenQueries.add(id)) {
            return;
        }
        if (seenQueries.size() > MAX_REMEMBERED_QUERIES) {
            seenQueries.remove(seenQueries.iterator().next());
        }
        if ((query.flags() & SerfMessage.QUERY_FLAG_NO_BROADCAST) == 0) {
            engine.broadcastUser("serf-query:" + id, payload);
        }
        if (!query.filters().isEmpty() && !QueryFilters.match(query.filters(), selfName, currentTags())) {
            return;
        }
        Endpoint asker;
        try {
            asker = Endpoint.of(query.address().toByteArray(), query.port());
        } catch (IllegalArgumentException e) {
            undecodable++;
            return;
        }
        if ((query.flags() & SerfMessage.QUERY_FLAG_ACK) != 0) {
            respond(query, asker, SerfMessage.QUERY_FLAG_ACK, Bytes.EMPTY);
        }
        Bytes answer = query.name().equals("_serf_conflict") ? conflictAnswer(query.payload())
                : query.name().startsWith("_serf_") ? keyQueries.answer(query.name(), query.payload()) : null;
        if (answer != null) {
            respond(query, asker, 0, answer);
        }
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
        return engine.member(name).map(m -> Bytes.of(io.rollcall.core.codec.SerfCodec.encodeConflictResponse(m))).orElse(null);
    }

    private void respond(SerfMessage.Query query, Endpoint asker, long flags, Bytes answer) {
        SerfMessage.QueryResponse response = new SerfMessage.QueryResponse(query.ltime(), query.id(), selfName, flags, answer);
        Consumer<SerfMessage.QueryResponse> ours = pendingQueries.get(query.id());
        if (ours != null && query.sourceNode().equals(selfName)) {
            // Our own query: answer it in place rather than through the network.
            ours.accept(response);
            return;
        }
        engine.sendUserMessage(asker, Bytes.of(SerfCodec.encodeQueryResponse(response)));
    }

    /**
     * Asks the whole cluster, as Serf's queries do: gossips the query, answers it ourselves, and passes
     * every answer addressed to it to {@code collector} until {@link #endQuery} is called.
     *
     * @param name         query name
     * @param payload      query payload
     * @param timeoutNanos how long askers wait (carried in the query)
     * @param collector    receives the answers, on the protocol thread
     * @return the query id, or -1 if too many queries of ours are in flight
     */
    public long startQuery(String name, Bytes payload, long timeoutNanos, Consumer<SerfMessage.QueryResponse> collector) {
        if (pendingQueries.size() >= MAX_PENDING_QUERIES) {
            return -1;
        }
        long id = queryIds.nextLong(0x1_0000_0000L);
        pendingQueries.put(id, collector);
        Endpoint self = engine.localMember().address();
        SerfMessage.Query query = new SerfMessage.Query(queryClock.increment(), id, Bytes.of(self.addressBytes()), self.port(),
                selfName, List.of(), 0, 0, timeoutNanos, name, payload);
        byte[] encoded = SerfCodec.encodeQuery(query);
        onQuery(query, Bytes.of(encoded));
        return id;
    }

    /** @param id a query id from {@link #startQuery}; its later answers are ignored */
    public void endQuery(long id) {
        pendingQueries.remove(id);
    }

    private Map<String, String> currentTags() {
        return io.rollcall.core.codec.SerfTags.decode(engine.localMember().meta());
    }

    @Override
    public Bytes localState(boolean join) {
        List<String> left = new ArrayList<>(leftMembers);
        return Bytes.of(SerfCodec.encodeState(new SerfMessage.State(clock.time(), statusLTimes, left,
                eventClock.time(), queryClock.time())));
    }

    @Override
    public void mergeRemoteState(Bytes state, boolean join) {
        SerfMessage message = SerfCodec.decode(state.toByteArray());
        if (!(message instanceof SerfMessage.State remote)) {
            undecodable++;
            return;
        }
        witnessNonZero(clock, remote.ltime());
        witnessNonZero(eventClock, remote.eventLTime());
        witnessNonZero(queryClock, remote.queryLTime());
        for (Map.Entry<String, Long> e : remote.statusLTimes().entrySet()) {
            if (!remote.leftMembers().contains(e.getKey()) && !e.getKey().equals(selfName)
                    && !jumpsTooFar(clock, e.getValue())) {
                recordStatus(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public Bytes announcement(boolean leavingNow) {
        return leavingNow ? leaveIntent : lastJoinIntent;
    }

    // ------------------------------------------------------------------ notifications

    @Override
    public void accept(Notification notification) {
        if (notification instanceof JoinCompleted joined && joined.succeeded() > 0 && !leaving) {
            sendJoinIntent();
        } else if (notification instanceof MembershipEvent.Left left && !left.member().name().equals(selfName)) {
            if (leftMembers.size() < MAX_TRACKED_MEMBERS) {
                leftMembers.add(left.member().name());
            }
        } else if (notification instanceof MembershipEvent.Joined joined) {
            Member m = joined.member();
            leftMembers.remove(m.name());
            if (statusLTimes.size() < MAX_TRACKED_MEMBERS) {
                statusLTimes.putIfAbsent(m.name(), 0L);
            }
        } else if (notification instanceof MembershipEvent.Removed removed) {
            leftMembers.remove(removed.member().name());
            statusLTimes.remove(removed.member().name());
        }
    }

    // ------------------------------------------------------------------ inspection

    /** @return the membership Lamport clock */
    public long clockTime() {
        return clock.time();
    }

    /** @return Serf intents received */
    public long intentsReceived() {
        return intentsReceived;
    }

    /** @return Serf intents, push/pull entries and query answers refused for a name that breaks {@link io.rollcall.NodeNames the rule} */
    public long invalidNames() {
        return invalidNames;
    }

    /** @return Serf messages that could not be decoded */
    public long undecodable() {
        return undecodable;
    }

    private void sendJoinIntent() {
        // As Serf: the intent carries the clock's current time, then the clock moves past it. A later
        // leave intent, stamped with the clock's time then, is therefore strictly newer; Serf ignores a
        // leave whose time is not greater than the member's last intent and shows a failure instead.
        long ltime = clock.time();
        clock.witness(ltime);
        statusLTimes.put(selfName, ltime);
        lastJoinIntent = Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(ltime, selfName)));
        engine.broadcastUser(intentKey(selfName), lastJoinIntent);
    }

    /** @return true if the intent is newer than what we knew of the member, so worth passing on */
    private boolean recordStatus(String node, long ltime) {
        if (!io.rollcall.NodeNames.isValid(node)) {
            // Refused before it is stored or passed on: the engine refuses the member under that name too.
            invalidNames++;
            return false;
        }
        Long known = statusLTimes.get(node);
        if (known != null && Long.compareUnsigned(ltime, known) <= 0) {
            return false;
        }
        if (known == null && statusLTimes.size() >= MAX_TRACKED_MEMBERS) {
            return false;
        }
        statusLTimes.put(node, ltime);
        return true;
    }

    /** @return Serf intents, queries and state times ignored for lying more than {@link #MAX_LAMPORT_JUMP} ahead */
    public long lamportJumps() {
        return lamportJumps;
    }

    /** Whether {@code seen} lies more than {@link #MAX_LAMPORT_JUMP} ahead of {@code c}; counts it if so. */
    private boolean jumpsTooFar(LamportClock c, long seen) {
        if (Long.compareUnsigned(seen, c.time()) > 0 && Long.compareUnsigned(seen - c.time(), MAX_LAMPORT_JUMP) > 0) {
            lamportJumps++;
            return true;
        }
        return false;
    }

    private void witnessNonZero(LamportClock c, long remote) {
        // Serf witnesses "remote - 1" only when remote is non-zero: zero would wrap around.
        if (remote != 0 && !jumpsTooFar(c, remote - 1)) {
            c.witness(remote - 1);
        }
    }

    private static String intentKey(String node) {
        return "serf-intent:" + node;
    }
}
