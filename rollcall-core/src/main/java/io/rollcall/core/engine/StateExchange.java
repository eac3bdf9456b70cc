package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.MemberState;
import io.rollcall.core.message.Alive;
import io.rollcall.core.message.Dead;
import io.rollcall.core.message.ErrorResponse;
import io.rollcall.core.message.Message;
import io.rollcall.core.message.PushNodeState;
import io.rollcall.core.message.PushPull;
import io.rollcall.core.message.Suspect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * State exchange, SWIM's anti-entropy: the join (a full exchange with each seed, done at the first
 * that answers), the periodic push/pull with a random member (its interval growing with the
 * cluster), the follow-up exchange after a join, the reconnect attempts to dead members and seeds
 * that heal partitions, and the merge of a peer's member list, claim by claim, through the gossip
 * rules. It owns the joins in progress, the remembered seeds and the exchange timer's token.
 */
final class StateExchange extends EnginePart {

    /** Most seeds remembered for partition healing. */
    static final int MAX_SEEDS = 64;

    /** What a state exchange needs of the rest of the engine. */
    interface Hooks {
        /** @return whether the engine is running (not leaving, left or stopped) */
        boolean running();

        /**
         * Applies a listed member's alive claim as the gossip rules do.
         *
         * @param fromItself true if the member itself listed it, in the reply to a stream we opened
         *                   to its address (exempt from the incarnation jump bound)
         */
        void alive(Alive claim, boolean fromItself);

        /** Applies a listed member's departure as the gossip rules do. */
        void dead(Dead claim);

        /** Applies a listed suspicion (or a remote DEAD, which only makes us suspect) as the gossip rules do. */
        void suspect(Suspect claim);

        /** A seed answered our join: announce our arrival to every member directly. */
        void joined();

        /** @return the layer above, whose state travels with ours */
        UserDelegate delegate();

        /**
         * Bounds the bytes that members new to us may add to the table while one peer's state is
         * merged; {@link Long#MAX_VALUE} lifts the bound.
         */
        void limitNewMemberBytes(long bytes);
    }

    private final ProbeRing ring;
    private final Dissemination dissemination;
    private final PendingStreams streams;
    private final Hooks hooks;
    private final Map<Long, JoinProgress> joins = new HashMap<>();
    private final List<Endpoint> seeds = new ArrayList<>();
    private long nextJoinId = 1;
    /** The periodic state exchange timer in force; a tick with an older token was rescheduled away. */
    private long pushPullToken;
    /** Set while merging a peer's state when it showed our name alive at another address. */
    private Endpoint ourNameClaimedAt;

    StateExchange(EngineContext context, ProbeRing ring, Dissemination dissemination, PendingStreams streams,
                  Hooks hooks) {
        super(context);
        this.ring = ring;
        this.dissemination = dissemination;
        this.streams = streams;
        this.hooks = hooks;
    }

    /** At start: the first periodic exchange and the first reconnect attempt, at random points so nodes started together spread out. */
    void scheduleFirstExchanges() {
        out.setTimer(new Timer.PushPullTick(pushPullToken), pushPullInterval() + random.nextLong(config.pushPullIntervalMillis()));
        out.setTimer(new Timer.ReconnectTick(), config.reconnectIntervalMillis() + random.nextLong(config.reconnectIntervalMillis()));
    }

    /** See {@link MembershipEngine#join}. */
    long join(Collection<Endpoint> seedAddresses) {
        long joinId = nextJoinId++;
        JoinProgress progress = new JoinProgress();
        for (Endpoint seed : seedAddresses) {
            if (!seeds.contains(seed) && seeds.size() < MAX_SEEDS) {
                seeds.add(seed);
            }
        }
        for (Endpoint seed : seedAddresses) {
            if (seed.equals(self.address)) {
                progress.failures.add(new JoinCompleted.SeedFailure(seed,
                        new StreamFailure(StreamFailure.Kind.FAILED, "this is our own address")));
                continue;
            }
            long requestId = streams.open(PendingStreams.Purpose.JOIN, seed, joinId, 0);
            if (requestId < 0) {
                progress.failures.add(new JoinCompleted.SeedFailure(seed,
                        new StreamFailure(StreamFailure.Kind.FAILED, "too many state exchanges in flight")));
                continue;
            }
            progress.outstanding++;
            counters.pushPullsInitiated++;
            out.sendStream(requestId, seed, localState(true));
        }
        if (progress.outstanding == 0) {
            out.notify(new JoinCompleted(joinId, 0, progress.failures));
        } else {
            joins.put(joinId, progress);
        }
        return joinId;
    }

    /** See {@link MembershipEngine#learnWithoutGossip}. */
    void learnWithoutGossip(List<PushNodeState> known) {
        dissemination.suppress(true);
        try {
            merge(new PushPull(false, known, Bytes.EMPTY), null);
        } finally {
            dissemination.suppress(false);
        }
        out.cancelTimer(new Timer.PushPullTick(pushPullToken));
        pushPullToken++;
        out.setTimer(new Timer.PushPullTick(pushPullToken), random.nextLong(pushPullInterval()));
    }

    void onPushPullTick(long token) {
        if (token != pushPullToken || !hooks.running()) {
            return;
        }
        out.setTimer(new Timer.PushPullTick(pushPullToken), pushPullInterval());
        syncWithRandomMember();
    }

    void onFollowUpSync() {
        if (hooks.running()) {
            syncWithRandomMember();
        }
    }

    private void syncWithRandomMember() {
        List<MemberEntry> peer = table.randomMembers(1, e -> e != self && e.state == MemberState.ALIVE, random);
        if (!peer.isEmpty()) {
            startSync(peer.get(0).address, PendingStreams.Purpose.SYNC);
        }
    }

    void onReconnectTick() {
        if (!hooks.running()) {
            return;
        }
        out.setTimer(new Timer.ReconnectTick(), config.reconnectIntervalMillis());
        // Drawn from the tombstones rather than by rejection sampling over the whole table, which in a
        // large cluster with one dead member took thousands of draws (and 3n when there was none).
        List<MemberEntry> dead = new ArrayList<>();
        for (MemberEntry e : table.tombstones()) {
            if (e.state == MemberState.DEAD) {
                dead.add(e);
            }
        }
        Endpoint deadAddress = null;
        if (!dead.isEmpty()) {
            deadAddress = dead.get(random.nextInt(dead.size())).address;
            counters.reconnectAttempts++;
            startSync(deadAddress, PendingStreams.Purpose.RECONNECT);
        }
        boolean alone = table.liveCount() <= 1;
        if (!seeds.isEmpty() && (deadAddress != null || alone)) {
            Endpoint seed = seeds.get(random.nextInt(seeds.size()));
            if (!seed.equals(self.address) && !seed.equals(deadAddress)) {
                counters.reconnectAttempts++;
                startSync(seed, PendingStreams.Purpose.RECONNECT);
            }
        }
    }

    private void startSync(Endpoint peer, PendingStreams.Purpose purpose) {
        long requestId = streams.open(purpose, peer, 0, 0);
        if (requestId < 0) {
            return;
        }
        counters.pushPullsInitiated++;
        out.sendStream(requestId, peer, localState(false));
    }

    /** A peer's state arrived on a stream it opened to us: merge it, then answer with ours. */
    Message serve(PushPull pushPull) {
        counters.pushPullsServed++;
        if (pushPull.nodes().size() > config.maxMembers()) {
            counters.drop(DropReason.STATE_TOO_LARGE);
            return new ErrorResponse("state lists " + pushPull.nodes().size() + " members; limit is " + config.maxMembers());
        }
        // Merge before answering (memberlist answers first): if the peer holds us as dead, our reply
        // then already carries the refutation, and the peer learns we are alive in this same exchange.
        merge(pushPull, null);
        return localState(pushPull.join());
    }

    /** The reply to a state exchange we opened ({@code pending}'s purpose is JOIN, SYNC or RECONNECT). */
    void onReply(PendingStreams.Pending pending, Message reply) {
        if (reply instanceof PushPull pushPull) {
            if (pushPull.nodes().size() > config.maxMembers()) {
                counters.drop(DropReason.STATE_TOO_LARGE);
                onFailure(pending, new StreamFailure(StreamFailure.Kind.REJECTED,
                        "state lists " + pushPull.nodes().size() + " members; limit is " + config.maxMembers()));
                return;
            }
            long refutationsBefore = counters.refutations;
            ourNameClaimedAt = null;
            merge(pushPull, pending.peer());
            Endpoint claimedAt = ourNameClaimedAt;
            ourNameClaimedAt = null;
            if (claimedAt != null && pending.purpose() == PendingStreams.Purpose.JOIN) {
                onFailure(pending, new StreamFailure(StreamFailure.Kind.NAME_CONFLICT, "the name '" + self.name
                        + "' is held by a live member at " + claimedAt + "; names must be unique"));
                return;
            }
            if (counters.refutations != refutationsBefore && hooks.running()) {
                // The peer held us as suspect or dead. Tell it directly instead of waiting for gossip,
                // which may not reach a peer that the rest of our side holds as dead.
                out.sendPacket(pending.peer(), List.of(self.aliveClaim()));
            }
            if (pending.purpose() == PendingStreams.Purpose.JOIN) {
                joinAnswered(pending.joinId(), null);
            }
        } else if (reply instanceof ErrorResponse error) {
            onFailure(pending, new StreamFailure(StreamFailure.Kind.REJECTED, "peer refused: " + error.error()));
        } else {
            counters.drop(DropReason.UNEXPECTED_MESSAGE);
            onFailure(pending, new StreamFailure(StreamFailure.Kind.REJECTED, "unexpected " + reply.type() + " reply"));
        }
    }

    /** A stream we opened failed; for a join, that seed's answer is the failure. */
    void onFailure(PendingStreams.Pending pending, StreamFailure failure) {
        if (pending.purpose() == PendingStreams.Purpose.JOIN) {
            joinAnswered(pending.joinId(), new JoinCompleted.SeedFailure(pending.peer(), failure));
        }
    }

    /** While a peer's state is merged: it showed our name alive at {@code address}, another address than ours. */
    void ourNameClaimedAt(Endpoint address) {
        ourNameClaimedAt = address;
    }

    private void joinAnswered(long joinId, JoinCompleted.SeedFailure failure) {
        JoinProgress progress = joins.get(joinId);
        if (progress == null) {
            return;
        }
        progress.outstanding--;
        if (failure == null) {
            progress.succeeded++;
            if (hooks.running()) {
                // The first seed's answer told us who is there: tell each of them we have arrived.
                hooks.joined();
            }
        } else {
            progress.failures.add(failure);
        }
        // The join is done at the first seed that answers: a silent seed must not hold the caller for
        // its whole TCP timeout. The other exchanges go on, and their states are merged as they come.
        if (progress.succeeded > 0 || progress.outstanding == 0) {
            joins.remove(joinId);
            if (progress.succeeded > 0 && config.joinFollowUpSyncMillis() > 0) {
                // Members that joined at the same moment as us may be missing from the seed's answer, and
                // their announcements may have passed us by; one more exchange once the flurry settles
                // catches them, instead of leaving them to the next periodic exchange.
                out.setTimer(new Timer.FollowUpSync(), config.joinFollowUpSyncMillis());
            }
            out.notify(new JoinCompleted(joinId, progress.succeeded, progress.failures));
        }
    }

    private long pushPullInterval() {
        return Timeouts.pushPullIntervalMillis(config.pushPullIntervalMillis(), Math.max(1, table.liveCount()));
    }

    /**
     * @param join whether the exchange is part of a join
     * @return our full state as sent in a state exchange
     */
    PushPull localState(boolean join) {
        List<PushNodeState> nodes = new ArrayList<>(table.size());
        for (MemberEntry e : table.all()) {
            nodes.add(new PushNodeState(e.name, e.address, e.meta, e.incarnation, e.state, e.versions));
        }
        return new PushPull(join, nodes, hooks.delegate().localState(join));
    }

    /** @param dialled the address we opened the stream to, if this is its reply; null for a request we serve */
    private void merge(PushPull state, Endpoint dialled) {
        // The merged table holds at least as many members as the larger of the two lists: room for
        // them at once, rather than growing the name index and the probe order step by step while a
        // joiner (or a simulated node) learns a large cluster.
        long fits = Math.min(config.maxMembers(), config.maxMemberBytes() / MemberFootprint.FIXED_BYTES);
        int atLeast = (int) Math.min(Math.max(table.size(), state.nodes().size()), fits);
        table.ensureCapacity(atLeast);
        ring.ensureCapacity(atLeast);
        // One exchange may fill at most half the table's budget with members new to us, so that one
        // peer's state, full of invented members, cannot by itself leave no room for real ones.
        hooks.limitNewMemberBytes(config.maxMemberBytes() / 2);
        try {
            for (PushNodeState n : state.nodes()) {
                switch (n.state()) {
                    case ALIVE -> hooks.alive(new Alive(n.incarnation(), n.name(), n.address(), n.meta(), n.versions()),
                            n.address().equals(dialled));
                    case LEFT -> hooks.dead(new Dead(n.incarnation(), n.name(), n.name()));
                    // A remote DEAD only makes us suspect: the member gets its own chance to refute before we agree.
                    case DEAD, SUSPECT -> hooks.suspect(new Suspect(n.incarnation(), n.name(), self.name));
                    default -> throw new IllegalStateException("unreachable");
                }
            }
        } finally {
            hooks.limitNewMemberBytes(Long.MAX_VALUE);
        }
        // After the members, as memberlist does: the layer above may refer to them.
        if (!state.userState().isEmpty()) {
            hooks.delegate().mergeRemoteState(state.userState(), state.join());
        }
    }

    /** A join waiting for its seeds. */
    private static final class JoinProgress {
        final List<JoinCompleted.SeedFailure> failures = new ArrayList<>();
        int outstanding;
        int succeeded;
    }
}
