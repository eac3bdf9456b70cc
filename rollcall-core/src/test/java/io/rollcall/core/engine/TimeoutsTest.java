package io.rollcall.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The formulas reproduce memberlist's figures (reference table in shared/reference, section 2.2). */
class TimeoutsTest {
    @Test
    void suspicionMinimumMatchesMemberlistLan() {
        assertThat(Timeouts.suspicionMinMillis(4, 3, 1000)).isEqualTo(4_000);
        assertThat(Timeouts.suspicionMinMillis(4, 9, 1000)).isEqualTo(4_000);
        assertThat(Timeouts.suspicionMinMillis(4, 10, 1000)).isEqualTo(4_000);
        assertThat(Timeouts.suspicionMinMillis(4, 33, 1000)).isEqualTo(6_072);
        assertThat(Timeouts.suspicionMinMillis(4, 100, 1000)).isEqualTo(8_000);
        assertThat(Timeouts.suspicionMinMillis(4, 1000, 1000)).isEqualTo(12_000);
        assertThat(Timeouts.suspicionMinMillis(4, 10_000, 1000)).isEqualTo(16_000);
        assertThat(Timeouts.suspicionMinMillis(6, 100, 5000)).isEqualTo(60_000);
    }

    @Test
    void retransmitLimitMatchesMemberlist() {
        assertThat(Timeouts.retransmitLimit(4, 3)).isEqualTo(4);
        assertThat(Timeouts.retransmitLimit(4, 9)).isEqualTo(4);
        assertThat(Timeouts.retransmitLimit(4, 10)).isEqualTo(8);
        assertThat(Timeouts.retransmitLimit(4, 100)).isEqualTo(12);
        assertThat(Timeouts.retransmitLimit(4, 1000)).isEqualTo(16);
        assertThat(Timeouts.retransmitLimit(4, 10_000)).isEqualTo(20);
    }

    @Test
    void pushPullIntervalScalesPast32Members() {
        assertThat(Timeouts.pushPullIntervalMillis(30_000, 32)).isEqualTo(30_000);
        assertThat(Timeouts.pushPullIntervalMillis(30_000, 33)).isEqualTo(60_000);
        assertThat(Timeouts.pushPullIntervalMillis(30_000, 100)).isEqualTo(90_000);
        assertThat(Timeouts.pushPullIntervalMillis(30_000, 1000)).isEqualTo(180_000);
        assertThat(Timeouts.pushPullIntervalMillis(30_000, 2000)).isEqualTo(210_000);
        assertThat(Timeouts.pushPullIntervalMillis(30_000, 10_000)).isEqualTo(300_000);
    }

    @Test
    void suspicionShrinksFromMaxToMinWithConfirmations() {
        // LAN, small cluster: 24 s with none, 11.38 s after one, 4 s after the expected two.
        assertThat(Timeouts.suspicionTimeoutMillis(0, 2, 4_000, 24_000)).isEqualTo(24_000);
        assertThat(Timeouts.suspicionTimeoutMillis(1, 2, 4_000, 24_000)).isEqualTo(11_381);
        assertThat(Timeouts.suspicionTimeoutMillis(2, 2, 4_000, 24_000)).isEqualTo(4_000);
        assertThat(Timeouts.suspicionTimeoutMillis(5, 2, 4_000, 24_000)).isEqualTo(4_000);
        assertThat(Timeouts.suspicionTimeoutMillis(0, 0, 4_000, 24_000)).isEqualTo(4_000);
    }
}
