package io.rollcall.core.transport;

import io.rollcall.core.engine.Clock;

/**
 * The machine's clock, the one {@link Clock} that reads real time: {@link System#nanoTime()} for the
 * engine's timeouts (and, in microseconds, probe round trips), {@link System#currentTimeMillis()} for its probe rounds and the view's time
 * stamps. It lives with the transport because only a node on the real network runs on real time; the
 * engine and the view take whatever clock they are given (the simulator gives its virtual one).
 */
public final class SystemClock implements Clock {
    /** The one instance: it has no state. */
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000L;
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nowMicros() {
        return System.nanoTime() / 1_000L;
    }
}
