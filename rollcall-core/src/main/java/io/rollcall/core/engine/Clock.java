package io.rollcall.core.engine;

/** The engine's only source of time: a monotonic clock in milliseconds, injected. */
@FunctionalInterface
public interface Clock {
    /** @return monotonic milliseconds; only differences are meaningful */
    long nowMillis();

    /** @return a clock backed by {@link System#nanoTime()} */
    static Clock system() {
        return () -> System.nanoTime() / 1_000_000L;
    }
}
