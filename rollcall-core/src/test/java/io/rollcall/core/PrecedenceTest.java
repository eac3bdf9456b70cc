package io.rollcall.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrecedenceTest {
    private static final MemberState[] STATES = MemberState.values();

    @Test
    void higherIncarnationWinsWhateverTheStates() {
        for (MemberState older : STATES) {
            for (MemberState newer : STATES) {
                assertThat(Precedence.supersedes(6, newer, 5, older)).as("%s@6 over %s@5", newer, older).isTrue();
                assertThat(Precedence.supersedes(5, newer, 6, older)).as("%s@5 over %s@6", newer, older).isFalse();
            }
        }
    }

    @Test
    void atEqualIncarnationLeftBeatsDeadBeatsSuspectBeatsAlive() {
        assertThat(Precedence.supersedes(3, MemberState.SUSPECT, 3, MemberState.ALIVE)).isTrue();
        assertThat(Precedence.supersedes(3, MemberState.DEAD, 3, MemberState.SUSPECT)).isTrue();
        assertThat(Precedence.supersedes(3, MemberState.LEFT, 3, MemberState.DEAD)).isTrue();
        assertThat(Precedence.supersedes(3, MemberState.ALIVE, 3, MemberState.SUSPECT)).isFalse();
        assertThat(Precedence.supersedes(3, MemberState.SUSPECT, 3, MemberState.DEAD)).isFalse();
        assertThat(Precedence.supersedes(3, MemberState.DEAD, 3, MemberState.LEFT)).isFalse();
    }

    @Test
    void isAStrictTotalOrderOnClaims() {
        long seed = 20261122L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            long ia = random.nextLong(4);
            long ib = random.nextLong(4);
            long ic = random.nextLong(4);
            MemberState a = STATES[random.nextInt(4)];
            MemberState b = STATES[random.nextInt(4)];
            MemberState c = STATES[random.nextInt(4)];
            boolean ab = Precedence.supersedes(ia, a, ib, b);
            boolean ba = Precedence.supersedes(ib, b, ia, a);
            boolean same = ia == ib && a == b;
            String claims = "seed " + seed + " iteration " + i + ": " + a + "@" + ia + ", " + b + "@" + ib + ", " + c + "@" + ic;
            assertThat(ab && ba).as("asymmetric: " + claims).isFalse();
            assertThat(ab || ba || same).as("total: " + claims).isTrue();
            if (ab && Precedence.supersedes(ib, b, ic, c)) {
                assertThat(Precedence.supersedes(ia, a, ic, c)).as("transitive: " + claims).isTrue();
            }
        }
    }
}
