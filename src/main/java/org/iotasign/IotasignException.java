package org.iotasign;

/**
 * Every failure the tool reports on purpose. The message is one line saying what is
 * wrong and what to do; {@link #exitCode()} is the documented process exit code.
 */
public abstract class IotasignException extends RuntimeException {
    protected IotasignException(String message) {
        super(message);
    }

    protected IotasignException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 1 rejected input, 2 usage error, 3 environment problem. */
    public abstract int exitCode();
}
