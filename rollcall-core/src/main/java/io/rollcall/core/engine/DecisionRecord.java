package io.rollcall.core.engine;

import io.rollcall.core.Endpoint;
import java.util.List;
import java.util.Objects;

/**
 * One transition of a member as this node decided it, with the evidence it was decided on: the
 * answer to "why is this member failed here?". The engine keeps the last
 * {@link #RECORDS_PER_MEMBER} of each member it holds ({@link DecisionRecords}); each
 * is also published as a {@link DecisionRecorded} notification. Times are the engine clock's wall
 * time in milliseconds; durations are milliseconds.
 */
public sealed interface DecisionRecord {
    /**
     * Records kept per member, oldest dropped first: a suspicion's whole course (suspected, its
     * confirmations, the verdict) several times over.
     */
    int RECORDS_PER_MEMBER = 16;

    /** @return when this node made the decision (wall time, ms) */
    long atMillis();

    /** @return the member's incarnation the decision is about */
    long incarnation();

    /** @return how the claim behind the decision reached us */
    Via via();

    /** @return the address of the peer the claim came from; null if it was our own or came in a state exchange */
    Endpoint learnedFrom();

    /** How the claim behind a record reached us. */
    enum Via {
        /** Our own probe of the member failed. */
        OUR_PROBE,
        /** Our own suspicion of the member ran out of time. */
        OUR_SUSPICION_TIMEOUT,
        /** A peer's gossip (a datagram from {@code learnedFrom}). */
        GOSSIP,
        /** A peer's state list in a push/pull exchange. */
        STATE_EXCHANGE,
        /** We refuted an accusation of ourselves. */
        OUR_REFUTATION
    }

    /** What one indirect-probe helper answered. */
    enum HelperAnswer {
        /** The helper's nack came: it is up, and could not reach the target either. */
        NACK,
        /** The helper promised a nack and sent nothing: it, or our own link, may be the fault. */
        NO_ANSWER,
        /** The helper speaks a protocol without nacks, and no ack came through it. */
        NO_NACK_EXPECTED
    }

    /** How the direct part of a probe ended. */
    enum DirectResult {
        /** No ack within the probe's deadline. */
        NO_ACK,
        /** The target's host answered ICMP port unreachable: nothing listens there. */
        PORT_UNREACHABLE
    }

    /**
     * An indirect-probe helper we asked.
     *
     * @param name    its name
     * @param address its address
     * @param answer  what it answered
     */
    record Helper(String name, Endpoint address, HelperAnswer answer) {
        /** Validates the fields. */
        public Helper {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(answer, "answer");
        }
    }

    /**
     * What our own failed probe saw.
     *
     * @param startedAtMillis     when the ping went out (wall time, ms)
     * @param direct              how the direct ping ended
     * @param helpers             the indirect-probe helpers asked, in order; empty if none was
     * @param tcpFallbackTried    whether a TCP ping was tried (it got no ack, or there would be no record)
     * @param healthScore         our Lifeguard health score when the probe ended (0 is healthy)
     * @param probeDeadlineMillis how long the probe was given, stretched by that score
     */
    record ProbeEvidence(long startedAtMillis, DirectResult direct, List<Helper> helpers, boolean tcpFallbackTried,
                         int healthScore, long probeDeadlineMillis) {
        /** Validates the fields and copies the list. */
        public ProbeEvidence {
            Objects.requireNonNull(direct, "direct");
            helpers = List.copyOf(helpers);
        }
    }

    /**
     * The member was suspected here: by our probe, or from another member's accusation.
     *
     * @param atMillis              when
     * @param incarnation           the incarnation suspected
     * @param via                   {@link Via#OUR_PROBE}, {@link Via#GOSSIP} or {@link Via#STATE_EXCHANGE}
     * @param accuser               the accusing member's name (ours for our probe; may be empty if the
     *                              accuser did not say)
     * @param learnedFrom           the address the accusation came from; null for our probe or a state exchange
     * @param probe                 our probe's evidence; null unless {@code via} is {@link Via#OUR_PROBE}
     * @param timeoutMillis         the suspicion timeout chosen (Lifeguard starts at the maximum)
     * @param minTimeoutMillis      the floor that confirmations bring it down to
     * @param expectedConfirmations the independent confirmations that would bring it to the floor
     */
    record Suspected(long atMillis, long incarnation, Via via, String accuser, Endpoint learnedFrom,
                     ProbeEvidence probe, long timeoutMillis, long minTimeoutMillis, int expectedConfirmations)
            implements DecisionRecord {
        /** Validates the fields. */
        public Suspected {
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(accuser, "accuser");
        }
    }

    /**
     * Another member independently confirmed the open suspicion, and the timeout shrank.
     *
     * @param atMillis              when
     * @param incarnation           the incarnation suspected
     * @param via                   how the confirmation reached us ({@link Via#OUR_PROBE} if our own probe confirmed)
     * @param confirmer             the confirming member's name
     * @param learnedFrom           the address it came from; null for our probe or a state exchange
     * @param probe                 our probe's evidence if the confirmation is ours; null otherwise
     * @param confirmations         the independent confirmations counted so far, this one included
     * @param expectedConfirmations the confirmations that bring the timeout to its floor
     * @param timeoutMillis         the suspicion's timeout now (from its start)
     * @param previousTimeoutMillis its timeout before this confirmation
     */
    record Confirmed(long atMillis, long incarnation, Via via, String confirmer, Endpoint learnedFrom,
                     ProbeEvidence probe, int confirmations, int expectedConfirmations, long timeoutMillis,
                     long previousTimeoutMillis) implements DecisionRecord {
        /** Validates the fields. */
        public Confirmed {
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(confirmer, "confirmer");
        }
    }

    /**
     * The member was declared failed: here, when our suspicion of it ran out, or by another member.
     *
     * @param atMillis          when
     * @param incarnation       the incarnation declared failed
     * @param via               {@link Via#OUR_SUSPICION_TIMEOUT} or {@link Via#GOSSIP}
     * @param declaredBy        the declaring member's name (ours if declared here)
     * @param learnedFrom       the address the declaration came from; null if declared here
     * @param suspectedAtMillis when our suspicion started, if declared here; -1 otherwise
     * @param confirmations     the independent confirmations our suspicion had, if declared here; 0 otherwise
     * @param timeoutMillis     the timeout that ran out, if declared here; 0 otherwise
     */
    record Failed(long atMillis, long incarnation, Via via, String declaredBy, Endpoint learnedFrom,
                  long suspectedAtMillis, int confirmations, long timeoutMillis) implements DecisionRecord {
        /** Validates the fields. */
        public Failed {
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(declaredBy, "declaredBy");
        }
    }

    /**
     * The member outranked a suspicion with a higher incarnation (for our own entry: we did).
     *
     * @param atMillis      when
     * @param incarnation   the refuting incarnation
     * @param via           how the refutation reached us
     * @param learnedFrom   the address it came from; null for a state exchange or our own refutation
     * @param suspectedFor  how long the member had been suspected here, ms; 0 for our own refutation
     */
    record Refuted(long atMillis, long incarnation, Via via, Endpoint learnedFrom, long suspectedFor)
            implements DecisionRecord {
        /** Validates the fields. */
        public Refuted {
            Objects.requireNonNull(via, "via");
        }
    }

    /**
     * The member left gracefully.
     *
     * @param atMillis    when we learned it
     * @param incarnation its last incarnation
     * @param via         how the leave reached us
     * @param learnedFrom the address it came from; null for a state exchange
     */
    record Left(long atMillis, long incarnation, Via via, Endpoint learnedFrom) implements DecisionRecord {
        /** Validates the fields. */
        public Left {
            Objects.requireNonNull(via, "via");
        }
    }

    /**
     * A member we held failed or left is alive again (restarted, or refuted its death).
     *
     * @param atMillis      when
     * @param incarnation   its new incarnation
     * @param via           how its alive claim reached us
     * @param learnedFrom   the address the claim came from; null for a state exchange
     * @param address       its address now
     * @param wasLeft       true if we held it left, false if failed
     */
    record Rejoined(long atMillis, long incarnation, Via via, Endpoint learnedFrom, Endpoint address, boolean wasLeft)
            implements DecisionRecord {
        /** Validates the fields. */
        public Rejoined {
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(address, "address");
        }
    }
}
