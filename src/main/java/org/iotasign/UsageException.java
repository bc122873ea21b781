package org.iotasign;

/** The command line itself is wrong (bad option value, missing file argument): exit code 2. */
public class UsageException extends IotasignException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Hint hint) {
        super(message, hint);
    }

    public UsageException(String message, Hint hint, Throwable cause) {
        super(message, hint, cause);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
