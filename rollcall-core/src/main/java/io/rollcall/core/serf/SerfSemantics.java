package io.rollcall.core.serf;

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

    /** @param selfName our node name */
    public SerfSemantics(String selfName) {
        this.selfName = selfName;
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
            clock.witness(join.ltime());
            if (recordStatus(join.node(), join.ltime())) {
                leftMembers.remove(join.node());
                engine.broadcastUser(intentKey(join.node()), payload);
            }
        } else if (message instanceof SerfMessage.LeaveIntent leave) {
            intentsReceived++;
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
        }
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
            if (!remote.leftMembers().contains(e.getKey()) && !e.getKey().equals(selfName)) {
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

    /** @return Serf messages that could not be decoded */
    public long undecodable() {
        return undecodable;
    }

    private void sendJoinIntent() {
        long ltime = clock.increment();
        statusLTimes.put(selfName, ltime);
        lastJoinIntent = Bytes.of(SerfCodec.encodeJoin(new SerfMessage.JoinIntent(ltime, selfName)));
        engine.broadcastUser(intentKey(selfName), lastJoinIntent);
    }

    /** @return true if the intent is newer than what we knew of the member, so worth passing on */
    private boolean recordStatus(String node, long ltime) {
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

    private static void witnessNonZero(LamportClock c, long remote) {
        // Serf witnesses "remote - 1" only when remote is non-zero: zero would wrap around.
        if (remote != 0) {
            c.witness(remote - 1);
        }
    }

    private static String intentKey(String node) {
        return "serf-intent:" + node;
    }
}
