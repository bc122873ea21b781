package org.iotasign.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The project's digests: SHA-256 for everything it signs, chains and names, and MD5 only
 * where another party asks for it (S3's Content-MD5 and ETag, the ESP8266 ROM's flash check).
 */
public final class Hashes {
    private Hashes() {
    }

    /** A fresh SHA-256 for callers that hash as bytes arrive. */
    public static MessageDigest sha256() {
        return instance("SHA-256");
    }

    /** SHA-256 over the parts in order, as if they were one array. */
    public static byte[] sha256(byte[]... parts) {
        MessageDigest md = sha256();
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }

    /** SHA-256 (hex) of the text's UTF-8 bytes. */
    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] md5(byte[] data) {
        return instance("MD5").digest(data);
    }

    private static MessageDigest instance(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
