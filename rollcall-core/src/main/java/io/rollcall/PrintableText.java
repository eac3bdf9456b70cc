package io.rollcall;

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
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && plain(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, i);
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80 && plain((char) cp)) {
                b.append((char) cp);
            } else if (cp == '\\') {
                b.append("\\\\");
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
                b.append(String.format("\\x%02X", cp));
            } else if (unprintable(cp)) {
                b.append(String.format("\\u{%04X}", cp));
            } else {
                b.appendCodePoint(cp);
            }
        }
        return b.toString();
    }

    private static boolean plain(char c) {
        return c >= 0x20 && c < 0x7F && c != '\\';
    }

    private static boolean unprintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                    Character.PRIVATE_USE, Character.UNASSIGNED, Character.CONTROL -> true;
            default -> false;
        };
    }
}
