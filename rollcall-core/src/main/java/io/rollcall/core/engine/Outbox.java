package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import io.rollcall.core.message.Message;
import java.util.List;

/**
 * Where the engine puts what it wants done. The engine never performs I/O, reads a clock or starts
 * a thread: it calls these methods, during the input call that caused them, and the driver (real
 * transport or simulator) carries them out. {@link CollectingOutbox} turns them into values.
 */
public interface Outbox {
    /**
     * Send one datagram carrying these messages (one message as is, several as a compound).
     *
     * @param to       destination
     * @param messages at most {@link io.rollcall.core.message.WireSizes#COMPOUND_MAX_PARTS} messages
     *                 that fit the packet budget together
     */
    void sendPacket(Endpoint to, List<Message> messages);

    /**
     * Send a probe's datagram (its ping, with whatever rides along). A driver that can learn that
     * nothing listens at {@code to} (an ICMP port unreachable answering this datagram) reports it
     * through {@link MembershipEngine#handleProbeUnreachable(long)}; one that cannot just sends it.
     *
     * @param seqNo    the probe's sequence number, to name it in the report
     * @param to       the probe's target
     * @param messages as for {@link #sendPacket}
     */
    default void sendProbe(long seqNo, Endpoint to, List<Message> messages) {
        sendPacket(to, messages);
    }

    /**
     * Probe {@code seqNo} has its outcome (acked, given up, or abandoned by a leave or stop): a
     * driver that watches the probe's own socket for an unreachable answer can stop watching. Sent
     * at most once per probe, and only for probes sent through {@link #sendProbe}.
     *
     * @param seqNo the probe's sequence number
     */
    default void probeEnded(long seqNo) {
    }

    /**
     * Open a stream, send one request and report the outcome back through
     * {@link MembershipEngine#handleStreamReply} or {@link MembershipEngine#handleStreamFailure}
     * (exactly one of them, within the configured stream timeout).
     *
     * @param requestId identifies the request in the outcome
     * @param to        destination
     * @param request   the request
     */
    void sendStream(long requestId, Endpoint to, Message request);

    /**
     * Fire {@code timer} once after {@code delayMillis}.
     *
     * @param timer       the timer value to pass back
     * @param delayMillis delay, 0 or more
     */
    void setTimer(Timer timer, long delayMillis);

    /**
     * The timer no longer matters. Drivers may ignore this: a stale timer is ignored by the engine.
     *
     * @param timer a timer previously set
     */
    void cancelTimer(Timer timer);

    /**
     * Our own incarnation or metadata is about to become {@code next}: store it durably now. Called
     * during the input that caused the change and before anything that carries it is queued, sent
     * or acknowledged, so a restarted node can always start above every incarnation it gossiped.
     * A driver that keeps nothing across restarts does nothing.
     *
     * @param next our state after the change
     * @throws SelfStateNotStoredException if it cannot be stored: the engine then does not make the
     *                                     change (a metadata update fails with this exception, a
     *                                     refutation is not made and is counted)
     */
    default void storeSelf(SelfState next) {
    }

    /**
     * Tell the owner something happened.
     *
     * @param notification the event or command outcome
     */
    void notify(Notification notification);
}
