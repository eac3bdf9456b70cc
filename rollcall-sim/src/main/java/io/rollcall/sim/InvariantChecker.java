package io.rollcall.sim;

import io.rollcall.core.Member;
import io.rollcall.core.engine.DecisionRecord;
import io.rollcall.core.engine.DecisionRecorded;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import io.rollcall.core.engine.Timeouts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks, on every event of every node as it happens, the rules the model promises:
 * <ul>
 *   <li>no node declares DEAD a member that was never crashed, paused, slowed or partitioned
 *       (a false failure);</li>
 *   <li>no node declares DEAD a member that left voluntarily;</li>
 *   <li>the incarnation a node holds for a member never decreases (until the member is removed);</li>
 *   <li>every failure declaration comes with its decision record, and a failure declared here has a
 *       suspicion behind it, recorded at the same incarnation, that ran its full timeout: the timeout
 *       between the floor and the ceiling the suspicion started with, as many confirmations recorded as
 *       it counted, never more than it expected (docs/MODEL.md, <i>Decision records</i>);</li>
 *   <li>a node in its isolation hold (its own probes failed with every nack missing) refutes nothing
 *       (docs/MODEL.md, <i>Isolation hold</i>).</li>
 * </ul>
 * Violations are collected with their virtual time, observer and subject, not thrown, so a run
 * reports all of them along with its seed.
 */
public final class InvariantChecker implements SimObserver {
    private static final int MAX_RECORDED = 50;

    private final Map<String, SimNode> byName = new HashMap<>();
    private final Set<String> departed = new HashSet<>();
    private final List<Map<String, Long>> incarnations = new ArrayList<>();
    private final boolean trackIncarnations;
    private boolean falseFailuresMeasured;
    private final List<String> violations = new ArrayList<>();
    private long falseFailures;
    private long failuresAfterLeave;
    private long incarnationRegressions;
    private long unexplainedFailures;
    private long isolationBreaches;
    private long violationCount;
    /** Per observer, the member it just declared failed, until that declaration's record arrives. */
    private final Map<SimNode, String> awaitingRecord = new HashMap<>();

    /**
     * @param sim               the simulation whose nodes to know
     * @param trackIncarnations check incarnation monotonicity (memory grows with N squared)
     */
    public InvariantChecker(Simulation sim, boolean trackIncarnations) {
        for (SimNode n : sim.nodes()) {
            byName.put(n.name(), n);
        }
        this.trackIncarnations = trackIncarnations;
    }

    /**
     * For a scenario whose subject is how many healthy members are wrongly failed (the {@code slow}
     * scenario's comparison with plain SWIM): false failures are still counted, but no longer
     * recorded as violations. Every other rule stays a violation.
     */
    public void measureFalseFailures() {
        falseFailuresMeasured = true;
    }

    /** @param name a node that is leaving voluntarily; it must never be declared DEAD from now on */
    public void markDeparted(String name) {
        departed.add(name);
    }

    @Override
    public void onNotification(long timeMillis, SimNode node, Notification notification) {
        String awaited = awaitingRecord.remove(node);
        if (notification instanceof DecisionRecorded recorded) {
            if (awaited != null && !(awaited.equals(recorded.member()) && recorded.record() instanceof DecisionRecord.Failed)) {
                unexplained(timeMillis, node.name() + " declared " + awaited + " failed without recording why");
            }
            if (recorded.record() instanceof DecisionRecord.Failed failed
                    && failed.via() == DecisionRecord.Via.OUR_SUSPICION_TIMEOUT) {
                checkDeclaredHere(timeMillis, node, recorded.member(), failed);
            }
            DecisionRecord.Via via = recorded.record().via();
            if (via == DecisionRecord.Via.OUR_REFUTATION && node.engine().isolationHold()) {
                isolationBreaches++;
                violation(timeMillis, node.name() + " refuted an accusation of itself during its isolation hold");
            }
            return;
        }
        if (awaited != null) {
            unexplained(timeMillis, node.name() + " declared " + awaited + " failed without recording why");
        }
        if (!(notification instanceof MembershipEvent event)) {
            return;
        }
        if (event instanceof MembershipEvent.Failed) {
            awaitingRecord.put(node, event.member().name());
        }
        Member member = event.member();
        if (event instanceof MembershipEvent.Failed) {
            SimNode subject = byName.get(member.name());
            if (departed.contains(member.name())) {
                failuresAfterLeave++;
                violation(timeMillis, node.name() + " declared " + member.name() + " failed, but it left voluntarily");
            } else if (subject != null && !subject.everFaulted()) {
                falseFailures++;
                if (!falseFailuresMeasured) {
                    violation(timeMillis, node.name() + " declared " + member.name()
                            + " failed, but it was never crashed, paused, slowed or partitioned");
                }
            }
        }
        if (trackIncarnations) {
            while (incarnations.size() <= node.index()) {
                incarnations.add(new HashMap<>());
            }
            Map<String, Long> seen = incarnations.get(node.index());
            if (event instanceof MembershipEvent.Removed) {
                seen.remove(member.name());
            } else if (event instanceof MembershipEvent.Joined && member.name().equals(node.name())) {
                // A node's own start: a new life may begin below its predecessor; others' views check that.
                seen.put(member.name(), member.incarnation());
            } else {
                Long last = seen.put(member.name(), member.incarnation());
                if (last != null && member.incarnation() < last) {
                    incarnationRegressions++;
                    violation(timeMillis, node.name() + " lowered its incarnation for " + member.name() + " from "
                            + last + " to " + member.incarnation());
                }
            }
        }
    }

    /**
     * A failure declared here must have a suspicion behind it at the same incarnation that ran out:
     * the last suspicion recorded before the verdict, whose confirmations since are the ones counted.
     */
    private void checkDeclaredHere(long timeMillis, SimNode node, String member, DecisionRecord.Failed failed) {
        List<DecisionRecord> records = node.engine().decisionRecords(member);
        DecisionRecord.Suspected suspected = null;
        int confirmations = 0;
        for (DecisionRecord r : records) {
            if (r instanceof DecisionRecord.Suspected s && s.incarnation() == failed.incarnation()) {
                suspected = s;
                confirmations = 0;
            } else if (r instanceof DecisionRecord.Confirmed c && suspected != null && c.incarnation() == failed.incarnation()) {
                confirmations++;
            }
        }
        String who = node.name() + " declared " + member + " failed at incarnation " + failed.incarnation();
        if (suspected == null) {
            unexplained(timeMillis, who + " with no suspicion of it recorded at that incarnation");
            return;
        }
        long ran = failed.atMillis() - suspected.atMillis();
        if (failed.suspectedAtMillis() != suspected.atMillis() || ran < failed.timeoutMillis()
                || failed.timeoutMillis() < suspected.minTimeoutMillis()
                || failed.timeoutMillis() > suspected.timeoutMillis()
                || failed.confirmations() > suspected.expectedConfirmations()
                || failed.confirmations() != confirmations
                || failed.timeoutMillis() != Timeouts.suspicionTimeoutMillis(failed.confirmations(),
                        suspected.expectedConfirmations(), suspected.minTimeoutMillis(), suspected.timeoutMillis())) {
            unexplained(timeMillis, who + " inconsistently: suspected at " + suspected.atMillis() + " (recorded "
                    + failed.suspectedAtMillis() + "), ran " + ran + " ms of a " + failed.timeoutMillis()
                    + " ms timeout (floor " + suspected.minTimeoutMillis() + ", ceiling " + suspected.timeoutMillis()
                    + "), " + failed.confirmations() + " confirmations counted, " + confirmations + " recorded, "
                    + suspected.expectedConfirmations() + " expected");
        }
    }

    private void unexplained(long timeMillis, String text) {
        unexplainedFailures++;
        violation(timeMillis, text);
    }

    private void violation(long timeMillis, String text) {
        violationCount++;
        if (violations.size() < MAX_RECORDED) {
            violations.add(String.format("t=%.3fs %s", timeMillis / 1000.0, text));
        }
    }

    /** @return failure declarations about members that never faulted */
    public long falseFailures() {
        return falseFailures;
    }

    /** @return failure declarations about members that had left voluntarily */
    public long failuresAfterLeave() {
        return failuresAfterLeave;
    }

    /** @return times an observer's incarnation for a member went down */
    public long incarnationRegressions() {
        return incarnationRegressions;
    }

    /** @return failure declarations without a record, or with one the suspicion rules do not explain */
    public long unexplainedFailures() {
        return unexplainedFailures;
    }

    /** @return refutations a node made during its own isolation hold */
    public long isolationBreaches() {
        return isolationBreaches;
    }

    /** @return total violations */
    public long violationCount() {
        return violationCount;
    }

    /** @return the first violations, as text */
    public List<String> violations() {
        return List.copyOf(violations);
    }
}
