package io.rollcall;

/**
 * Receives Serf's user events and queries ({@link Rollcall#setClusterEventListener}). Called on one
 * delivery thread of the node's own, in order, never on the protocol thread; a listener that falls
 * behind by more than {@value io.rollcall.Rollcall#CLUSTER_EVENT_QUEUE_CAPACITY} items loses the
 * newest, counted in {@link Health#dropped()} as {@code serf.delivery_queue_full}.
 */
public interface ClusterEventListener {
    /**
     * A user event, this node's own included, seen for the first time.
     *
     * @param event the event
     */
    default void onUserEvent(UserEvent event) {
    }

    /**
     * A query whose filters match this node. Not answering is allowed (the asker just gets no
     * answer from us); Serf's internal {@code _serf_} queries are answered by the node itself and
     * never arrive here.
     *
     * @param query the query
     */
    default void onQuery(IncomingQuery query) {
    }
}
