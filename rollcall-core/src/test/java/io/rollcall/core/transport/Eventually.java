package io.rollcall.core.transport;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; a failure says what was last seen. */
final class Eventually {
    private Eventually() {
    }

    static void await(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what + "; last seen: " + lastSeen.get());
        }
    }
}
