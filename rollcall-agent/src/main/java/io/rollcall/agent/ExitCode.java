package io.rollcall.agent;

/** The rollcall command's exit statuses (also listed in the README). */
enum ExitCode {
    /** Done: for the agent, stopped after leaving the cluster. */
    OK(0),
    /** Could not start or do what was asked: address in use, agent unreachable, an error from the agent. */
    START(1),
    /** Bad flags, arguments or configuration. */
    USAGE(2),
    /** {@code --join} was given and no seed could be joined. */
    JOIN(3),
    /** The data directory is unusable or a file in it is corrupt. */
    DATA_DIR(4),
    /** A second SIGTERM or SIGINT: stopped at once, without leaving. */
    FORCED(130);

    final int status;

    ExitCode(int status) {
        this.status = status;
    }
}
