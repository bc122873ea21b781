package org.iotasign.token;

import java.util.Map;
import java.util.Optional;

/**
 * Where to find tokens: the process environment (IOTASIGN_HOME, SOFTHSM2_CONF,
 * IOTASIGN_PIN), plus the {@code --module} and {@code --profile} options. Passed
 * explicitly so that tests and other commands can describe another environment.
 */
public record TokenContext(Map<String, String> env, Optional<String> module, Optional<String> profile) {
    public TokenContext {
        env = Map.copyOf(env);
    }

    /** The running process's environment, with no --module or --profile. */
    public static TokenContext fromEnvironment() {
        return new TokenContext(System.getenv(), Optional.empty(), Optional.empty());
    }

    public static TokenContext fromEnvironment(String module, String profile) {
        return new TokenContext(System.getenv(), Optional.ofNullable(module), Optional.ofNullable(profile));
    }

    public Optional<String> getenv(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }
}
