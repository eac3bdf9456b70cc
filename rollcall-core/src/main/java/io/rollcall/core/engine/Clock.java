package io.rollcall.core.engine;

/**
 * Time, injected: the engine's only source of it, and the view's (which stamps each change with
 * {@link #wallMillis()}). The real transport supplies the system clock
 * ({@code io.rollcall.core.transport.SystemClock}), the simulator its virtual one; nothing under
 * {@code io.rollcall.core} reads the system time another way (checked by {@code ArchitectureTest}).
 */
@FunctionalInterface
public interface Clock {
    /** @return monotonic milliseconds; only differences are meaningful */
    long nowMillis();

    /**
     * Wall-clock milliseconds, used for two things only: numbering probe rounds alike on every node,
     * so that each member is probed by one node per round, and stamping the view's changes with the
     * time they happened. A wrong or stepped clock costs only that coordination and those stamps,
     * never a timeout (timeouts use {@link #nowMillis()}). The default is the monotonic
     * time, right where every node reads the same clock (the simulator, tests).
     *
     * @return milliseconds since the epoch, or any time base that every node shares
     */
    default long wallMillis() {
        return nowMillis();
    }

    /**
     * Monotonic microseconds, on the time base of {@link #nowMillis()}. Only observations use it
     * (probe round-trip times, a fraction of a millisecond on a LAN); no timeout does. The default
     * has millisecond steps, right for a clock that only has those (the simulator's).
     *
     * @return monotonic microseconds; only differences are meaningful
     */
    default long nowMicros() {
        return nowMillis() * 1_000L;
    }
}
