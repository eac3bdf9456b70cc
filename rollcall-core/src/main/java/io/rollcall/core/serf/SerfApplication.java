package io.rollcall.core.serf;

import io.rollcall.core.message.SerfMessage;

/**
 * Where Serf's user events and queries go once {@link SerfSemantics} has admitted them (new, not
 * too old, matching our filters). Called on the protocol thread: an implementation hands the work
 * to a bounded queue and returns at once.
 */
public interface SerfApplication {
    /** Drops everything: a node nobody listens on. */
    SerfApplication NONE = new SerfApplication() {
    };

    /**
     * A user event, ours included, seen for the first time.
     *
     * @param event the event
     */
    default void userEvent(SerfMessage.UserEvent event) {
    }

    /**
     * A user query (not one of Serf's internal {@code _serf_} queries) this node should answer.
     * Answer through {@link SerfSemantics#respond}.
     *
     * @param query the query, with the local time after which an answer is refused
     */
    default void query(ReceivedQuery query) {
    }

    /**
     * A query as it reached us.
     *
     * @param query          the query
     * @param deadlineMillis the protocol clock's time after which it may no longer be answered
     */
    record ReceivedQuery(SerfMessage.Query query, long deadlineMillis) {
    }
}
