package io.rollcall.core.engine;

import io.rollcall.core.MemberState;
import io.rollcall.core.message.Dead;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Lifeguard's suspicion rules in one place.
 * <ul>
 *   <li>Suspicion of others: every open {@link Suspicion}, its timeout (scaled to the cluster size by
 *       {@link Timeouts}, starting at the maximum), the independent confirmations that bring it down
 *       toward the minimum, and the suspect-to-dead verdict when it runs out, sent directly to every
 *       member in a cluster small enough.</li>
 *   <li>Refutation of accusations about ourselves: outranking them with a higher incarnation, stored
 *       before it is gossiped, paced to one refutation per interval ({@link IncarnationRule}), each
 *       counted against our own health ({@link Awareness}).</li>
 *   <li>The incarnation jump bound: claims that move an incarnation further than one peer may.</li>
 * </ul>
 * Which claim leads to a suspicion or a refutation is decided by the gossip rules
 * ({@link GossipRules}); this class keeps the state those rules leave behind.
 */
final class Suspicions extends EnginePart {

    private final Dissemination dissemination;
    private final Awareness awareness;
    private final DecisionRecords records;
    private final Isolation isolation;
    /** Whether the engine is running: only a running node refutes and sends verdicts directly. */
    private final BooleanSupplier running;

    private final Map<String, Suspicion> open = new HashMap<>();
    /** Tells a suspicion's timer from an earlier suspicion's of the same member. */
    private long nextToken = 1;
    /** A refutation waits to be sent to every member directly ({@link #sendRefutationDirectly}). */
    private boolean directRefutationPending;
    private long nextDirectRefutationMillis = Long.MIN_VALUE;
    /** Earliest time our next refutation may go out ({@link IncarnationRule}). */
    private long nextRefutationMillis = Long.MIN_VALUE;
    /** Highest accusation about us waiting for that time; -1 if none. */
    private long deferredAccusation = -1;

    Suspicions(EngineContext context, Dissemination dissemination, Awareness awareness, DecisionRecords records,
               Isolation isolation, BooleanSupplier running) {
        super(context);
        this.dissemination = dissemination;
        this.awareness = awareness;
        this.records = records;
        this.isolation = isolation;
        this.running = running;
    }

    // ------------------------------------------------------------------ suspicion of others

    /**
     * Our failure verdict on a member whose suspicion ran out.
     *
     * @param dead              the verdict
     * @param suspectedAtMillis when the suspicion started (engine clock)
     * @param confirmations     the independent confirmations it had
     * @param timeoutMillis     the timeout that ran out
     */
    record Verdict(Dead dead, long suspectedAtMillis, int confirmations, long timeoutMillis) {
    }

    /**
     * Opens a suspicion of {@code entry}, just marked suspect at its current incarnation, raised by {@code accuser}.
     *
     * @return the suspicion, for its record
     */
    Suspicion start(MemberEntry entry, String accuser) {
        int n = table.liveCount();
        // Never below 0: a suspicionMult of 1 expects no confirmations (it counted none before either).
        int expected = Math.max(0, config.suspicionMult() - 2);
        if (n - 2 < expected) {
            // Too few members to ever collect the confirmations: use the minimum timeout from the start.
            expected = 0;
        }
        long min = Timeouts.suspicionMinMillis(config.suspicionMult(), n, config.probeIntervalMillis());
        long max = config.suspicionMaxTimeoutMult() * min;
        long now = clock.nowMillis();
        Suspicion suspicion = new Suspicion(entry.incarnation, accuser, expected, min, max, now, nextToken++);
        open.put(entry.name, suspicion);
        out.setTimer(new Timer.SuspicionTimeout(entry.name, suspicion.token()), suspicion.deadlineMillis() - now);
        return suspicion;
    }

    /** @return the open suspicion of {@code entry}, or null */
    Suspicion of(MemberEntry entry) {
        return open.get(entry.name);
    }

    /**
     * Counts another member's accusation of {@code entry} at the incarnation suspected, and brings
     * the timeout forward if it is a new, independent one.
     *
     * @return true if it was: the accusation is then worth gossiping on
     */
    boolean confirm(MemberEntry entry, String accuser) {
        Suspicion suspicion = open.get(entry.name);
        if (suspicion == null || !suspicion.confirm(accuser)) {
            return false;
        }
        out.setTimer(new Timer.SuspicionTimeout(entry.name, suspicion.token()),
                Math.max(0, suspicion.deadlineMillis() - clock.nowMillis()));
        return true;
    }

    /** Closes any suspicion of {@code entry}: it changed state or incarnation, or is removed. */
    void end(MemberEntry entry) {
        Suspicion suspicion = open.remove(entry.name);
        if (suspicion != null) {
            out.cancelTimer(new Timer.SuspicionTimeout(entry.name, suspicion.token()));
        }
    }

    /**
     * A suspicion's timer fired. One that fires before the deadline (confirmations came, then the
     * timer was set again) is set again for the rest.
     *
     * @return our failure verdict, counted, if the member is still suspected at the incarnation it
     *         was suspected at once the timeout has run out; null otherwise
     */
    Verdict expire(String node, long token) {
        Suspicion suspicion = open.get(node);
        if (suspicion == null || suspicion.token() != token) {
            return null;
        }
        long now = clock.nowMillis();
        if (now < suspicion.deadlineMillis()) {
            out.setTimer(new Timer.SuspicionTimeout(node, token), suspicion.deadlineMillis() - now);
            return null;
        }
        open.remove(node);
        MemberEntry entry = table.get(node);
        if (entry == null || entry.state != MemberState.SUSPECT || entry.incarnation != suspicion.incarnation()) {
            return null;
        }
        counters.deathsDeclared++;
        return new Verdict(new Dead(entry.incarnation, node, self.name), suspicion.startMillis(),
                suspicion.confirmations(), suspicion.timeoutMillis());
    }

    /**
     * Sends our own failure verdict at once to every live member, and to the accused, on top of the
     * epidemic: in a cluster that one gossip interval's direct-send budget covers
     * ({@link Dissemination#MAX_DIRECT_ANNOUNCEMENTS_PER_GOSSIP_INTERVAL}), that is at most that
     * many packets, and every member learns of the failure within one network delay instead of a few
     * gossip rounds. A member wrongly declared learns of it just as fast, and refutes. Larger
     * clusters rely on gossip, as memberlist does.
     */
    void sendVerdictDirectly(Dead verdict, MemberEntry accused) {
        if (!running.getAsBoolean() || !dissemination.directSendsCoverTheCluster()) {
            return;
        }
        dissemination.sendToEveryLiveMember(List.of(verdict), accused);
    }

    // ------------------------------------------------------------------ refutation

    /** Outranks an accusation of us at {@code accusedIncarnation}, now or when the pace allows. */
    void refute(long accusedIncarnation) {
        long now = clock.nowMillis();
        if (now < nextRefutationMillis || isolation.holding()) {
            // Paced (IncarnationRule): answered by one refutation when the interval ends. Or held while our
            // own ingress looks broken (Isolation): answered once the hold is over.
            if (isolation.holding()) {
                counters.refutationsHeld++;
            }
            deferredAccusation = Math.max(deferredAccusation, accusedIncarnation);
            return;
        }
        long incarnation = IncarnationRule.next(Math.max(self.incarnation, accusedIncarnation));
        try {
            out.storeSelf(new SelfState(incarnation, self.meta));
        } catch (SelfStateNotStoredException e) {
            // An incarnation we gossiped but could not remember would put our next life below the
            // cluster's memory of this one; the driver's store keeps a block reserved ahead so that
            // this happens only after that block is used up with the disk still failing.
            counters.drop(DropReason.SELF_STATE_NOT_STORED);
            deferredAccusation = -1; // refused, not retried every round: the accusation is gossiped again
            return;
        }
        nextRefutationMillis = now + IncarnationRule.refutationIntervalMillis(config);
        deferredAccusation = -1;
        self.incarnation = incarnation;
        awareness.apply(1);
        counters.refutations++;
        dissemination.enqueue(self.name, self.aliveClaim());
        directRefutationPending = true;
        sendRefutationDirectly();
        out.notify(new SelfRefuted(self.snapshot()));
        records.record(self, new DecisionRecord.Refuted(clock.wallMillis(), incarnation,
                DecisionRecord.Via.OUR_REFUTATION, null, 0));
    }

    /** Each gossip round: the deferred refutation and the paced direct sends, once they are due. */
    void onGossipRound() {
        refuteDeferred();
        sendRefutationDirectly();
    }

    /** Refutes the accusations that arrived while refutations were paced, once the pace allows. */
    private void refuteDeferred() {
        if (deferredAccusation < 0 || clock.nowMillis() < nextRefutationMillis || isolation.holding()) {
            return;
        }
        if (deferredAccusation < self.incarnation || !running.getAsBoolean()) {
            deferredAccusation = -1; // already out-numbered, by a metadata update for instance
            return;
        }
        refute(deferredAccusation);
    }

    /**
     * Sends our latest refutation to every live member directly, on top of the epidemic, in a cluster
     * that one gossip interval's direct-send budget covers. Every node holding the suspicion then
     * hears the refutation one network delay later instead of after several gossip hops. Hops are
     * slow exactly when suspicions are many: 64 agents starting on two cores took up to 6.6 s to
     * spread a refutation to the last node, against a minimum suspicion timeout of 7.2 s at that
     * size, and one missed refutation is a false failure. At most once per probe interval, so that a
     * stream of accusations cannot make us flood the cluster; a refutation made in between goes out
     * at the first gossip round after the interval.
     */
    private void sendRefutationDirectly() {
        if (!directRefutationPending || !running.getAsBoolean()) {
            return;
        }
        if (!dissemination.directSendsCoverTheCluster()) {
            directRefutationPending = false;
            return;
        }
        long now = clock.nowMillis();
        if (now < nextDirectRefutationMillis) {
            return;
        }
        directRefutationPending = false;
        nextDirectRefutationMillis = now + config.probeIntervalMillis();
        dissemination.sendToEveryLiveMember(List.of(self.aliveClaim()), null);
    }

    // ------------------------------------------------------------------ incarnation jump bound

    /**
     * @return true, counted, if the claim is further above what we hold than {@link IncarnationRule}
     *         allows; about ourselves, if our refutation (one above the claim) would be, since every
     *         peer judges that refutation against what it holds of us
     */
    boolean jumpsTooFar(MemberEntry entry, long claimed) {
        boolean tooFar = entry == self ? IncarnationRule.jumpsTooFar(self.incarnation, IncarnationRule.next(claimed))
                : IncarnationRule.jumpsTooFar(entry.incarnation, claimed);
        if (tooFar) {
            counters.drop(DropReason.INCARNATION_JUMP);
        }
        return tooFar;
    }
}
