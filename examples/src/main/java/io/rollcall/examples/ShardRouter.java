package io.rollcall.examples;

import io.rollcall.ClusterMember;
import io.rollcall.Membership;
import io.rollcall.MembershipChange;
import io.rollcall.MembershipListener;
import io.rollcall.MembershipView;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Code a user writes on top of Rollcall: routes each key to one reachable member (rendezvous
 * hashing, so a member that goes away moves only its own keys). It depends on {@link Membership}
 * only, so the test kit can test it against crashes and partitions (ShardRouterTest), and a real
 * {@link io.rollcall.Rollcall} node runs it unchanged.
 */
public final class ShardRouter implements MembershipListener {
    private final TreeMap<String, ClusterMember> reachable = new TreeMap<>();

    /** @param membership the node whose view decides the routing */
    public ShardRouter(Membership membership) {
        membership.subscribe(this);
    }

    /**
     * @param key a key
     * @return the member that owns it now, or empty if none is reachable
     */
    public synchronized Optional<String> owner(String key) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String member : reachable.keySet()) {
            long score = mix((member + "/" + key).hashCode());
            if (score > bestScore) {
                bestScore = score;
                best = member;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public synchronized void onSnapshot(MembershipView view, boolean resync) {
        reachable.clear();
        view.reachable().forEach(m -> reachable.put(m.name(), m));
    }

    @Override
    public synchronized void onChange(MembershipChange change) {
        if (change.member().isReachable()) {
            reachable.put(change.member().name(), change.member());
        } else {
            reachable.remove(change.member().name());
        }
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
