package io.rollcall.core;

/**
 * The one escaping for text that came from peers or users and is written where bytes are
 * interpreted (terminal, log, event handlers' stdin), implemented once for core's own log lines and
 * for the public {@code io.rollcall.PrintableText}, which delegates here and documents the rule.
 * Stateless.
 */
public final class TextEscaping {
    private TextEscaping() {
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
