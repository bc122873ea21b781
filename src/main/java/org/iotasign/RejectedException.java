package org.iotasign;

/** The input was examined and refused: a verdict, exit code 1. */
public class RejectedException extends IotasignException {
    public RejectedException(String message) {
        super(message);
    }

    public RejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    public RejectedException(String message, Hint hint) {
        super(message, hint);
    }

    public RejectedException(String message, Hint hint, Throwable cause) {
        super(message, hint, cause);
    }

    @Override
    public int exitCode() {
        return 1;
    }
}
