package io.rollcall.sim;

import io.rollcall.core.Member;
import io.rollcall.core.MemberState;
import io.rollcall.core.engine.MembershipEvent;
import io.rollcall.core.engine.Notification;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a set of observers holds of a few subjects, kept from their events as they happen, with the
 * time of every change of state. The gray-failure scenarios ask of it how often a faulty node's
 * state changed as one healthy node saw it, and whether the healthy nodes agree on it.
 *
 * <p>A state here is the member's {@link MemberState}, or absent (never heard of, or removed). An
 * event that leaves the state as it was (an address or metadata update) is not a change.
 */
final class HeldStates implements SimObserver {
    private static final byte ABSENT = 0;
    private static final int STATES = MemberState.values().length + 1;

    private final List<SimNode> nodes;
    private final BitSet observers;
    private final int observerCount;
    private final Map<String, Integer> subjectIndex = new HashMap<>();
    /** [subject][observer node index]: 0 absent, 1 + ordinal otherwise. */
    private final byte[][] held;
    /** [subject][state]: how many observers hold that state. */
    private final int[][] counts;
    /** [subject][observer node index]: times of the changes, in order. */
    private final long[][][] changeTimes;
    private final int[][] changeCounts;

    /**
     * Reads what every observer holds of every subject now; later changes come from the events.
     *
     * @param sim       the simulation, its nodes running
     * @param subjects  the nodes whose state to follow
     * @param observers indices of the nodes whose view to follow (a subject is never its own observer)
     */
    HeldStates(Simulation sim, List<SimNode> subjects, BitSet observers) {
        this.nodes = sim.nodes();
        this.observers = (BitSet) observers.clone();
        int n = nodes.size();
        held = new byte[subjects.size()][n];
        counts = new int[subjects.size()][STATES];
        changeTimes = new long[subjects.size()][n][];
        changeCounts = new int[subjects.size()][n];
        for (int s = 0; s < subjects.size(); s++) {
            SimNode subject = subjects.get(s);
            subjectIndex.put(subject.name(), s);
            this.observers.clear(subject.index());
        }
        observerCount = this.observers.cardinality();
        for (int s = 0; s < subjects.size(); s++) {
            String name = subjects.get(s).name();
            for (int o = this.observers.nextSetBit(0); o >= 0; o = this.observers.nextSetBit(o + 1)) {
                SimNode observer = nodes.get(o);
                Optional<Member> m = observer.engine() == null ? Optional.empty() : observer.engine().member(name);
                byte code = m.map(member -> code(member.state())).orElse(ABSENT);
                held[s][o] = code;
                counts[s][code]++;
            }
        }
    }

    private static byte code(MemberState state) {
        return (byte) (1 + state.ordinal());
    }

    @Override
    public void onNotification(long timeMillis, SimNode node, Notification notification) {
        if (!(notification instanceof MembershipEvent event) || !observers.get(node.index())) {
            return;
        }
        Integer s = subjectIndex.get(event.member().name());
        if (s == null) {
            return;
        }
        byte code = event instanceof MembershipEvent.Removed ? ABSENT : code(event.member().state());
        int o = node.index();
        byte before = held[s][o];
        if (before == code) {
            return;
        }
        held[s][o] = code;
        counts[s][before]--;
        counts[s][code]++;
        long[] times = changeTimes[s][o];
        if (times == null) {
            times = new long[8];
        } else if (changeCounts[s][o] == times.length) {
            times = Arrays.copyOf(times, times.length * 2);
        }
        times[changeCounts[s][o]++] = timeMillis;
        changeTimes[s][o] = times;
    }

    /** @return how many subjects are followed */
    int subjects() {
        return held.length;
    }

    /**
     * @param subject a subject's position in the list given to the constructor
     * @return true if every observer holds the subject in one and the same state
     */
    boolean agreed(int subject) {
        for (int c : counts[subject]) {
            if (c == observerCount) {
                return true;
            }
            if (c > 0) {
                return false;
            }
        }
        return observerCount == 0;
    }

    /**
     * @param subject a subject's position
     * @param test    the states that count
     * @return true if every observer holds the subject in a state matching {@code test}
     */
    boolean allHold(int subject, Predicate<MemberState> test) {
        int matching = 0;
        for (MemberState state : MemberState.values()) {
            if (test.test(state)) {
                matching += counts[subject][code(state)];
            }
        }
        return matching == observerCount;
    }

    /**
     * @param windowMillis the window's length
     * @return the most changes of one subject's state that one observer saw within any window of
     *         that length
     */
    int mostChangesWithin(long windowMillis) {
        int most = 0;
        for (int s = 0; s < held.length; s++) {
            for (int o = 0; o < nodes.size(); o++) {
                long[] times = changeTimes[s][o];
                int count = changeCounts[s][o];
                for (int first = 0, last = 0; last < count; last++) {
                    while (times[last] - times[first] >= windowMillis) {
                        first++;
                    }
                    most = Math.max(most, last - first + 1);
                }
            }
        }
        return most;
    }

    /**
     * @param fromMillis start, inclusive
     * @param toMillis   end, exclusive
     * @return changes of any subject's state, at any observer, in that time
     */
    long changesBetween(long fromMillis, long toMillis) {
        long total = 0;
        for (int s = 0; s < held.length; s++) {
            for (int o = 0; o < nodes.size(); o++) {
                long[] times = changeTimes[s][o];
                for (int i = 0; i < changeCounts[s][o]; i++) {
                    if (times[i] >= fromMillis && times[i] < toMillis) {
                        total++;
                    }
                }
            }
        }
        return total;
    }
}
