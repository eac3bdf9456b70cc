package io.rollcall.core.serf;

import io.rollcall.core.message.SerfMessage;
import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.codec.SerfCodec;
import io.rollcall.core.codec.SerfQueryCodec;
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
 * members, recent user events). User events are de-duplicated as Serf's event buffer does, handed to
 * the {@link SerfApplication} and passed on; queries are filtered, acknowledged, passed on, answered
 * (Serf's internal ones here, user queries by the application) with Serf's relayed answers, and
 * relay messages from others are forwarded, all by {@link SerfQueries}.
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
    private final Map<String, Long> statusLTimes = new HashMap<>();
    private final Set<String> leftMembers = new LinkedHashSet<>();
    private MembershipEngine engine;
    private Bytes lastJoinIntent = Bytes.EMPTY;
    private Bytes leaveIntent = Bytes.EMPTY;
    private boolean leaving;
    private long intentsReceived;
    private long undecodable;
    private long invalidNames;
    private SerfApplication application = SerfApplication.NONE;
    private final SerfQueries queries;
    private final Map<String, Long> refusals = new java.util.TreeMap<>();

    /** Slots of the user-event and query buffers, as Serf's EventBuffer and QueryBuffer (512). */
    public static final int BUFFER_SLOTS = 512;
    /** Most user events kept for one Lamport time (Serf keeps any number). */
    public static final int MAX_EVENTS_PER_LTIME = 64;
    /** Most query ids kept for one Lamport time (Serf keeps any number). */
    public static final int MAX_QUERIES_PER_LTIME = 64;
    /** Most bytes of names and payloads the user-event buffer holds (and so a push/pull carries). */
    public static final long EVENT_BUFFER_MAX_BYTES = 1L << 20;
    /** Most bytes of a user event we send, name and payload and encoding: Serf's default UserEventSizeLimit. */
    public static final int USER_EVENT_SIZE_LIMIT_BYTES = 512;
    /** Most bytes of an encoded query we send: Serf's default QuerySizeLimit. */
    public static final int QUERY_SIZE_LIMIT_BYTES = 1024;
    /** Most bytes of an encoded answer (or relayed answer) we send or forward: Serf's QueryResponseSizeLimit. */
    public static final int QUERY_RESPONSE_SIZE_LIMIT_BYTES = 1024;
    /** Most queries of our own awaiting answers at once. */
    public static final int MAX_PENDING_QUERIES = 64;
    /** Most acknowledgements, and most answers, one query of ours collects (Serf: the member count). */
    public static final int MAX_ANSWERS_PER_QUERY = 65_536;

    private final LamportRing<SerfMessage.EventEntry> eventRing = new LamportRing<>(BUFFER_SLOTS, MAX_EVENTS_PER_LTIME,
            EVENT_BUFFER_MAX_BYTES, e -> e.name().length() + e.payload().length() + 32L);
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
     * @param clock    the protocol clock (the engine's), for query deadlines
     */
    public SerfSemantics(String selfName, RandomGenerator random, io.rollcall.core.engine.Clock clock) {
        this(selfName, null, () -> { }, random, clock);
    }

    /**
     * @param selfName        our node name
     * @param keyring         the gossip keyring Serf's key queries act on, or null without encryption
     * @param keyringChanged  called on the protocol thread after a key query changed the keyring
     * @param random          the source of our query ids and relay choices, injected like the engine's
     * @param clock           the protocol clock, for query deadlines
     */
    public SerfSemantics(String selfName, io.rollcall.core.security.Keyring keyring, Runnable keyringChanged,
                         RandomGenerator random, io.rollcall.core.engine.Clock clock) {
        this.selfName = selfName;
        this.queries = new SerfQueries(selfName, new KeyQueries(keyring, keyringChanged),
                java.util.Objects.requireNonNull(random, "random"), java.util.Objects.requireNonNull(clock, "clock"),
                new QueryHost());
        statusLTimes.put(selfName, 0L);
    }

    /** @param protocolEngine the engine to broadcast through; call before it starts */
    public void attach(MembershipEngine protocolEngine) {
        this.engine = protocolEngine;
    }

    /** @param app where admitted user events and user queries go; call on the protocol thread */
    public void setApplication(SerfApplication app) {
        this.application = java.util.Objects.requireNonNull(app, "app");
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
            queries.onQuery(query, payload);
        } else if (message instanceof SerfMessage.QueryResponse response) {
            queries.onResponse(response);
        } else if (message instanceof SerfMessage.UserEvent event) {
            if (onUserEvent(event)) {
                engine.broadcastUser(eventKey(event), payload);
            }
        } else if (message instanceof SerfMessage.Relay relay) {
            queries.forward(relay);
        }
    }

    /** Serf's handleUserEvent: @return whether the event is new, so to be passed on */
    private boolean onUserEvent(SerfMessage.UserEvent event) {
        if (event.name().length() + event.payload().length() > SerfCodec.USER_EVENT_SANE_LIMIT_BYTES) {
            refuse("event_too_large");
            return false;
        }
        if (jumpsTooFar(eventClock, event.ltime())) {
            return false;
        }
        eventClock.witness(event.ltime());
        LamportRing.Admission verdict = eventRing.admit(event.ltime(), eventClock.time(),
                new SerfMessage.EventEntry(event.name(), event.payload()));
        switch (verdict) {
            case NEW -> {
                application.userEvent(event);
                return true;
            }
            case TOO_OLD -> refuse("event_too_old");
            case FULL -> refuse("event_buffer_full");
            default -> {
                // A duplicate, or an event from before we joined: Serf ignores both without a word.
            }
        }
        return false;
    }

    /**
     * Sends a user event to the whole cluster, ourselves included, as Serf's {@code UserEvent}.
     *
     * @param name     event name
     * @param payload  event payload
     * @param coalesce whether handlers may see only the latest of a burst with this name
     * @return null once sent, or why it was refused (Serf's wording)
     */
    public String sendUserEvent(String name, Bytes payload, boolean coalesce) {
        if (name.length() + payload.length() > USER_EVENT_SIZE_LIMIT_BYTES) {
            return "user event exceeds configured limit of " + USER_EVENT_SIZE_LIMIT_BYTES + " bytes before encoding";
        }
        SerfMessage.UserEvent event = new SerfMessage.UserEvent(eventClock.time(), name, payload, coalesce);
        byte[] raw = SerfCodec.encodeUserEvent(event);
        if (raw.length > USER_EVENT_SIZE_LIMIT_BYTES) {
            return "encoded user event exceeds configured limit of " + USER_EVENT_SIZE_LIMIT_BYTES + " bytes after encoding";
        }
        eventClock.increment();
        onUserEvent(event);
        engine.broadcastUser(eventKey(event), Bytes.of(raw));
        return null;
    }

    private static String eventKey(SerfMessage.UserEvent e) {
        return "serf-event:" + Long.toUnsignedString(e.ltime()) + ":" + e.name() + ":" + e.payload().hashCode();
    }

    /**
     * Answers a user query handed to the application, as Serf's {@code Query.Respond}: once, before
     * its deadline, within {@link #QUERY_RESPONSE_SIZE_LIMIT_BYTES}, to the asker and through the
     * relays it asked for.
     *
     * @param received the query
     * @param answer   the answer's payload
     * @return null once sent, or why not (Serf's wording)
     */
    public String respond(SerfApplication.ReceivedQuery received, Bytes answer) {
        return queries.respond(received, answer);
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
        return queries.startQuery(name, payload, timeoutNanos, collector);
    }

    /**
     * Asks the cluster a query as Serf's {@code Query} does: gossips it, handles it ourselves, and
     * passes each node's first acknowledgement and first answer to {@code collector} until
     * {@link #endQuery} is called.
     *
     * @param name         query name
     * @param payload      query payload
     * @param filters      encoded filters ({@link SerfQueryCodec#encodeNodeFilter}, {@link SerfQueryCodec#encodeTagFilter})
     * @param requestAck   whether members acknowledge before answering
     * @param relayFactor  how many members relay each answer (0 to 255)
     * @param timeoutNanos how long members may answer
     * @param collector    receives acknowledgements and answers, on the protocol thread
     * @return the query id (a Long), or why it was refused (a String)
     */
    public Object startQuery(String name, Bytes payload, List<Bytes> filters, boolean requestAck, int relayFactor,
                             long timeoutNanos, Consumer<SerfMessage.QueryResponse> collector) {
        return queries.startQuery(name, payload, filters, requestAck, relayFactor, timeoutNanos, collector);
    }

    /** @param id a query id from {@link #startQuery}; its later answers are ignored */
    public void endQuery(long id) {
        queries.endQuery(id);
    }

    @Override
    public Bytes localState(boolean join) {
        List<String> left = new ArrayList<>(leftMembers);
        List<SerfMessage.EventGroup> events = eventRing.snapshot(SerfMessage.EventGroup::new);
        return Bytes.of(SerfCodec.encodeState(new SerfMessage.State(clock.time(), statusLTimes, left,
                eventClock.time(), events, queries.clock().time())));
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
        witnessNonZero(queries.clock(), remote.queryLTime());
        for (Map.Entry<String, Long> e : remote.statusLTimes().entrySet()) {
            if (!remote.leftMembers().contains(e.getKey()) && !e.getKey().equals(selfName)
                    && !jumpsTooFar(clock, e.getValue())) {
                recordStatus(e.getKey(), e.getValue());
            }
        }
        if (join) {
            // As the Serf agent without -replay: the events the cluster had before we joined are not ours.
            eventRing.raiseMinTime(remote.eventLTime());
        }
        // Events learnt from a state exchange are handed on but not gossiped again, as Serf does.
        for (SerfMessage.EventGroup group : remote.events()) {
            for (SerfMessage.EventEntry e : group.events()) {
                onUserEvent(new SerfMessage.UserEvent(group.ltime(), e.name(), e.payload(), false));
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

    /** @return Serf intents, push/pull entries and query answers refused for a name that breaks {@link io.rollcall.core.NodeNameRules the rule} */
    public long invalidNames() {
        return invalidNames;
    }

    /**
     * @return Serf messages refused for other reasons, by reason: {@code event_too_large},
     *         {@code event_too_old}, {@code event_buffer_full}, {@code query_too_old},
     *         {@code query_buffer_full}, {@code relay_refused}, {@code answer_unknown_query},
     *         {@code answer_overflow} (only those that happened)
     */
    public Map<String, Long> refusals() {
        return Map.copyOf(refusals);
    }

    private void refuse(String reason) {
        refusals.merge(reason, 1L, Long::sum);
    }

    /** @return the user-event Lamport clock */
    public long eventClockTime() {
        return eventClock.time();
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
        if (!io.rollcall.core.NodeNameRules.isValid(node)) {
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

    /** What the queries need of the rest of Serf's semantics: the engine, the application, the shared counters. */
    private final class QueryHost implements SerfQueries.Host {
        @Override
        public MembershipEngine engine() {
            return engine;
        }

        @Override
        public SerfApplication application() {
            return application;
        }

        @Override
        public void refuse(String reason) {
            SerfSemantics.this.refuse(reason);
        }

        @Override
        public boolean jumpsTooFar(LamportClock c, long seen) {
            return SerfSemantics.this.jumpsTooFar(c, seen);
        }

        @Override
        public void undecodable() {
            undecodable++;
        }

        @Override
        public void invalidName() {
            invalidNames++;
        }
    }
}
