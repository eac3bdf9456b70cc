package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UtcTimeTest {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    @Test
    void knownInstants() {
        assertThat(UtcTime.iso(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(UtcTime.httpDate(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(UtcTime.iso(1_795_000_000_007L)).isEqualTo("2026-11-18T11:06:40.007Z");
        assertThat(UtcTime.httpDate(1_795_000_000_007L)).isEqualTo("Wed, 18 Nov 2026 11:06:40 GMT");
        assertThat(UtcTime.iso(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Test
    void agreesWithJavaTimeFormattersOnRandomInstants() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            // 1970 to 2200, covering leap years and century boundaries
            long millis = random.nextLong(0, 7_258_118_400_000L);
            Instant t = Instant.ofEpochMilli(millis);
            assertThat(UtcTime.iso(millis)).as("seed %d, millis %d", seed, millis).isEqualTo(ISO.format(t));
            assertThat(UtcTime.httpDate(millis)).as("seed %d, millis %d", seed, millis).isEqualTo(HTTP.format(t));
        }
    }
}
