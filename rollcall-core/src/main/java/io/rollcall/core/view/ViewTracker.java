package io.rollcall.core.view;

import io.rollcall.Catchup;
import io.rollcall.ChangeKind;
import io.rollcall.ClusterMember;
import io.rollcall.MemberStatus;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipView;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.codec.SerfTags;
import io.rollcall.core.engine.Clock;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.SelfRefuted;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The public view, kept on the protocol thread from the engine's events: members by name, a version
 * that grows with every change, a bounded history for catching up, and the subscribers to tell.
 * Touched only on the thread that owns the engine (the protocol thread, or the simulation's), so it
 * needs no locks.
 */
public final class ViewTracker implements Consumer<Notification> {
    private final String selfName;
    private final int historyLimit;
    private final Clock wallClock;
    private final TreeMap<String, ClusterMember> members = new TreeMap<>();
    private final ArrayDeque<MembershipChange> history = new ArrayDeque<>();
    private final List<SubscriberChannel> subscribers = new ArrayList<>();
    private long version;
    private MembershipView cached;

    /**
     * @param selfName     the local node's name
     * @param historyLimit changes kept for {@link #since}
     * @param wallClock    stamps each change, with its {@link Clock#wallMillis()}
     */
    public ViewTracker(String selfName, int historyLimit, Clock wallClock) {
        this.selfName = selfName;
        this.historyLimit = historyLimit;
        this.wallClock = wallClock;
    }

    @Override
    public void accept(Notification notification) {
        if (notification instanceof SelfRefuted refuted) {
            // Not a change of membership (no version, no event), but the view must show the
            // incarnation the cluster now holds of us.
            ClusterMember before = members.get(selfName);
            if (before != null) {
                members.put(selfName, toPublic(refuted.self(), before.since()));
                cached = null;
            }
            return;
        }
        if (!(notification instanceof MembershipEvent event)) {
            return;
        }
        Instant now = Instant.ofEpochMilli(wallClock.wallMillis());
        ClusterMember member = toPublic(event.member(), now);
        ClusterMember previous = members.get(member.name());
        if (event instanceof MembershipEvent.Removed) {
            members.remove(member.name());
        } else {
            members.put(member.name(), member);
        }
        version++;
        cached = null;
        MembershipChange change = new MembershipChange(version, now, kindOf(event), member, previous);
        if (historyLimit > 0) {
            if (history.size() >= historyLimit) {
                history.removeFirst();
            }
            history.addLast(change);
        }
        for (SubscriberChannel s : subscribers) {
            s.publish(change, this);
        }
    }

    /** @return the view now */
    public MembershipView snapshot() {
        MembershipView v = cached;
        if (v == null) {
            ClusterMember local = members.get(selfName);
            v = new MembershipView(version, local, new ArrayList<>(members.values()));
            cached = v;
        }
        return v;
    }

    /** @param subscriber told of every later change */
    public void add(SubscriberChannel subscriber) {
        subscribers.add(subscriber);
    }

    /** @param subscriber one added before */
    public void remove(SubscriberChannel subscriber) {
        subscribers.remove(subscriber);
    }

    /**
     * @param after a version the caller has seen
     * @return the changes since, or the view to start over from
     */
    public Catchup since(long after) {
        if (after == version) {
            return new Catchup(List.of(), null);
        }
        if (after > version) {
            // A version we never reached: the caller kept it from another life of this node (versions
            // start again at a restart), so what it holds must be replaced, not topped up.
            return new Catchup(List.of(), snapshot());
        }
        MembershipChange oldest = history.peekFirst();
        if (oldest == null || oldest.version() > after + 1 || after < 0) {
            return new Catchup(List.of(), snapshot());
        }
        List<MembershipChange> out = new ArrayList<>();
        for (MembershipChange c : history) {
            if (c.version() > after) {
                out.add(c);
            }
        }
        return new Catchup(out, null);
    }

    /**
     * @param m     an engine member
     * @param since when it reached its state
     * @return the public form
     */
    public static ClusterMember toPublic(Member m, Instant since) {
        return new ClusterMember(m.name(), m.address().toSocketAddress(), SerfTags.decode(m.meta()), statusOf(m.state()),
                since, m.incarnation());
    }

    /**
     * @param s an engine state
     * @return the public status
     */
    public static MemberStatus statusOf(MemberState s) {
        return switch (s) {
            case ALIVE -> MemberStatus.ALIVE;
            case SUSPECT -> MemberStatus.SUSPECT;
            case DEAD -> MemberStatus.FAILED;
            case LEFT -> MemberStatus.LEFT;
        };
    }

    private static ChangeKind kindOf(MembershipEvent e) {
        if (e instanceof MembershipEvent.Joined) {
            return ChangeKind.JOINED;
        } else if (e instanceof MembershipEvent.Updated) {
            return ChangeKind.UPDATED;
        } else if (e instanceof MembershipEvent.Suspected) {
            return ChangeKind.SUSPECTED;
        } else if (e instanceof MembershipEvent.Recovered) {
            return ChangeKind.RECOVERED;
        } else if (e instanceof MembershipEvent.Failed) {
            return ChangeKind.FAILED;
        } else if (e instanceof MembershipEvent.Left) {
            return ChangeKind.LEFT;
        }
        return ChangeKind.REMOVED;
    }
}
