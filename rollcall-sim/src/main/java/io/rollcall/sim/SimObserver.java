package io.rollcall.sim;

import io.rollcall.core.engine.Notification;

/** Receives every notification every simulated engine publishes, in virtual-time order. */
@FunctionalInterface
public interface SimObserver {
    /**
     * @param timeMillis   virtual time
     * @param node         the node whose engine published it
     * @param notification what it published
     */
    void onNotification(long timeMillis, SimNode node, Notification notification);
}
