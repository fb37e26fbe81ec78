package io.vyre.flink.jobs.cli;

/**
 * A mistake the user can fix (a missing input, an unreadable patterns file, no GPU for {@code --backend
 * cuda}): reported as one {@code error:} line, without a stack trace.
 */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public UserError(String message) {
        this(message, 1, null);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
