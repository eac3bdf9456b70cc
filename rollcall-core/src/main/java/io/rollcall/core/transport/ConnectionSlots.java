package io.rollcall.core.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Admission for connections that each hold a thread while they read their request: at most
 * {@code maxTotal} at once, at most {@code maxPerSource} from one source (an IPv4 address, or an
 * IPv6 /64, which one host can fill with addresses at will).
 *
 * <p>Fairness rather than first come, first served. A slot is either still <em>reading</em> its
 * request or <em>answering</em> it (the request is in, see {@link Slot#answering()}). A newcomer that
 * finds no free place takes one from a reading connection instead of being refused:
 * <ul>
 *   <li>its own source at its cap: its own source's oldest reading connection gives way, so a host
 *       opening one connection after another only ever displaces itself;</li>
 *   <li>every slot taken: the oldest reading connection of the source holding the most slots gives
 *       way, provided that source holds more than the newcomer's would, so no source is pushed below
 *       another's share.</li>
 * </ul>
 * A real request arrives in milliseconds, a slow sender's takes seconds: the oldest reading
 * connection of the busiest source is almost always a slow sender, and a slowloris from one host or
 * many only displaces its own connections while real requests get in. Only when every slot is
 * answering (real work) is a newcomer refused. Thread-safe; the displaced connection is closed by
 * {@link #admit} outside the lock.
 */
public final class ConnectionSlots {
    /** Why a connection was not admitted. */
    public enum Refusal {
        /** Its source holds {@code maxPerSource} slots, all answering. */
        PER_SOURCE_LIMIT,
        /** All {@code maxTotal} slots are taken and none may be displaced. */
        TOTAL_LIMIT
    }

    /**
     * What {@link #admit} decided: {@code slot} (admitted) or {@code refusal}, never both.
     *
     * @param slot      the newcomer's slot, or null
     * @param displaced the reading connection closed to make room, or null
     * @param refusal   why the newcomer was refused, or null
     */
    public record Admission(Slot slot, Slot displaced, Refusal refusal) {
    }

    private final int maxTotal;
    private final int maxPerSource;
    private final Map<Object, ArrayDeque<Slot>> bySource = new HashMap<>();
    private int total;
    private long nextOrder;

    /**
     * @param maxTotal     most connections at once
     * @param maxPerSource most connections at once from one source
     */
    public ConnectionSlots(int maxTotal, int maxPerSource) {
        if (maxTotal < 1 || maxPerSource < 1 || maxPerSource > maxTotal) {
            throw new IllegalArgumentException("need 1 <= maxPerSource (" + maxPerSource + ") <= maxTotal (" + maxTotal + ")");
        }
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
    }

    /** @return most connections at once */
    public int maxTotal() {
        return maxTotal;
    }

    /** @return most connections at once from one source */
    public int maxPerSource() {
        return maxPerSource;
    }

    /** @return connections holding a slot now */
    public synchronized int inUse() {
        return total;
    }

    /**
     * @param source     the connection's peer address
     * @param connection closed if a later newcomer displaces this connection
     * @return the decision; a displaced connection has been closed already
     */
    public Admission admit(InetAddress source, Closeable connection) {
        Objects.requireNonNull(connection, "connection");
        Object key = sourceKey(source);
        Admission admission;
        synchronized (this) {
            ArrayDeque<Slot> own = bySource.computeIfAbsent(key, k -> new ArrayDeque<>());
            Slot victim = null;
            if (own.size() >= maxPerSource) {
                victim = oldestReading(own);
                if (victim == null) {
                    dropIfEmpty(key, own);
                    return new Admission(null, null, Refusal.PER_SOURCE_LIMIT);
                }
            } else if (total >= maxTotal) {
                victim = busiestSourcesOldestReading(own.size() + 1);
                if (victim == null) {
                    dropIfEmpty(key, own);
                    return new Admission(null, null, Refusal.TOTAL_LIMIT);
                }
            }
            if (victim != null) {
                victim.displaced = true;
                remove(victim);
            }
            Slot slot = new Slot(key, connection);
            // Displacing our own last slot dropped the source's entry: fetch it again.
            bySource.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(slot);
            total++;
            admission = new Admission(slot, victim, null);
        }
        if (admission.displaced() != null) {
            closeQuietly(admission.displaced().connection);
        }
        return admission;
    }

    private static Slot oldestReading(ArrayDeque<Slot> slots) {
        for (Slot s : slots) {
            if (s.reading) {
                return s;
            }
        }
        return null;
    }

    /** The oldest reading slot of the source with the most slots, among sources holding at least {@code least}. */
    private Slot busiestSourcesOldestReading(int least) {
        Slot best = null;
        int bestCount = least - 1;
        for (ArrayDeque<Slot> slots : bySource.values()) {
            if (slots.size() < least || slots.size() < bestCount) {
                continue;
            }
            Slot candidate = oldestReading(slots);
            if (candidate == null) {
                continue;
            }
            if (best == null || slots.size() > bestCount || candidate.order < best.order) {
                best = candidate;
                bestCount = slots.size();
            }
        }
        return best;
    }

    private void remove(Slot slot) {
        ArrayDeque<Slot> slots = bySource.get(slot.source);
        if (slots != null && slots.remove(slot)) {
            total--;
            dropIfEmpty(slot.source, slots);
        }
    }

    private void dropIfEmpty(Object key, ArrayDeque<Slot> slots) {
        if (slots.isEmpty()) {
            bySource.remove(key);
        }
    }

    /** IPv4 addresses count one by one; IPv6 addresses by their /64, as one host is usually given a whole /64. */
    private static Object sourceKey(InetAddress address) {
        if (address instanceof Inet6Address v6 && !v6.isLoopbackAddress()) {
            return ByteBuffer.wrap(Arrays.copyOf(v6.getAddress(), 8)).asReadOnlyBuffer();
        }
        return address;
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Displacing is best effort: the slot is free either way.
        }
    }

    /** One admitted connection's place; {@link #close()} frees it. */
    public final class Slot implements AutoCloseable {
        private final Object source;
        private final Closeable connection;
        private final long order;
        private boolean reading = true;
        private boolean displaced;

        private Slot(Object source, Closeable connection) {
            this.source = source;
            this.connection = connection;
            this.order = nextOrder++;
        }

        /**
         * The request is in: from now on this connection is never displaced.
         *
         * @return false if it was displaced already (its connection is closed)
         */
        public boolean answering() {
            synchronized (ConnectionSlots.this) {
                reading = false;
                return !displaced;
            }
        }

        /** @return whether a newcomer displaced this connection (and closed it) */
        public boolean displaced() {
            synchronized (ConnectionSlots.this) {
                return displaced;
            }
        }

        /** Frees the slot; idempotent. */
        @Override
        public void close() {
            synchronized (ConnectionSlots.this) {
                remove(this);
                reading = false;
            }
        }
    }
}
