package io.rollcall.core.engine;

import io.rollcall.core.MemberState;
import io.rollcall.core.message.Alive;
import java.util.ArrayList;
import java.util.List;

/**
 * What the member table takes in and lets go of, within the limits a peer cannot raise: admission
 * of a member new to us (within {@link EngineConfig#maxMembers()}, the table's byte budget and,
 * inside one state exchange, that exchange's share of the budget), eviction of the oldest
 * tombstones to make room (never of a live member: that would forget a node that is there), and
 * the reap of tombstones older than their retention. The {@link MemberTable} itself only stores.
 */
final class MemberTableRules extends EnginePart {

    private final ProbeRing ring;
    private final Suspicions suspicions;
    /** Inside a state exchange, what its new members may still add to the table ({@link #limitNewMemberBytes}). */
    private long newMemberBytesLeft = Long.MAX_VALUE;

    MemberTableRules(EngineContext context, ProbeRing ring, Suspicions suspicions) {
        super(context);
        this.ring = ring;
        this.suspicions = suspicions;
    }

    /**
     * Bounds the bytes that members new to us may add from now on (one state exchange's share);
     * {@link Long#MAX_VALUE} lifts the bound.
     */
    void limitNewMemberBytes(long bytes) {
        newMemberBytesLeft = bytes;
    }

    /**
     * Room for a member we have not heard of, within the member count, the table's byte budget and
     * the share in force; counted if refused.
     */
    boolean admit(Alive alive) {
        int footprint = MemberFootprint.bytes(alive.node(), alive.meta());
        if (footprint > newMemberBytesLeft) {
            counters.drop(DropReason.STATE_SHARE_SPENT);
            return false;
        }
        if (table.size() >= config.maxMembers() && !evictOldestTombstone(null)) {
            counters.drop(DropReason.TABLE_FULL);
            return false;
        }
        if (!makeRoom(footprint, null)) {
            counters.drop(DropReason.TABLE_FULL);
            return false;
        }
        newMemberBytesLeft -= footprint;
        return true;
    }

    /** Puts an admitted member (or ourselves, at start) in the table and in the probe ring. */
    void add(MemberEntry entry) {
        table.add(entry);
        ring.insert(entry);
    }

    /**
     * Evicts the oldest tombstones (never {@code keep}) until {@code extraBytes} more fit in the
     * table's byte budget.
     *
     * @return false if they do not fit even with every tombstone gone
     */
    boolean makeRoom(long extraBytes, MemberEntry keep) {
        while (extraBytes > 0 && table.bytes() + extraBytes > config.maxMemberBytes()) {
            if (!evictOldestTombstone(keep)) {
                return false;
            }
        }
        return true;
    }

    private boolean evictOldestTombstone(MemberEntry keep) {
        // Not table.tombstones(): sorting them on every add to a full table would cost more than the scan it replaced.
        MemberEntry oldest = table.oldestTombstone(self, keep);
        if (oldest == null) {
            return false;
        }
        remove(oldest);
        return true;
    }

    /** The reap timer: reaps, then sets itself again. */
    void onReapTick() {
        out.setTimer(new Timer.ReapTick(), config.reapIntervalMillis());
        reap();
    }

    /** Removes the DEAD and LEFT members held longer than their retention. */
    private void reap() {
        long now = clock.nowMillis();
        List<MemberEntry> expired = new ArrayList<>();
        for (MemberEntry e : table.tombstones()) {
            if (e == self) {
                continue;
            }
            long age = now - e.stateSinceMillis;
            if ((e.state == MemberState.DEAD && age > config.deadRetentionMillis())
                    || (e.state == MemberState.LEFT && age > config.leftRetentionMillis())) {
                expired.add(e);
            }
        }
        for (MemberEntry e : expired) {
            remove(e);
        }
    }

    private void remove(MemberEntry e) {
        suspicions.end(e);
        table.remove(e);
        ring.remove(e);
        out.notify(new MembershipEvent.Removed(e.snapshot()));
    }
}
