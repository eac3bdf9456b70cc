package io.rollcall.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollcall.core.message.Nack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropCountersTest {
    @Test
    void countsEveryDropOfAResultByReason() {
        DropCounters counters = new DropCounters();
        counters.record(new DecodeResult(List.of(new Nack(1)), List.of(
                new DecodeDrop(DecodeDropReason.TRUNCATED, "tail"),
                new DecodeDrop(DecodeDropReason.UNKNOWN_TYPE, "99"),
                new DecodeDrop(DecodeDropReason.TRUNCATED, "tail"))));
        counters.increment(DecodeDropReason.BAD_CRC);

        assertThat(counters.count(DecodeDropReason.TRUNCATED)).isEqualTo(2);
        assertThat(counters.count(DecodeDropReason.OVERSIZED)).isZero();
        assertThat(counters.total()).isEqualTo(4);
        Map<DecodeDropReason, Long> snapshot = counters.snapshot();
        counters.increment(DecodeDropReason.BAD_CRC);
        assertThat(snapshot).containsExactly(Map.entry(DecodeDropReason.TRUNCATED, 2L),
                Map.entry(DecodeDropReason.UNKNOWN_TYPE, 1L), Map.entry(DecodeDropReason.BAD_CRC, 1L));
        assertThat(counters.count(DecodeDropReason.BAD_CRC)).isEqualTo(2);
    }
}
