package io.rollcall;

import java.util.List;

/** No seed could be joined; the message lists each seed and why. */
public final class JoinException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> failures;

    /** @param failures one line per seed */
    public JoinException(List<String> failures) {
        super(failures.isEmpty() ? "no seeds to join" : "could not join any seed: " + String.join("; ", failures));
        this.failures = List.copyOf(failures);
    }

    /** @return one line per seed that could not be joined */
    public List<String> failures() {
        return failures;
    }
}
