package org.iotasign;

/** Something around the input is missing or broken (token, module, port, disk): exit code 3. */
public class EnvironmentException extends IotasignException {
    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }

    public EnvironmentException(String message, Hint hint) {
        super(message, hint);
    }

    public EnvironmentException(String message, Hint hint, Throwable cause) {
        super(message, hint, cause);
    }

    @Override
    public int exitCode() {
        return 3;
    }
}
