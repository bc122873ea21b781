package org.iotasign;

/** The command line itself is wrong (bad option value, missing file argument): exit code 2. */
public class UsageException extends IotasignException {
    public UsageException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
