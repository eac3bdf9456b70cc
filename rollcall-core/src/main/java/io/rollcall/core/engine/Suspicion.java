package io.rollcall.core.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * One member's suspicion under Lifeguard: it starts at the maximum timeout and shrinks toward the
 * minimum as distinct members independently confirm it, so a member suspected by many is declared
 * dead quickly while one suspected by a single (perhaps unhealthy) accuser gets time to refute.
 */
final class Suspicion {
    private final long incarnation;
    private final String accuser;
    private final int expectedConfirmations;
    private final long minMillis;
    private final long maxMillis;
    private final long startMillis;
    private final long token;
    private final Set<String> confirmers = new HashSet<>();

    Suspicion(long incarnation, String accuser, int expectedConfirmations, long minMillis, long maxMillis,
              long startMillis, long token) {
        this.incarnation = incarnation;
        this.accuser = accuser;
        this.expectedConfirmations = expectedConfirmations;
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.startMillis = startMillis;
        this.token = token;
    }

    /**
     * @param from the member confirming
     * @return true if this is a new, independent confirmation that shortens the timeout (it is then
     *         worth gossiping on); confirmations beyond the expected number change nothing
     */
    boolean confirm(String from) {
        if (confirmers.size() >= expectedConfirmations || from.equals(accuser)) {
            return false;
        }
        return confirmers.add(from);
    }

    /** @return the absolute deadline on the engine clock given the confirmations so far */
    long deadlineMillis() {
        return startMillis + Timeouts.suspicionTimeoutMillis(confirmers.size(), expectedConfirmations, minMillis, maxMillis);
    }

    /** @return the timeout given the confirmations so far, from the suspicion's start */
    long timeoutMillis() {
        return deadlineMillis() - startMillis;
    }

    long startMillis() {
        return startMillis;
    }

    long minMillis() {
        return minMillis;
    }

    long incarnation() {
        return incarnation;
    }

    long token() {
        return token;
    }

    int confirmations() {
        return confirmers.size();
    }

    int expectedConfirmations() {
        return expectedConfirmations;
    }
}
