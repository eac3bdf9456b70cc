package io.rollcall;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One transition of a member as this node decided it, with the evidence it was decided on: why it
 * was suspected (our probe's answers, or who accused it, from which address), how independent
 * confirmations shortened the suspicion's timeout, and whether the failure was declared here (the
 * suspicion ran out) or learned from another member. {@link Rollcall#history(String)} gives the last
 * {@link Rollcall#DECISIONS_PER_MEMBER} of a member, {@link Rollcall#subscribeDecisions} each one as
 * it is made, and {@link DecisionAccount} tells them as text. docs/MODEL.md (<i>Decision
 * records</i>) explains every field.
 */
public sealed interface Decision {

    /** @return when this node made the decision */
    Instant at();

    /** @return the member's incarnation the decision is about */
    long incarnation();

    /** @return how the claim behind the decision reached this node */
    Via via();

    /** @return the address of the member whose message carried the claim; null if it was ours or came in a state exchange */
    InetSocketAddress learnedFrom();

    /** @return one line saying what was decided and on what evidence, without the time */
    String summary();

    /** How the claim behind a decision reached this node. */
    enum Via {
        /** This node's own probe of the member failed. */
        OUR_PROBE,
        /** This node's own suspicion of the member ran out of time. */
        OUR_SUSPICION_TIMEOUT,
        /** Another member's gossip, in a datagram from {@link #learnedFrom()}. */
        GOSSIP,
        /** Another member's state list, in a push/pull state exchange. */
        STATE_EXCHANGE,
        /** This node refuted an accusation of itself. */
        OUR_REFUTATION
    }

    /** How the direct part of a failed probe ended. */
    enum DirectResult {
        /** No ack within the probe's deadline. */
        NO_ACK,
        /** The member's host answered ICMP port unreachable: nothing listens at its port. */
        PORT_UNREACHABLE
    }

    /** What one indirect-probe helper answered. */
    enum HelperAnswer {
        /** Its nack came: it is up, and could not reach the member either. */
        NACK,
        /** It promised a nack and sent nothing: the helper, or this node's own link, may be at fault. */
        NO_ANSWER,
        /** It speaks a protocol version without nacks, and no ack came through it. */
        NO_NACK_EXPECTED
    }

    /**
     * An indirect-probe helper this node asked.
     *
     * @param name    its name
     * @param address its address
     * @param answer  what it answered
     */
    record Helper(String name, InetSocketAddress address, HelperAnswer answer) {
        /**
         * Checks the values.
         *
         * @param name see the record component
         * @param address see the record component
         * @param answer see the record component
         */
        public Helper {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(answer, "answer");
        }
    }

    /**
     * What this node's own failed probe saw.
     *
     * @param startedAt        when the ping went out
     * @param direct           how the direct ping ended
     * @param helpers          the indirect-probe helpers asked, in order; empty if none was
     * @param tcpFallbackTried whether a TCP ping was tried too (it got no ack)
     * @param healthScore      this node's Lifeguard health score when the probe ended (0 is healthy;
     *                         a higher score stretches its probes and makes its own accusations wait)
     * @param probeDeadline    how long the probe was given, stretched by that score
     */
    record ProbeEvidence(Instant startedAt, DirectResult direct, List<Helper> helpers, boolean tcpFallbackTried,
                         int healthScore, Duration probeDeadline) {
        /**
         * Checks the values and copies the list.
         *
         * @param startedAt see the record component
         * @param direct see the record component
         * @param helpers see the record component
         * @param tcpFallbackTried see the record component
         * @param healthScore see the record component
         * @param probeDeadline see the record component
         */
        public ProbeEvidence {
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(direct, "direct");
            helpers = List.copyOf(helpers);
            Objects.requireNonNull(probeDeadline, "probeDeadline");
        }

        /** @return e.g. "no direct ack within 1.0 s, 3 indirect probes (n2 nack, n3 no answer, n4 no answer), TCP ping unanswered" */
        String describe() {
            StringBuilder b = new StringBuilder(direct == DirectResult.PORT_UNREACHABLE
                    ? "its port answered unreachable" : "no direct ack within " + DecisionAccount.seconds(probeDeadline));
            if (helpers.isEmpty()) {
                b.append(", no helper to probe through");
            } else {
                b.append(", ").append(helpers.size()).append(helpers.size() == 1 ? " indirect probe (" : " indirect probes (");
                for (int i = 0; i < helpers.size(); i++) {
                    Helper h = helpers.get(i);
                    b.append(i == 0 ? "" : ", ").append(h.name()).append(' ').append(switch (h.answer()) {
                        case NACK -> "nack";
                        case NO_ANSWER -> "no answer";
                        case NO_NACK_EXPECTED -> "no ack";
                    });
                }
                b.append(')');
            }
            if (tcpFallbackTried) {
                b.append(", TCP ping unanswered");
            }
            return b.append("; our health score ").append(healthScore).toString();
        }
    }

    /**
     * The member was suspected here: by this node's probe, or on another member's accusation.
     *
     * @param at                    when
     * @param incarnation           the incarnation suspected
     * @param via                   {@link Via#OUR_PROBE}, {@link Via#GOSSIP} or {@link Via#STATE_EXCHANGE}
     * @param accuser               the accusing member (this node's name for its own probe; empty if
     *                              the accuser did not say)
     * @param learnedFrom           where the accusation came from; null for our probe or a state exchange
     * @param probe                 our probe's evidence; null unless {@code via} is {@link Via#OUR_PROBE}
     * @param timeout               the suspicion timeout chosen: Lifeguard starts at the ceiling
     * @param minTimeout            the floor that independent confirmations bring it down to
     * @param expectedConfirmations the confirmations that bring it to the floor
     */
    record Suspected(Instant at, long incarnation, Via via, String accuser, InetSocketAddress learnedFrom,
                     ProbeEvidence probe, Duration timeout, Duration minTimeout, int expectedConfirmations)
            implements Decision {
        /**
         * Checks the values.
         *
         * @param at see the record component
         * @param incarnation see the record component
         * @param via see the record component
         * @param accuser see the record component
         * @param learnedFrom see the record component
         * @param probe see the record component
         * @param timeout see the record component
         * @param minTimeout see the record component
         * @param expectedConfirmations see the record component
         */
        public Suspected {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(accuser, "accuser");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(minTimeout, "minTimeout");
        }

        @Override
        public String summary() {
            String why = switch (via) {
                case OUR_PROBE -> "suspected by us: " + probe.describe();
                case STATE_EXCHANGE -> "suspected in a state exchange (the peer held it suspect or failed)";
                default -> "suspected by " + DecisionAccount.who(accuser) + DecisionAccount.toldBy(learnedFrom);
            };
            return why + "; timeout " + DecisionAccount.seconds(timeout) + ", down to "
                    + DecisionAccount.seconds(minTimeout) + " with " + DecisionAccount.count(expectedConfirmations, "confirmation");
        }
    }

    /**
     * Another member (or this node's own probe) independently confirmed the open suspicion, and its
     * timeout shrank.
     *
     * @param at                    when
     * @param incarnation           the incarnation suspected
     * @param via                   how the confirmation reached us
     * @param confirmer             the confirming member
     * @param learnedFrom           where it came from; null for our probe or a state exchange
     * @param probe                 our probe's evidence if the confirmation is ours; null otherwise
     * @param confirmations         the independent confirmations so far, this one included
     * @param expectedConfirmations the confirmations that bring the timeout to its floor
     * @param timeout               the suspicion's timeout now, from its start
     * @param previousTimeout       its timeout before this confirmation
     */
    record Confirmed(Instant at, long incarnation, Via via, String confirmer, InetSocketAddress learnedFrom,
                     ProbeEvidence probe, int confirmations, int expectedConfirmations, Duration timeout,
                     Duration previousTimeout) implements Decision {
        /**
         * Checks the values.
         *
         * @param at see the record component
         * @param incarnation see the record component
         * @param via see the record component
         * @param confirmer see the record component
         * @param learnedFrom see the record component
         * @param probe see the record component
         * @param confirmations see the record component
         * @param expectedConfirmations see the record component
         * @param timeout see the record component
         * @param previousTimeout see the record component
         */
        public Confirmed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(confirmer, "confirmer");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(previousTimeout, "previousTimeout");
        }

        @Override
        public String summary() {
            String by = via == Via.OUR_PROBE ? "us: " + probe.describe()
                    : DecisionAccount.who(confirmer) + DecisionAccount.toldBy(learnedFrom);
            return "confirmed (" + confirmations + " of " + expectedConfirmations + ") by " + by + "; timeout "
                    + DecisionAccount.seconds(previousTimeout) + " -> " + DecisionAccount.seconds(timeout);
        }
    }

    /**
     * The member was declared failed: here, when this node's suspicion of it ran out, or by another member.
     *
     * @param at            when
     * @param incarnation   the incarnation declared failed
     * @param via           {@link Via#OUR_SUSPICION_TIMEOUT} or {@link Via#GOSSIP}
     * @param declaredBy    the declaring member (this node's name if declared here)
     * @param learnedFrom   where the declaration came from; null if declared here
     * @param suspectedAt   when our suspicion started, if declared here; null otherwise
     * @param confirmations the independent confirmations our suspicion had, if declared here; 0 otherwise
     * @param timeout       the timeout that ran out, if declared here; {@link Duration#ZERO} otherwise
     */
    record Failed(Instant at, long incarnation, Via via, String declaredBy, InetSocketAddress learnedFrom,
                  Instant suspectedAt, int confirmations, Duration timeout) implements Decision {
        /**
         * Checks the values.
         *
         * @param at see the record component
         * @param incarnation see the record component
         * @param via see the record component
         * @param declaredBy see the record component
         * @param learnedFrom see the record component
         * @param suspectedAt see the record component
         * @param confirmations see the record component
         * @param timeout see the record component
         */
        public Failed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(declaredBy, "declaredBy");
            Objects.requireNonNull(timeout, "timeout");
        }

        /** @return true if this node declared it, when its own suspicion ran out */
        public boolean declaredHere() {
            return via == Via.OUR_SUSPICION_TIMEOUT;
        }

        @Override
        public String summary() {
            if (declaredHere()) {
                return "declared failed here: the suspicion from " + DecisionAccount.time(suspectedAt) + " ran its "
                        + DecisionAccount.seconds(timeout) + " timeout with " + DecisionAccount.count(confirmations, "confirmation");
            }
            return "declared failed by " + DecisionAccount.who(declaredBy) + DecisionAccount.toldBy(learnedFrom);
        }
    }

    /**
     * The member outranked a suspicion of it with a higher incarnation (on this node's own entry:
     * this node refuted an accusation of itself).
     *
     * @param at           when
     * @param incarnation  the refuting incarnation
     * @param via          how the refutation reached us
     * @param learnedFrom  where it came from; null for a state exchange or our own refutation
     * @param suspectedFor how long the member had been suspected here; zero for our own refutation
     */
    record Refuted(Instant at, long incarnation, Via via, InetSocketAddress learnedFrom, Duration suspectedFor)
            implements Decision {
        /**
         * Checks the values.
         *
         * @param at see the record component
         * @param incarnation see the record component
         * @param via see the record component
         * @param learnedFrom see the record component
         * @param suspectedFor see the record component
         */
        public Refuted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(suspectedFor, "suspectedFor");
        }

        @Override
        public String summary() {
            if (via == Via.OUR_REFUTATION) {
                return "we refuted an accusation of ourselves, now at incarnation " + incarnation;
            }
            return "refuted the suspicion at incarnation " + incarnation + " after " + DecisionAccount.seconds(suspectedFor)
                    + " suspected" + DecisionAccount.toldBy(learnedFrom);
        }
    }

    /**
     * The member left gracefully.
     *
     * @param at          when this node learned it
     * @param incarnation its last incarnation
     * @param via         how the leave reached us
     * @param learnedFrom where it came from; null for a state exchange
     */
    record Left(Instant at, long incarnation, Via via, InetSocketAddress learnedFrom) implements Decision {
        /**
         * Checks the values.
         *
         * @param at see the record component
         * @param incarnation see the record component
         * @param via see the record component
         * @param learnedFrom see the record component
         */
        public Left {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(via, "via");
        }

        @Override
        public String summary() {
            return "left at incarnation " + incarnation + DecisionAccount.toldBy(learnedFrom);
        }
    }

    /**
     * A member this node held failed or left is alive again (it restarted, or refuted its death).
     *
     * @param at          when
     * @param incarnation its new incarnation
     * @param via         how its alive claim reached us
     * @param learnedFrom where the claim came from; null for a state exchange
     * @param address     its address now
     * @param wasLeft     true if this node held it left, false if failed
     */
    record Rejoined(Instant at, long incarnation, Via via, InetSocketAddress learnedFrom, InetSocketAddress address,
                    boolean wasLeft) implements Decision {
        /**
         * Checks the values.
         *
         * @param at see the record component
         * @param incarnation see the record component
         * @param via see the record component
         * @param learnedFrom see the record component
         * @param address see the record component
         * @param wasLeft see the record component
         */
        public Rejoined {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String summary() {
            return "alive again at incarnation " + incarnation + " at " + DecisionAccount.address(address)
                    + " after being " + (wasLeft ? "left" : "failed") + DecisionAccount.toldBy(learnedFrom);
        }
    }
}
