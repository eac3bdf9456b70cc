package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.message.Dead;

/**
 * Our voluntary departure: the announcement that every other node will mark us LEFT by, queued for
 * gossip and sent to every live member directly, and the moment it has gone out its full number of
 * times, after which the propagation delay runs before the leave completes. The engine owns the
 * phase; this part owns what the leave waits for.
 */
final class Departure extends EnginePart {
    private final Dissemination dissemination;
    private BroadcastQueue.Item announcement;
    private boolean propagationStarted;

    Departure(EngineContext context, Dissemination dissemination) {
        super(context);
        this.dissemination = dissemination;
    }

    /**
     * Queues and sends our departure; the engine is already LEAVING.
     *
     * @return whether any live member was left to tell (if none, the leave is complete at once)
     */
    boolean announce(Dead departure, Bytes userMessage) {
        boolean anyoneToTell = table.liveCount() > 0;
        announcement = dissemination.enqueue(self.name, departure);
        if (dissemination.announceDirectly(departure, userMessage)) {
            checkProgress();
        }
        return anyoneToTell;
    }

    /** Once the announcement has gone out in full, starts the propagation delay (once). */
    void checkProgress() {
        if (!propagationStarted && announcement != null && !dissemination.isQueued(announcement)
                && !dissemination.announcementsPending()) {
            propagationStarted = true;
            out.setTimer(new Timer.LeavePropagated(), config.leavePropagateDelayMillis());
        }
    }
}
