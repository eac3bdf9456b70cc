package io.rollcall.core.engine;

/** The engine's only source of time, injected. */
@FunctionalInterface
public interface Clock {
    /** @return monotonic milliseconds; only differences are meaningful */
    long nowMillis();

    /**
     * Wall-clock milliseconds, used for one thing only: numbering probe rounds alike on every node,
     * so that each member is probed by one node per round. A wrong or stepped clock costs only that
     * coordination, never a timeout (timeouts use {@link #nowMillis()}). The default is the monotonic
     * time, right where every node reads the same clock (the simulator, tests).
     *
     * @return milliseconds since the epoch, or any time base that every node shares
     */
    default long wallMillis() {
        return nowMillis();
    }

    /** @return a clock backed by {@link System#nanoTime()}, with {@link System#currentTimeMillis()} as its wall clock */
    static Clock system() {
        return new Clock() {
            @Override
            public long nowMillis() {
                return System.nanoTime() / 1_000_000L;
            }

            @Override
            public long wallMillis() {
                return System.currentTimeMillis();
            }
        };
    }
}
