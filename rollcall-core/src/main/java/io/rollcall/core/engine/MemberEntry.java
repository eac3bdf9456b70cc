package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;
import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.VersionVector;
import io.rollcall.core.message.Alive;

/**
 * The engine's mutable record of one member. Never leaves the engine: callers get {@link Member}
 * snapshots. Kept small because a large cluster holds one per member on every node.
 */
final class MemberEntry {
    final String name;
    Endpoint address;
    Bytes meta;
    VersionVector versions;
    long incarnation;
    MemberState state;
    long stateSinceMillis;
    /** Position in the table's list, for O(1) removal. */
    int index = -1;
    /** Set when reaped, so the probe rotation drops it lazily. */
    boolean removed;
    /** What the table accounts this entry at; kept by the table as the metadata changes. */
    int footprintBytes;
    /**
     * Round trips of our acknowledged probes of it, direct and through helpers; null until the first.
     * 32 bytes each, within {@link MemberFootprint#FIXED_BYTES}' margin over the calibrated 840.
     */
    RoundTripTimes.Stats directRtt;
    RoundTripTimes.Stats indirectRtt;
    /** Its last decision records, oldest first; null until the first ({@link DecisionRecords}). */
    java.util.ArrayDeque<DecisionRecord> decisions;
    /** What those records are accounted at, inside {@link #footprintBytes}. */
    int decisionBytes;

    MemberEntry(String name, Endpoint address, Bytes meta, VersionVector versions, long incarnation,
                MemberState state, long stateSinceMillis) {
        this.name = name;
        this.address = address;
        this.meta = meta;
        this.versions = versions;
        this.incarnation = incarnation;
        this.state = state;
        this.stateSinceMillis = stateSinceMillis;
    }

    /** @return the claim that states this member alive as we hold it */
    Alive aliveClaim() {
        return new Alive(incarnation, name, address, meta, versions);
    }

    Member snapshot() {
        return new Member(name, address, meta, incarnation, state, stateSinceMillis, versions);
    }
}
