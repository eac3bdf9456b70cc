package io.rollcall.agent;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The two time formats the agent writes: RFC 3339 with milliseconds (JSON, log lines) and the
 * HTTP date (RFC 9110 IMF-fixdate).
 *
 * <p>Written out by hand because {@code java.time.format} and the locale data behind English day
 * and month names were about a hundred of the classes an agent loaded and initialised at start-up
 * (docs/PERFORMANCE.md); {@link LocalDateTime#ofEpochSecond} does the calendar arithmetic without them.
 */
final class UtcTime {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
            "Dec"};

    private UtcTime() {
    }

    /** {@code 2026-11-22T06:41:00.123Z}. */
    static String iso(long epochMillis) {
        return appendIso(new StringBuilder(24), epochMillis).toString();
    }

    /** Appends {@link #iso(long)}'s text to {@code b}. */
    static StringBuilder appendIso(StringBuilder b, long epochMillis) {
        LocalDateTime t = utc(epochMillis);
        b.append(t.getYear()).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        return pad(b, t.getNano() / 1_000_000, 3).append('Z');
    }

    /** {@code Sun, 22 Nov 2026 06:41:00 GMT}. */
    static String httpDate(long epochMillis) {
        LocalDateTime t = utc(epochMillis);
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        pad(b, t.getDayOfMonth(), 2).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        pad(b, t.getYear(), 4).append(' ');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        return pad(b, t.getSecond(), 2).append(" GMT").toString();
    }

    private static LocalDateTime utc(long epochMillis) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), Math.floorMod(epochMillis, 1000) * 1_000_000,
                ZoneOffset.UTC);
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }
}
