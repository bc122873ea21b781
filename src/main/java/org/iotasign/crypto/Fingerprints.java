package org.iotasign.crypto;

import java.util.HexFormat;

/** The short form in which digests and keys are shown to operators for comparison. */
public final class Fingerprints {
    private Fingerprints() {
    }

    /** First 8 bytes of a digest as {@code xxxx-xxxx-xxxx-xxxx}. */
    public static String of(byte[] digest) {
        String hex = HexFormat.of().formatHex(digest, 0, 8);
        return hex.substring(0, 4) + "-" + hex.substring(4, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16);
    }
}
