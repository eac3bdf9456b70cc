package io.rollcall.agent;

import io.rollcall.PrintableText;
import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The agent's logging: every {@link System.Logger} in the process (the agent's and Rollcall's
 * library code, and the JDK's) writes one line per event to stderr,
 * {@code 2026-11-22T06:41:00.123Z [INFO] NetworkNode: message}, filtered by one threshold the agent
 * sets from {@code --log-level}.
 *
 * <p>Why not a logging framework: the agent logs a few dozen kinds of line to one stream, and
 * Logback with its XML configuration was a quarter of the classes an agent loaded at start
 * (docs/PERFORMANCE.md), paid in start-up CPU and resident memory on every node. Registered as a
 * {@code java.lang.System$LoggerFinder} service; library users keep whatever finder they install.
 *
 * <p>A throwable adds its {@code toString()} to the same line; its stack trace follows only at
 * {@code debug} or {@code trace}, so that an operator never sees a stack trace at the default level.
 */
public final class LineLoggerFinder extends System.LoggerFinder {
    private final PrintStream out;
    private volatile System.Logger.Level threshold = System.Logger.Level.INFO;

    /** Instantiated by the JDK's service loader, writing to stderr. */
    public LineLoggerFinder() {
        this(System.err);
    }

    LineLoggerFinder(PrintStream out) {
        this.out = out;
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new LineLogger(name);
    }

    /** @param level trace, debug, info, warn or error (as {@code --log-level}); unknown means info */
    void setThreshold(String level) {
        threshold = switch (level.toLowerCase(Locale.ROOT)) {
            case "trace" -> System.Logger.Level.TRACE;
            case "debug" -> System.Logger.Level.DEBUG;
            case "warn", "warning" -> System.Logger.Level.WARNING;
            case "error" -> System.Logger.Level.ERROR;
            default -> System.Logger.Level.INFO;
        };
    }

    /**
     * Sets the threshold of the process's finder when it is this class (it is in the agent's jar;
     * an embedding application may have installed another, which is then left alone).
     */
    static void configure(String level) {
        if (System.LoggerFinder.getLoggerFinder() instanceof LineLoggerFinder finder) {
            finder.setThreshold(level);
        }
    }

    private boolean enabled(System.Logger.Level level) {
        return level != System.Logger.Level.OFF && level.getSeverity() >= threshold.getSeverity();
    }

    /** One line: UTC time to the millisecond, level, the logger's simple name, the message. */
    String format(long epochMillis, System.Logger.Level level, String logger, String message, Throwable thrown) {
        StringBuilder b = new StringBuilder(64 + message.length());
        UtcTime.appendIso(b, epochMillis).append(" [").append(levelName(level)).append("] ");
        b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
        // One event, one line, printable: messages quote peers' names, tags and error strings.
        b.append(PrintableText.escape(message));
        if (thrown != null) {
            b.append(": ").append(PrintableText.escape(String.valueOf(thrown)));
        }
        return b.append(System.lineSeparator()).toString();
    }

    private static String levelName(System.Logger.Level level) {
        return switch (level) {
            case WARNING -> "WARN";
            case ALL, OFF -> "INFO";
            default -> level.getName();
        };
    }

    private void write(System.Logger.Level level, String logger, String message, Throwable thrown) {
        String line = format(System.currentTimeMillis(), level, logger, message == null ? "null" : message, thrown);
        // PrintStream synchronizes each call, so concurrent lines never interleave.
        out.print(line);
        if (thrown != null && threshold.getSeverity() <= System.Logger.Level.DEBUG.getSeverity()) {
            thrown.printStackTrace(out);
        }
        out.flush();
    }

    private final class LineLogger implements System.Logger {
        private final String name;

        LineLogger(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return enabled(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (enabled(level)) {
                write(level, name, localized(bundle, msg), thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (enabled(level)) {
                String pattern = localized(bundle, format);
                // System.Logger's contract: MessageFormat, only when there are parameters.
                String text = params == null || params.length == 0 || pattern == null ? pattern
                        : new MessageFormat(pattern, Locale.ROOT).format(params);
                write(level, name, text, null);
            }
        }

        @Override
        public void log(Level level, Supplier<String> supplier) {
            if (enabled(level)) {
                write(level, name, supplier.get(), null);
            }
        }

        private String localized(ResourceBundle bundle, String key) {
            if (bundle == null || key == null || !bundle.containsKey(key)) {
                return key;
            }
            return bundle.getString(key);
        }
    }
}
