package io.rollcall.agent;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON out (a small writer for maps, lists, strings, numbers and booleans) and JSON in (a strict
 * reader with bounded size and depth); configuration files may also be YAML.
 */
final class Json {
    /** Largest document accepted from a config file or request body. */
    static final int MAX_INPUT_CHARS = 1024 * 1024;

    private Json() {
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        try {
            write(sb, value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringBuilder never throws
        }
        return sb.toString();
    }

    /**
     * Writes {@code value} to {@code sb} as it goes: an answer the size of the member table is never
     * held in memory as one string (48 concurrent listings of 4,000 members killed a 64 MiB agent).
     */
    static void write(Appendable sb, Object value) throws IOException {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String s) {
            string(sb, s);
        } else if (value instanceof Number || value instanceof Boolean) {
            sb.append(value.toString());
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                string(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append('}');
        } else if (value instanceof Collection<?> list) {
            sb.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                write(sb, it.next());
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append(']');
        } else {
            string(sb, value.toString());
        }
    }

    private static void string(Appendable sb, String s) throws IOException {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // Controls, and the invisible characters that reorder or hide text, are escaped: this
                    // JSON is also what `rollcall monitor` and `--format json` print on a terminal.
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                            || Character.getType(c) == Character.FORMAT) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Reads a configuration file: JSON (as {@link #read}) when it starts with a brace or bracket,
     * YAML otherwise (SnakeYAML's safe loader, which builds only maps, lists and scalars). SnakeYAML
     * is loaded only here, so an agent without a YAML file never pays for its classes.
     *
     * @param text a JSON or YAML document
     * @return maps, lists, strings, numbers, booleans or null
     * @throws IllegalArgumentException with a one-line reason if it cannot be read
     */
    static Object readJsonOrYaml(String text) {
        checkSize(text, MAX_INPUT_CHARS);
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            return new JsonReader(text).document();
        }
        return YamlDocument.read(text, MAX_INPUT_CHARS);
    }

    /**
     * Reads one JSON document (RFC 8259): objects become insertion-ordered maps (a repeated key is an
     * error), arrays lists, integers {@code Long} (or {@code Double} beyond its range), other numbers
     * {@code Double}.
     *
     * @param text a JSON document, at most {@link #MAX_INPUT_CHARS} characters, nested at most
     *             {@link JsonReader#MAX_DEPTH} deep
     * @return maps, lists, strings, numbers, booleans or null
     * @throws IllegalArgumentException with a one-line reason if it cannot be read
     */
    static Object read(String text) {
        return read(text, MAX_INPUT_CHARS);
    }

    /**
     * Like {@link #read(String)}, with another size limit: for answers the CLI asks its own agent for,
     * which grow with the cluster ({@code /v1/members} of 65,536 members is some 40 MB).
     *
     * @param text     a JSON document
     * @param maxChars the most characters it may have
     * @return maps, lists, strings, numbers, booleans or null
     * @throws IllegalArgumentException with a one-line reason if it cannot be read
     */
    static Object read(String text, int maxChars) {
        checkSize(text, maxChars);
        return new JsonReader(text).document();
    }

    private static void checkSize(String text, int maxChars) {
        if (text.length() > maxChars) {
            throw new IllegalArgumentException("larger than " + maxChars + " characters");
        }
    }
}
