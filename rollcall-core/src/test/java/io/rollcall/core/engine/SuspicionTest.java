package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One suspicion on its own: it starts at the maximum timeout and independent confirmations bring
 * the deadline toward the minimum (Lifeguard's dynamic suspicion timeout).
 */
class SuspicionTest {
    private static final long MIN = 4_000;
    private static final long MAX = 24_000;
    private static final long START = 1_000_000;

    @Test
    void startsAtTheMaximumTimeout() {
        Suspicion suspicion = new Suspicion(7, "accuser", 3, MIN, MAX, START, 42);
        assertThat(suspicion.deadlineMillis()).isEqualTo(START + MAX);
        assertThat(suspicion.incarnation()).isEqualTo(7);
        assertThat(suspicion.token()).isEqualTo(42);
        assertThat(suspicion.confirmations()).isZero();
    }

    @Test
    void eachIndependentConfirmationBringsTheDeadlineForward() {
        Suspicion suspicion = new Suspicion(7, "accuser", 3, MIN, MAX, START, 1);
        long previous = suspicion.deadlineMillis();
        for (String confirmer : new String[] {"b", "c", "d"}) {
            assertThat(suspicion.confirm(confirmer)).as(confirmer).isTrue();
            assertThat(suspicion.deadlineMillis()).as(confirmer).isLessThan(previous);
            previous = suspicion.deadlineMillis();
        }
        assertThat(suspicion.deadlineMillis()).as("all expected confirmations: the minimum").isEqualTo(START + MIN);
        assertThat(suspicion.deadlineMillis() - START)
                .isEqualTo(Timeouts.suspicionTimeoutMillis(3, 3, MIN, MAX));
    }

    @Test
    void theAccuserAndRepeatedConfirmersDoNotCount() {
        Suspicion suspicion = new Suspicion(7, "accuser", 3, MIN, MAX, START, 1);
        assertThat(suspicion.confirm("accuser")).isFalse();
        assertThat(suspicion.confirm("b")).isTrue();
        assertThat(suspicion.confirm("b")).isFalse();
        assertThat(suspicion.confirmations()).isEqualTo(1);
        assertThat(suspicion.deadlineMillis() - START).isEqualTo(Timeouts.suspicionTimeoutMillis(1, 3, MIN, MAX));
    }

    @Test
    void confirmationsBeyondTheExpectedNumberChangeNothing() {
        Suspicion suspicion = new Suspicion(7, "accuser", 2, MIN, MAX, START, 1);
        assertThat(suspicion.confirm("b")).isTrue();
        assertThat(suspicion.confirm("c")).isTrue();
        long deadline = suspicion.deadlineMillis();
        assertThat(suspicion.confirm("d")).isFalse();
        assertThat(suspicion.deadlineMillis()).isEqualTo(deadline).isEqualTo(START + MIN);
        assertThat(suspicion.expectedConfirmations()).isEqualTo(2);
    }

    @Test
    void withNoConfirmationsExpectedTheMinimumHoldsFromTheStart() {
        Suspicion suspicion = new Suspicion(7, "accuser", 0, MIN, MAX, START, 1);
        assertThat(suspicion.deadlineMillis()).isEqualTo(START + MIN);
        assertThat(suspicion.confirm("b")).isFalse();
    }
}
