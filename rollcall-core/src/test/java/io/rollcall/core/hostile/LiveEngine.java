package io.rollcall.core.hostile;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.codec.DecodeResult;
import io.rollcall.core.engine.CollectingOutbox;
import io.rollcall.core.engine.Effect;
import io.rollcall.core.engine.EngineConfig;
import io.rollcall.core.engine.LocalIdentity;
import io.rollcall.core.engine.MembershipEngine;
import io.rollcall.core.engine.Timer;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Message;
import io.rollcall.core.serf.SerfSemantics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A running engine driven by hand, the way {@code LiveNode} drives one over {@code NetworkNode} but without sockets: a
 * manual clock, a timer table fed from the engine's effects, and a pretend transport that fails every
 * stream request after the stream timeout. Serf semantics are attached, so user messages and push/pull
 * user state reach Serf's decoder too. Everything it observes comes from public API and effects, so the
 * bounds it checks are the ones a driver could check.
 */
final class LiveEngine {
    /** Small enough that hostile input can fill the table, so the full-table paths run too. */
    static final int MAX_MEMBERS = 64;
    /** Small enough that hostile gossip can fill the queue. */
    static final int MAX_QUEUED_BROADCASTS = 256;
    /** Small enough that hostile indirect pings can exhaust the relay slots. */
    static final int MAX_PENDING_RELAYS = 32;
    /** Small enough that hostile input can exhaust the stream slots. */
    static final int MAX_PENDING_STREAMS = 16;

    static final String SELF = "self";
    static final Endpoint SELF_ADDRESS = address(1);

    private final CollectingOutbox out = new CollectingOutbox();
    private final Map<Timer, Long> timers = new HashMap<>();
    /** Stream requests the engine sent and has not heard back about: id to the time it was sent. */
    private final Map<Long, Long> openStreams = new LinkedHashMap<>();
    private final SerfSemantics serf = new SerfSemantics(SELF, new java.util.SplittableRandom(1), () -> this.now);
    final MembershipEngine engine;
    final EngineConfig config;
    private long now = 1_000_000;
    private long packetsSent;
    /** Datagrams the engine sent while recording is on; off during floods so memory stays flat. */
    private List<Effect.SendPacket> recorded;

    /**
     * @param seed    the engine's randomness
     * @param members peers n2..n(members+1) made ALIVE before any hostile input
     */
    LiveEngine(long seed, int members) {
        config = EngineConfig.lan().toBuilder().maxMembers(MAX_MEMBERS).maxQueuedBroadcasts(MAX_QUEUED_BROADCASTS)
                .maxPendingRelays(MAX_PENDING_RELAYS).maxPendingStreams(MAX_PENDING_STREAMS).build();
        engine = new MembershipEngine(new LocalIdentity(SELF, SELF_ADDRESS, Bytes.EMPTY, 1), config, () -> now,
                new SplittableRandom(seed), out);
        serf.attach(engine);
        engine.setUserDelegate(serf);
        engine.start();
        for (int host = 2; host < members + 2; host++) {
            engine.handlePacket(address(host), alive(host, 1));
        }
        pump();
    }

    static Endpoint address(int host) {
        return Endpoint.of(new byte[] {127, 0, (byte) (host >>> 8), (byte) host}, 7946);
    }

    static Alive alive(int host, long incarnation) {
        return new Alive(incarnation, "n" + host, address(host), Bytes.EMPTY, VersionVector.ROLLCALL);
    }

    /** Every message of a decoded datagram, as the transport hands them over. */
    void deliverPacket(Endpoint from, DecodeResult decoded) {
        for (Message m : decoded.messages()) {
            engine.handlePacket(from, m);
        }
        pump();
    }

    /** A decoded inbound stream request; returns the engine's reply (or null). */
    Message deliverStream(Endpoint from, DecodeResult decoded) {
        Message reply = null;
        for (Message m : decoded.messages()) {
            reply = engine.handleStream(from, m);
        }
        pump();
        return reply;
    }

    /**
     * Hands a decoded message to the oldest open stream request of ours as its reply, the way the
     * transport hands over what the peer answered.
     *
     * @return false if no request was open
     */
    boolean deliverStreamReply(DecodeResult decoded) {
        if (openStreams.isEmpty() || decoded.messages().isEmpty()) {
            return false;
        }
        long id = openStreams.keySet().iterator().next();
        openStreams.remove(id);
        engine.handleStreamReply(id, decoded.messages().get(0));
        pump();
        return true;
    }

    /** Moves the clock, firing due timers in time order and failing streams past their timeout. */
    void advance(long millis) {
        long until = now + millis;
        while (true) {
            Map.Entry<Timer, Long> next = null;
            for (Map.Entry<Timer, Long> e : timers.entrySet()) {
                if (e.getValue() <= until && (next == null || e.getValue() < next.getValue())) {
                    next = e;
                }
            }
            if (next == null) {
                break;
            }
            now = Math.max(now, next.getValue());
            timers.remove(next.getKey());
            failExpiredStreams();
            engine.handleTimer(next.getKey());
            pump();
        }
        now = until;
        failExpiredStreams();
        pump();
    }

    private void failExpiredStreams() {
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, Long> e : openStreams.entrySet()) {
            if (now - e.getValue() >= config.streamTimeoutMillis()) {
                expired.add(e.getKey());
            }
        }
        for (long id : expired) {
            openStreams.remove(id);
            engine.handleStreamFailure(id, new io.rollcall.core.engine.StreamFailure(io.rollcall.core.engine.StreamFailure.Kind.TIMED_OUT, "timed out"));
        }
    }

    /** Applies the engine's effects: timers set and cancelled, streams opened, notifications to Serf. */
    private void pump() {
        List<Effect> effects = out.drain();
        while (!effects.isEmpty()) {
            for (Effect e : effects) {
                if (e instanceof Effect.SetTimer t) {
                    timers.put(t.timer(), now + t.delayMillis());
                } else if (e instanceof Effect.CancelTimer t) {
                    timers.remove(t.timer());
                } else if (e instanceof Effect.SendStream s) {
                    openStreams.put(s.requestId(), now);
                } else if (e instanceof Effect.SendPacket p) {
                    packetsSent++;
                    if (recorded != null) {
                        recorded.add(p);
                    }
                } else if (e instanceof Effect.Notify n) {
                    serf.accept(n.notification());
                }
            }
            effects = out.drain();
        }
    }

    /** Starts a join through the given seed; its push/pull request stays open until answered or timed out. */
    void join(Endpoint seed) {
        engine.join(List.of(seed));
        pump();
    }

    /** Starts keeping every datagram the engine sends, for {@link #takeRecorded()}. */
    void record() {
        recorded = new ArrayList<>();
    }

    /** @return the datagrams sent since the last call (recording must be on) */
    List<Effect.SendPacket> takeRecorded() {
        List<Effect.SendPacket> taken = recorded;
        recorded = new ArrayList<>();
        return taken;
    }

    long now() {
        return now;
    }

    long packetsSent() {
        return packetsSent;
    }

    int openStreams() {
        return openStreams.size();
    }

    /** Relays in progress: each holds a RelayTimeout timer until it ends. */
    int pendingRelays() {
        int n = 0;
        for (Timer t : timers.keySet()) {
            if (t instanceof Timer.RelayTimeout) {
                n++;
            }
        }
        return n;
    }

    /** The timer table is bounded by what it is keyed on; a runaway here would be a leak. */
    int pendingTimers() {
        return timers.size();
    }

    /**
     * The invariants hostile input must never break.
     *
     * @param context printed with any failure (seed, iteration, input)
     * @return null if all hold, else what broke
     */
    String violation(String context) {
        if (engine.memberCount() > config.maxMembers()) {
            return context + ": " + engine.memberCount() + " members, limit " + config.maxMembers();
        }
        if (engine.pendingBroadcasts() > config.maxQueuedBroadcasts()) {
            return context + ": " + engine.pendingBroadcasts() + " queued broadcasts, limit " + config.maxQueuedBroadcasts();
        }
        if (openStreams.size() > config.maxPendingStreams()) {
            return context + ": " + openStreams.size() + " open stream requests, limit " + config.maxPendingStreams();
        }
        if (pendingRelays() > config.maxPendingRelays()) {
            return context + ": " + pendingRelays() + " relays, limit " + config.maxPendingRelays();
        }
        Member self = engine.localMember();
        if (self.state() != MemberState.ALIVE || !self.name().equals(SELF) || !self.address().equals(SELF_ADDRESS)) {
            return context + ": local member is " + self;
        }
        // A peer can push us to the top of the uint32 range (a suspect at 0xFFFFFFFE or above); the
        // engine saturates there rather than wrapping, so the top value itself is sane.
        if (self.incarnation() < 1 || self.incarnation() > 0xFFFF_FFFFL) {
            return context + ": local incarnation " + self.incarnation();
        }
        List<Member> all = engine.members();
        if (all.size() != engine.memberCount()) {
            return context + ": members() lists " + all.size() + " but memberCount() is " + engine.memberCount();
        }
        int selves = 0;
        for (Member m : all) {
            if (m.name().equals(SELF)) {
                selves++;
            }
            // An empty name is wire-legal (memberlist does not refuse it either), so it is not checked.
            if (m.meta().length() > config.metaMaxBytes() || m.stateSinceMillis() > now) {
                return context + ": malformed member " + m;
            }
        }
        if (selves != 1) {
            return context + ": " + selves + " entries for ourselves";
        }
        return null;
    }
}
