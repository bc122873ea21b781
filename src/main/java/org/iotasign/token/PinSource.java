package org.iotasign.token;

/**
 * Supplies a PIN when a token asks for one. Returns the PIN's UTF-8 bytes, which the
 * caller wipes after use. Implementations never print or log the PIN.
 */
@FunctionalInterface
public interface PinSource {
    /** @param what describes the PIN asked for, e.g. "user PIN of token 'iotasign'" */
    byte[] pin(String what);
}
