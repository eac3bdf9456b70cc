package io.rollcall.agent;

import io.rollcall.UserEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serf's user-event coalescing, as the Serf agent configures it (3 s coalesce period, 1 s quiescent
 * period): events that allow it are held; per name only those of the newest Lamport time are kept;
 * all are released {@value #COALESCE_MILLIS} ms after the first was held, or {@value #QUIESCENT_MILLIS}
 * ms after the last, whichever comes first. Times are given, so the rule is tested without waiting.
 * Bounded: at most {@value #MAX_NAMES} names and {@value #MAX_PER_NAME} events per name are held;
 * more are released at once rather than held.
 */
final class UserEventCoalescer {
    /** Serf agent's UserCoalescePeriod. */
    static final long COALESCE_MILLIS = 3_000;
    /** Serf agent's UserQuiescentPeriod. */
    static final long QUIESCENT_MILLIS = 1_000;
    /** Most distinct event names held at once. */
    static final int MAX_NAMES = 1_024;
    /** Most events of one name and time held. */
    static final int MAX_PER_NAME = 64;

    private final Map<String, List<UserEvent>> latest = new LinkedHashMap<>();
    private long firstHeldMillis = -1;
    private long lastHeldMillis = -1;

    /**
     * @param e   an event that allows coalescing
     * @param now the current time
     * @return false if it could not be held (the caller runs it at once)
     */
    boolean hold(UserEvent e, long now) {
        List<UserEvent> held = latest.get(e.name());
        if (held == null) {
            if (latest.size() >= MAX_NAMES) {
                return false;
            }
            held = new ArrayList<>();
            latest.put(e.name(), held);
        } else if (Long.compareUnsigned(held.get(0).lamportTime(), e.lamportTime()) < 0) {
            held.clear();
        } else if (held.get(0).lamportTime() != e.lamportTime()) {
            // Older than what is held for this name: coalesced away, as Serf does.
            touch(now);
            return true;
        }
        if (held.size() >= MAX_PER_NAME) {
            return false;
        }
        held.add(e);
        touch(now);
        return true;
    }

    private void touch(long now) {
        if (firstHeldMillis < 0) {
            firstHeldMillis = now;
        }
        lastHeldMillis = now;
    }

    /** @return ms until the held events are due, or -1 if none are held */
    long millisUntilDue(long now) {
        if (firstHeldMillis < 0) {
            return -1;
        }
        long due = Math.min(firstHeldMillis + COALESCE_MILLIS, lastHeldMillis + QUIESCENT_MILLIS);
        return Math.max(0, due - now);
    }

    /** @return the held events if they are due (and forgets them), else nothing */
    List<UserEvent> releaseIfDue(long now) {
        if (firstHeldMillis < 0 || millisUntilDue(now) > 0) {
            return List.of();
        }
        List<UserEvent> out = new ArrayList<>();
        latest.values().forEach(out::addAll);
        latest.clear();
        firstHeldMillis = -1;
        lastHeldMillis = -1;
        return out;
    }
}
