package org.iotasign.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The project's digests: SHA-256 for everything it signs, chains and names, and MD5 only
 * where another party asks for it (S3's Content-MD5 and ETag, the ESP8266 ROM's flash check).
 *
 * <p>BouncyCastle's digests behind the {@link MessageDigest} API, not the JDK's provider
 * framework: a short-lived run ({@code verify}, {@code sign}) would pay about 8 ms to set that
 * framework up, and on a cold JVM BouncyCastle hashes a 1 MiB release in about half the time.
 */
public final class Hashes {
    private Hashes() {
    }

    /** A fresh SHA-256 for callers that hash as bytes arrive. */
    public static MessageDigest sha256() {
        return new BouncyCastleDigest("SHA-256", new SHA256Digest());
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
        return new BouncyCastleDigest("MD5", new MD5Digest()).digest(data);
    }

    private static final class BouncyCastleDigest extends MessageDigest {
        private final Digest digest;

        BouncyCastleDigest(String algorithm, Digest digest) {
            super(algorithm);
            this.digest = digest;
        }

        @Override
        protected void engineUpdate(byte input) {
            digest.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            digest.update(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            byte[] out = new byte[digest.getDigestSize()];
            digest.doFinal(out, 0); // also resets, as engineDigest must
            return out;
        }

        @Override
        protected void engineReset() {
            digest.reset();
        }

        @Override
        protected int engineGetDigestLength() {
            return digest.getDigestSize();
        }
    }
}
