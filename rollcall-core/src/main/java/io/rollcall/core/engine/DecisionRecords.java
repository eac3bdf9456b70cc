package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last decisions about each member, with their evidence ({@link DecisionRecord}): at most
 * {@link #RECORDS_PER_MEMBER} per member, oldest dropped first, and accounted inside the member
 * table's byte budget ({@link EngineConfig#maxMemberBytes()}) like the member itself, so a peer that
 * makes us decide often (a flapping member, a stream of accusations) costs bounded memory that the
 * budget already covers. A record that finds no room even with this member's older records and every
 * tombstone gone is dropped and counted ({@link DropReason#DECISION_RECORD_NO_ROOM}); the transition
 * itself is unaffected. Records go with their member when it is reaped or evicted.
 */
final class DecisionRecords extends EnginePart {
    /** Records kept per member ({@link DecisionRecord#RECORDS_PER_MEMBER}). */
    static final int RECORDS_PER_MEMBER = DecisionRecord.RECORDS_PER_MEMBER;

    /*
     * Heap estimates from the object layouts of a 64-bit JVM with compressed references: a record's
     * header and fields, a string's object and array, an endpoint's record and InetAddress, the
     * deque's array. Estimates, not a measurement: the member footprint they add to was measured
     * (MemberFootprint), these are small beside it and rounded up.
     */
    private static final int RECORD_BYTES = 56;
    private static final int ENDPOINT_BYTES = 72;
    private static final int EVIDENCE_BYTES = 48;
    private static final int HELPER_BYTES = 24;
    /** The per-member deque, accounted with its first record. */
    static final int DEQUE_BYTES = 48 + 8 * RECORDS_PER_MEMBER;

    /** Makes room in the table's byte budget ({@link MemberTableRules#makeRoom}). */
    interface Room {
        /** @return false if {@code bytes} more do not fit even with every tombstone but {@code keep} gone */
        boolean make(long bytes, MemberEntry keep);
    }

    private final Room room;

    DecisionRecords(EngineContext context, Room room) {
        super(context);
        this.room = room;
    }

    /** Records a decision about {@code entry} and publishes it. */
    void record(MemberEntry entry, DecisionRecord record) {
        if (entry.removed) {
            return;
        }
        ArrayDeque<DecisionRecord> held = entry.decisions;
        int bytes = bytesOf(record) + (held == null ? DEQUE_BYTES : 0);
        if (held != null && held.size() >= RECORDS_PER_MEMBER) {
            dropOldest(entry);
        }
        while (!room.make(bytes, entry)) {
            if (held == null || held.isEmpty()) {
                counters.drop(DropReason.DECISION_RECORD_NO_ROOM);
                out.notify(new DecisionRecorded(entry.name, record));
                return;
            }
            dropOldest(entry);
        }
        if (held == null) {
            held = new ArrayDeque<>(4);
            entry.decisions = held;
        }
        held.addLast(record);
        table.addDecisionBytes(entry, bytes);
        out.notify(new DecisionRecorded(entry.name, record));
    }

    /** @return the records held about {@code entry}, oldest first */
    static List<DecisionRecord> of(MemberEntry entry) {
        return entry.decisions == null ? List.of() : List.copyOf(entry.decisions);
    }

    private void dropOldest(MemberEntry entry) {
        DecisionRecord oldest = entry.decisions.pollFirst();
        table.addDecisionBytes(entry, -bytesOf(oldest));
    }

    /** @return what one record is accounted at: its object, the address it came from, and its names and evidence */
    static int bytesOf(DecisionRecord record) {
        int bytes = RECORD_BYTES + endpointBytes(record.learnedFrom());
        if (record instanceof DecisionRecord.Suspected s) {
            bytes += textBytes(s.accuser()) + evidenceBytes(s.probe());
        } else if (record instanceof DecisionRecord.Confirmed c) {
            bytes += textBytes(c.confirmer()) + evidenceBytes(c.probe());
        } else if (record instanceof DecisionRecord.Failed f) {
            bytes += textBytes(f.declaredBy());
        } else if (record instanceof DecisionRecord.Rejoined j) {
            bytes += endpointBytes(j.address());
        }
        return bytes;
    }

    private static int evidenceBytes(DecisionRecord.ProbeEvidence probe) {
        if (probe == null) {
            return 0;
        }
        int bytes = EVIDENCE_BYTES;
        for (DecisionRecord.Helper h : probe.helpers()) {
            bytes += HELPER_BYTES + textBytes(h.name()) + ENDPOINT_BYTES;
        }
        return bytes;
    }

    private static int textBytes(String s) {
        return 40 + 2 * s.length();
    }

    private static int endpointBytes(Endpoint e) {
        return e == null ? 0 : ENDPOINT_BYTES;
    }
}
