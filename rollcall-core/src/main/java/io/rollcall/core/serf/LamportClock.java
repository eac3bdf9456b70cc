package io.rollcall.core.serf;

/** Serf's Lamport clock (unsigned 64-bit, held in a long that never wraps in practice). */
final class LamportClock {
    private long counter;

    LamportClock(long start) {
        counter = start;
    }

    long time() {
        return counter;
    }

    /** @return the new time, after moving past the current one */
    long increment() {
        return ++counter;
    }

    /** Moves the clock past a time seen in a message, as Serf does: to at least {@code seen + 1}. */
    void witness(long seen) {
        if (Long.compareUnsigned(seen, counter) >= 0 && seen != -1L) {
            counter = seen + 1;
        }
    }
}
