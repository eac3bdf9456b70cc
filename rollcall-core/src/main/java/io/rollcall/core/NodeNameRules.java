package io.rollcall.core;

/**
 * The one rule for member names, implemented once for core (the engine, Serf, the transport's log)
 * and for the public {@code io.rollcall.NodeNames}, which delegates here: the wire (alive, suspect
 * and dead messages, push/pull entries, Serf intents), the Java API and the agent's flags all meet
 * this rule.
 *
 * <p>A name is 1 to {@value #MAX_NODE_NAME_BYTES} characters, each an ASCII letter or digit,
 * {@code '.'}, {@code '_'} or {@code '-'}. That is Serf's own rule when it validates names
 * ({@code ValidateNodeNames}: letters, digits, dashes and dots, at most 128) plus the underscore that
 * real host names and memberlist clusters use; host names, FQDNs and Kubernetes pod names all pass.
 * What it keeps out is everything a name could smuggle into the places it is printed: control
 * characters (a newline forges a line on an event handler's stdin, a tab breaks its
 * {@code name<TAB>address<TAB>tags} format, an ESC starts a terminal escape sequence), spaces,
 * quotes and shell metacharacters, invalid UTF-8 (which the decoder turns into U+FFFD) and any other
 * non-ASCII text. Being ASCII, a valid name is as many bytes as characters on the wire.
 *
 * <p>A message naming a member whose name breaks the rule is dropped whole and counted, never applied
 * in part. Stateless.
 */
public final class NodeNameRules {
    /** Longest name, in bytes (equal to characters, since a valid name is ASCII); Serf's MaxNodeNameLength. */
    public static final int MAX_NODE_NAME_BYTES = 128;

    private NodeNameRules() {
    }

    /**
     * @param name a candidate name, possibly null
     * @return null if the name is valid, else why not, in one line that does not repeat the name
     *         (it may hold the very characters the rule keeps out of logs and terminals)
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "node name must not be empty";
        }
        if (name.length() > MAX_NODE_NAME_BYTES) {
            return "node name is " + name.length() + " characters; the limit is " + MAX_NODE_NAME_BYTES;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!allowed(c)) {
                return "node name has " + describe(c) + " at position " + (i + 1)
                        + "; allowed are letters A-Z and a-z, digits, '.', '_' and '-'";
            }
        }
        return null;
    }

    /**
     * @param name a candidate name, possibly null
     * @return true if it follows the rule
     */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NODE_NAME_BYTES) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!allowed(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name a candidate name
     * @return {@code name}
     * @throws IllegalArgumentException with {@link #problem} if it breaks the rule
     */
    public static String requireValid(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return name;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    private static String describe(char c) {
        if (c == '\uFFFD') {
            return "invalid UTF-8 (U+FFFD)";
        }
        if (c > ' ' && c < 0x7F) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
