package io.rollcall.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineLoggerFinderTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final LineLoggerFinder finder = new LineLoggerFinder(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    private final System.Logger log = finder.getLogger("io.rollcall.core.transport.NetworkNode", getClass().getModule());

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLineHasUtcMillisecondTimeLevelSimpleNameAndMessage() {
        String line = finder.format(1_795_000_000_007L, Level.WARNING, "io.rollcall.agent.HttpApi", "slow client", null);
        assertThat(line).isEqualTo("2026-11-18T11:06:40.007Z [WARN] HttpApi: slow client" + System.lineSeparator());
        assertThat(finder.format(0, Level.INFO, "rollcall.agent", "x", null)).startsWith("1970-01-01T00:00:00.000Z [INFO] agent: x");
    }

    @Test
    void theThresholdFiltersByLevelAndCanBeChanged() {
        log.log(Level.DEBUG, "hidden at info");
        log.log(Level.INFO, "shown at info");
        assertThat(log.isLoggable(Level.DEBUG)).isFalse();
        finder.setThreshold("warn");
        log.log(Level.INFO, "hidden at warn");
        log.log(Level.ERROR, "shown at warn");
        finder.setThreshold("trace");
        log.log(Level.TRACE, "shown at trace");
        assertThat(written().lines()).hasSize(3).allMatch(l -> l.contains("shown"));
    }

    @Test
    void aMessageNeverBreaksTheLineAndAThrowableStaysOnItAtInfo() {
        log.log(Level.WARNING, "peer said \"a\nb\r\nc\"", new IllegalStateException("bad\nstate"));
        assertThat(written().lines()).singleElement().satisfies(l -> {
            // Escaped rather than blanked: the line says what was sent (PrintableText).
            assertThat(l).endsWith("NetworkNode: peer said \"a\\nb\\r\\nc\": java.lang.IllegalStateException: bad\\nstate");
        });
    }

    @Test
    void aStackTraceFollowsOnlyAtDebug() {
        finder.setThreshold("debug");
        log.log(Level.WARNING, "failed", new IllegalStateException("boom"));
        assertThat(written().lines().count()).isGreaterThan(2);
        assertThat(written()).contains("\tat io.rollcall.agent.LineLoggerFinderTest");
    }

    @Test
    void parametersFollowSystemLoggersMessageFormatContract() {
        log.log(Level.INFO, "{0} of {1} seeds", 2, 12345);
        log.log(Level.INFO, "no parameters keeps {braces}");
        assertThat(written().lines()).extracting(l -> l.substring(l.indexOf(": ") + 2))
                .containsExactly("2 of 12,345 seeds", "no parameters keeps {braces}");
    }
}
