package io.rollcall;

import io.rollcall.core.transport.ConnectionSlots;
import java.io.Closeable;
import java.net.InetAddress;

/**
 * Fair admission for a server whose connections each hold a thread while they read their request:
 * at most {@code maxTotal} at once, at most {@code maxPerSource} from one source (an IPv4 address, or
 * an IPv6 /64). A node's own stream server admits its connections by this rule; a service that runs
 * a server of its own beside a node (the Rollcall agent's HTTP API does) can use the same.
 *
 * <p>A newcomer that finds no free place displaces a connection still <em>reading</em> its request
 * rather than being refused: its own source's oldest, if its source is at its cap, else the oldest of
 * the source holding the most slots, provided that source holds more than the newcomer's would. A
 * slowloris from one host or many thus only displaces its own connections while real requests, which
 * arrive in milliseconds, get in. Only when every slot is {@link Slot#answering() answering} is a
 * newcomer refused. Thread-safe.
 */
public final class ConnectionAdmission {
    /** Why a connection was not admitted. */
    public enum Refusal {
        /** Its source holds {@code maxPerSource} slots, all answering. */
        PER_SOURCE_LIMIT,
        /** All {@code maxTotal} slots are taken and none may be displaced. */
        TOTAL_LIMIT
    }

    /**
     * What {@link #admit} decided: a slot, or a refusal, never both.
     *
     * @param slot             the newcomer's slot, or null if refused
     * @param displacedAnother whether a reading connection was closed to make room
     * @param refusal          why the newcomer was refused, or null if admitted
     */
    public record Admission(Slot slot, boolean displacedAnother, Refusal refusal) {
    }

    private final ConnectionSlots slots;

    /**
     * @param maxTotal     most connections at once
     * @param maxPerSource most connections at once from one source
     * @throws IllegalArgumentException unless {@code 1 <= maxPerSource <= maxTotal}
     */
    public ConnectionAdmission(int maxTotal, int maxPerSource) {
        this.slots = new ConnectionSlots(maxTotal, maxPerSource);
    }

    /**
     * @param source     the connection's peer address
     * @param connection closed if a later newcomer displaces this connection
     * @return the decision; a displaced connection has been closed already
     */
    public Admission admit(InetAddress source, Closeable connection) {
        ConnectionSlots.Admission admission = slots.admit(source, connection);
        Refusal refusal = admission.refusal() == null ? null : switch (admission.refusal()) {
            case PER_SOURCE_LIMIT -> Refusal.PER_SOURCE_LIMIT;
            case TOTAL_LIMIT -> Refusal.TOTAL_LIMIT;
        };
        Slot slot = admission.slot() == null ? null : new Slot(admission.slot());
        return new Admission(slot, admission.displaced() != null, refusal);
    }

    /** One admitted connection's place; {@link #close()} frees it. */
    public static final class Slot implements AutoCloseable {
        private final ConnectionSlots.Slot slot;

        private Slot(ConnectionSlots.Slot slot) {
            this.slot = slot;
        }

        /**
         * The request is in: from now on this connection is never displaced.
         *
         * @return false if it was displaced already (its connection is closed)
         */
        public boolean answering() {
            return slot.answering();
        }

        /** @return whether a newcomer displaced this connection (and closed it) */
        public boolean displaced() {
            return slot.displaced();
        }

        /** Frees the slot; idempotent. */
        @Override
        public void close() {
            slot.close();
        }
    }
}
