package org.iotasign;

import java.util.Optional;

/**
 * Every failure the tool reports on purpose. The message is one line saying what is
 * wrong and, unless a {@link Hint} says it, what to do; {@link #exitCode()} is the
 * documented process exit code. The command line shows the message with the hint worded
 * in its own option names.
 */
public abstract class IotasignException extends RuntimeException {
    private final Hint hint;

    protected IotasignException(String message) {
        this(message, (Hint) null);
    }

    protected IotasignException(String message, Throwable cause) {
        this(message, null, cause);
    }

    protected IotasignException(String message, Hint hint) {
        super(message);
        this.hint = hint;
    }

    protected IotasignException(String message, Hint hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** What the user can do, for the command line to word; empty when the message says it. */
    public Optional<Hint> hint() {
        return Optional.ofNullable(hint);
    }

    /** 1 rejected input, 2 usage error, 3 environment problem. */
    public abstract int exitCode();
}
