package io.rollcall;

import io.rollcall.core.NodeNameRules;

/**
 * The one rule for member names, wherever a name comes from: the wire (alive, suspect and dead
 * messages, push/pull entries, Serf intents), the Java API ({@link RollcallConfig#builder}), and the
 * agent's {@code --node} flag, config file and CLI.
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
public final class NodeNames {
    /** Longest name, in bytes (equal to characters, since a valid name is ASCII); Serf's MaxNodeNameLength. */
    public static final int MAX_NODE_NAME_BYTES = NodeNameRules.MAX_NODE_NAME_BYTES;

    private NodeNames() {
    }

    /**
     * @param name a candidate name, possibly null
     * @return null if the name is valid, else why not, in one line that does not repeat the name
     *         (it may hold the very characters the rule keeps out of logs and terminals)
     */
    public static String problem(String name) {
        return NodeNameRules.problem(name);
    }

    /**
     * @param name a candidate name, possibly null
     * @return true if it follows the rule
     */
    public static boolean isValid(String name) {
        return NodeNameRules.isValid(name);
    }

    /**
     * @param name a candidate name
     * @return {@code name}
     * @throws IllegalArgumentException with {@link #problem} if it breaks the rule
     */
    public static String requireValid(String name) {
        return NodeNameRules.requireValid(name);
    }
}
