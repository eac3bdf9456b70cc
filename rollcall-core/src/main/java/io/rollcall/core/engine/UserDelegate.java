package io.rollcall.core.engine;

import io.rollcall.core.Bytes;
import io.rollcall.core.Endpoint;

/**
 * The layer above the membership protocol (for Rollcall: Serf's semantics), as memberlist's
 * Delegate: it receives user messages, contributes to and merges state exchanges, and adds a user
 * message to our own direct join and leave announcements. It is called on the thread that owns the
 * engine, during the engine call that caused it, and must not block.
 */
public interface UserDelegate {
    /** A delegate that does nothing: plain memberlist membership. */
    UserDelegate NONE = new UserDelegate() {
    };

    /**
     * A user message arrived, in a datagram or on a stream.
     *
     * @param from    the sender's address
     * @param payload the message, without memberlist's type byte
     */
    default void onUserMessage(Endpoint from, Bytes payload) {
    }

    /**
     * @param join whether the exchange is part of a join
     * @return opaque state to send in a state exchange, or empty
     */
    default Bytes localState(boolean join) {
        return Bytes.EMPTY;
    }

    /**
     * A state exchange carried non-empty user state.
     *
     * @param state the peer's state
     * @param join  whether the exchange is part of a join
     */
    default void mergeRemoteState(Bytes state, boolean join) {
    }

    /**
     * @param leaving true for our leave announcement, false for our join announcement
     * @return a user message to send along with it to every member, or empty for none
     */
    default Bytes announcement(boolean leaving) {
        return Bytes.EMPTY;
    }
}
