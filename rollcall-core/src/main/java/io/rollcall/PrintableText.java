package io.rollcall;

import io.rollcall.core.TextEscaping;

/**
 * The one escaping for text that came from peers or users and is written where bytes are
 * interpreted: the terminal ({@code rollcall members}, {@code rollcall info}), the log (the agent's
 * log lines, and this library's own log messages about what peers sent), and event handlers' stdin.
 * Use it too where an application prints what a membership change carries. Member names follow
 * {@link NodeNames}, but tags, metadata, error strings and Serf query answers are free text from any
 * host: a raw ESC is a terminal escape sequence, a newline a forged log line or handler record, a tab
 * a broken {@code name<TAB>address<TAB>tags} field.
 *
 * <p>Printable ASCII passes unchanged, and so does printable non-ASCII text (a tag value in another
 * script stays readable). A backslash is doubled so every escape is unambiguous; tab, newline and
 * carriage return become {@code \t}, {@code \n}, {@code \r}; any other C0 or C1 control and DEL
 * becomes {@code \xNN}; Unicode format characters (bidirectional overrides, zero-width characters),
 * line and paragraph separators, unpaired surrogates, private-use and unassigned code points become
 * {@code \\u{XXXX}}. Escaped text is one line of printable characters. Stateless.
 */
public final class PrintableText {
    private PrintableText() {
    }

    /**
     * @param text any text, possibly null
     * @return the text with everything that is not safely printable escaped; "null" for null
     */
    public static String escape(String text) {
        return TextEscaping.escape(text);
    }
}
