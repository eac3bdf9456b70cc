package io.rollcall.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The core tests' one way to wait for a condition (Awaitility underneath). The bound only ends a wait
 * that would fail anyway: it is no timing assertion. A failure says what was awaited and what was
 * last seen.
 */
public final class Eventually {
    private Eventually() {
    }

    /**
     * @param what          what is awaited, for the failure message
     * @param timeoutMillis how long to poll before failing
     * @param condition     polled every 20 ms until it holds
     * @param lastSeen      what the failure message shows of the state
     */
    public static void await(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> lastSeen) {
        try {
            Awaitility.await(what)
                    .atMost(Duration.ofMillis(timeoutMillis))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what
                    + "; last seen: " + lastSeen.get(), e);
        }
    }

    /** As {@link #await(String, long, BooleanSupplier, Supplier)}, with nothing to show but the condition's name. */
    public static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        await(what, timeoutMillis, condition, () -> "(not recorded)");
    }
}
