package org.iotasign.crypto;

/**
 * Signs a release digest. Implementations sign exactly the 32 bytes given as a plain
 * Ed25519 (RFC 8032, not prehashed) message, which is what the device verifies.
 */
@FunctionalInterface
public interface PublicKeySign {
    /** @return the 64-byte Ed25519 signature over {@code digest} (32 bytes) */
    byte[] sign(byte[] digest);
}
