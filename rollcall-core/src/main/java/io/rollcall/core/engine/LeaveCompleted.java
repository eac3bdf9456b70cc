package io.rollcall.core.engine;

/**
 * The leave announcement has been sent (or the leave timed out); the node may now stop.
 *
 * @param timedOut true if the timeout ran out before the announcement was fully sent
 */
public record LeaveCompleted(boolean timedOut) implements Notification {
}
