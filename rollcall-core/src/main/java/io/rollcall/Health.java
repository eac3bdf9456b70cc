package io.rollcall;

import java.util.Map;

/**
 * A node's own health and traffic, for monitoring.
 *
 * @param score               Lifeguard's local health score: 0 is healthy; up to 7 when this node's own
 *                            probes keep failing (it is overloaded, paused or cut off), which makes it
 *                            wait longer before accusing others
 * @param probesSent          probes started
 * @param probesFailed        probes that ended in a suspicion
 * @param probesUnreachable   of those, probes that ended early because the target's host answered that
 *                            nothing listens at its port (ICMP port unreachable; docs/MODEL.md)
 * @param suspicionsRaised    members this node began to suspect
 * @param failuresDeclared    suspicions this node let expire into a failure
 * @param refutations         times this node refuted a suspicion or failure about itself
 * @param messagesIn          messages received, by memberlist message type
 * @param messagesOut         messages sent, by memberlist message type
 * @param bytesIn             bytes received
 * @param bytesOut            bytes sent
 * @param dropped             input dropped, by reason (malformed, hostile, over a limit, stale), counted
 *                            instead of failing
 * @param eventQueueDepth     work waiting for the protocol thread
 */
public record Health(int score, long probesSent, long probesFailed, long probesUnreachable, long suspicionsRaised, long failuresDeclared,
                     long refutations, Map<String, Long> messagesIn, Map<String, Long> messagesOut, long bytesIn,
                     long bytesOut, Map<String, Long> dropped, int eventQueueDepth) {
    /**
     * Copies the maps.
     *
     * @param score see the record component
     * @param probesSent see the record component
     * @param probesFailed see the record component
     * @param probesUnreachable see the record component
     * @param suspicionsRaised see the record component
     * @param failuresDeclared see the record component
     * @param refutations see the record component
     * @param messagesIn see the record component
     * @param messagesOut see the record component
     * @param bytesIn see the record component
     * @param bytesOut see the record component
     * @param dropped see the record component
     * @param eventQueueDepth see the record component
     */
    public Health {
        messagesIn = Map.copyOf(messagesIn);
        messagesOut = Map.copyOf(messagesOut);
        dropped = Map.copyOf(dropped);
    }
}
