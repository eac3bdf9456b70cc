package io.rollcall.core.serf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Serf's recent-message buffer (its event buffer and query buffer): one slot per Lamport time modulo
 * the slot count, each holding the messages seen at that time. A message is new unless its slot holds
 * the same time and an equal message; it is too old when it lies more than the slot count behind the
 * clock; it is ignored before the minimum time (the clock of the cluster we joined, when we do not
 * replay its old events). Unlike Serf, a slot holds a bounded number of messages and the whole ring a
 * bounded number of bytes, so a peer sending many distinct messages at one time cannot grow it.
 *
 * @param <T> what is remembered per message (an event's name and payload, a query's id)
 */
final class LamportRing<T> {
    /** What {@link #admit} decided. */
    enum Admission {
        /** Not seen before: deliver and pass on. */
        NEW,
        /** Already in its slot. */
        DUPLICATE,
        /** More than the slot count behind the clock. */
        TOO_OLD,
        /** Before the minimum time. */
        BEFORE_MIN_TIME,
        /** Its slot or the ring's byte budget is full: refused, counted. */
        FULL
    }

    private static final class Slot<T> {
        final long ltime;
        final List<T> items = new ArrayList<>(1);
        long bytes;

        Slot(long ltime) {
            this.ltime = ltime;
        }
    }

    private final Object[] slots;
    private final int maxPerSlot;
    private final long maxBytes;
    private final ToLongFunction<T> sizeOf;
    private long bytes;
    private long minTime;

    /**
     * @param slotCount   slots (Serf's EventBuffer and QueryBuffer: 512)
     * @param maxPerSlot  most messages kept for one Lamport time
     * @param maxBytes    most bytes kept in all, as {@code sizeOf} counts them
     * @param sizeOf      the bytes one remembered message holds
     */
    LamportRing(int slotCount, int maxPerSlot, long maxBytes, ToLongFunction<T> sizeOf) {
        this.slots = new Object[slotCount];
        this.maxPerSlot = maxPerSlot;
        this.maxBytes = maxBytes;
        this.sizeOf = sizeOf;
    }

    /**
     * @param ltime     the message's Lamport time
     * @param clockTime the clock after witnessing it
     * @param item      what identifies the message within its time
     * @return whether it is new (and now remembered) or why not
     */
    Admission admit(long ltime, long clockTime, T item) {
        if (Long.compareUnsigned(ltime, minTime) < 0) {
            return Admission.BEFORE_MIN_TIME;
        }
        long n = slots.length;
        if (Long.compareUnsigned(clockTime, n) > 0 && Long.compareUnsigned(ltime, clockTime - n) < 0) {
            return Admission.TOO_OLD;
        }
        int index = (int) Long.remainderUnsigned(ltime, n);
        @SuppressWarnings("unchecked")
        Slot<T> slot = (Slot<T>) slots[index];
        if (slot != null && slot.ltime == ltime) {
            if (slot.items.contains(item)) {
                return Admission.DUPLICATE;
            }
        } else {
            if (slot != null) {
                bytes -= slot.bytes;
            }
            slot = new Slot<>(ltime);
            slots[index] = slot;
        }
        long size = sizeOf.applyAsLong(item);
        if (slot.items.size() >= maxPerSlot || bytes + size > maxBytes) {
            return Admission.FULL;
        }
        slot.items.add(item);
        slot.bytes += size;
        bytes += size;
        return Admission.NEW;
    }

    /** @param time messages before this time are ignored from now on (never lowered) */
    void raiseMinTime(long time) {
        if (Long.compareUnsigned(time, minTime) > 0) {
            minTime = time;
        }
    }

    /** @return every filled slot as (time, messages), in slot order */
    <R> List<R> snapshot(java.util.function.BiFunction<Long, List<T>, R> group) {
        List<R> out = new ArrayList<>();
        for (Object o : slots) {
            @SuppressWarnings("unchecked")
            Slot<T> slot = (Slot<T>) o;
            if (slot != null && !slot.items.isEmpty()) {
                out.add(group.apply(slot.ltime, List.copyOf(slot.items)));
            }
        }
        return out;
    }

    /** @return bytes held */
    long bytes() {
        return bytes;
    }
}
