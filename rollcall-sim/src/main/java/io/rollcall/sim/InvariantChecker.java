package io.rollcall.sim;

import io.rollcall.core.Member;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
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
 *   <li>the incarnation a node holds for a member never decreases (until the member is removed).</li>
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
    private long violationCount;

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
        if (!(notification instanceof MembershipEvent event)) {
            return;
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

    /** @return total violations */
    public long violationCount() {
        return violationCount;
    }

    /** @return the first violations, as text */
    public List<String> violations() {
        return List.copyOf(violations);
    }
}
