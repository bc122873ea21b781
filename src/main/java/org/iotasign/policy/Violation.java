package org.iotasign.policy;

/**
 * A rule the release breaks.
 *
 * @param overridden true when the operator passed the rule's override flag
 */
public record Violation(PolicyRule rule, String message, boolean overridden) {
    /** One line for the operator: what is wrong and what the flag does. */
    public String describe() {
        if (overridden) {
            return "overridden by " + rule.overrideFlag().orElseThrow() + ": " + message;
        }
        return "REFUSED (" + rule.letter() + "): " + message
                + rule.overrideFlag().map(f -> " [override: " + f + "]").orElse(" [no override]");
    }
}
