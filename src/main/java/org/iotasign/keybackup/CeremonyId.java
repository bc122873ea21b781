package org.iotasign.keybackup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import org.iotasign.crypto.Ed25519PublicKey;

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
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(DOMAIN);
            md.update(key.bytes());
            return Arrays.copyOf(md.digest(), BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
