package io.rollcall.sim;

import io.rollcall.sim.report.DisseminationCurve;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import java.util.Arrays;

/**
 * Watches one change about one member spread: the first time each node publishes an event of the
 * given kind about the subject, from the moment the change was made.
 */
final class DisseminationTracker implements SimObserver {
    private final String subject;
    private final Class<? extends MembershipEvent> kind;
    private final long startMillis;
    private final long[] learnedMillis;
    private int learned;

    /**
     * @param subject     the member the change is about
     * @param kind        the event that shows a node learned of it
     * @param startMillis virtual time of the change
     * @param nodes       number of nodes in the simulation
     */
    DisseminationTracker(String subject, Class<? extends MembershipEvent> kind, long startMillis, int nodes) {
        this.subject = subject;
        this.kind = kind;
        this.startMillis = startMillis;
        this.learnedMillis = new long[nodes];
        Arrays.fill(learnedMillis, -1);
    }

    @Override
    public void onNotification(long timeMillis, SimNode node, Notification notification) {
        if (kind.isInstance(notification) && learnedMillis[node.index()] < 0 && !node.name().equals(subject)
                && ((MembershipEvent) notification).member().name().equals(subject)) {
            learnedMillis[node.index()] = timeMillis - startMillis;
            learned++;
        }
    }

    /** @return how many nodes have learned so far */
    int learned() {
        return learned;
    }

    /**
     * @param expected how many nodes should learn
     * @return the spread so far
     */
    DisseminationCurve curve(int expected) {
        return new DisseminationCurve(learnedMillis.clone(), expected);
    }
}
