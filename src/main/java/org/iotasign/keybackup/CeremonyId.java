package org.iotasign.keybackup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Hashes;

/**
 * A ceremony's id: the first 40 bits of SHA-256("iotasign ceremony id" || public key), as
 * 8 base32 characters {@code XXXX-XXXX}. Derived from the key the ceremony made (each
 * ceremony makes a fresh key, so ids differ), so that a rebuilt seed can be checked
 * against its shares even where no ledger records the ceremony.
 */
public final class CeremonyId {
    static final int BYTES = 5;
    private static final byte[] DOMAIN = "iotasign ceremony id".getBytes(StandardCharsets.US_ASCII);

    private CeremonyId() {
    }

    public static String of(Ed25519PublicKey key) {
        return ShareCode.group(Base32.encode(bytesOf(key)));
    }

    static byte[] bytesOf(Ed25519PublicKey key) {
        return Arrays.copyOf(Hashes.sha256(DOMAIN, key.bytes()), BYTES);
    }
}
