package org.iotasign.keybackup;

import java.util.Locale;

/**
 * Crockford's base32 (no padding): digits and upper-case letters without I, L, O and U,
 * so that handwriting cannot confuse them; reading accepts lower case and the look-alikes
 * O (as 0) and I, L (as 1).
 */
final class Base32 {
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private Base32() {
    }

    /** Encodes whole 5-byte groups: {@code bytes.length} must be a multiple of 5. */
    static String encode(byte[] bytes) {
        if (bytes.length % 5 != 0) {
            throw new IllegalArgumentException("base32 of " + bytes.length + " bytes needs padding");
        }
        StringBuilder sb = new StringBuilder(bytes.length * 8 / 5);
        for (int i = 0; i < bytes.length; i += 5) {
            long v = 0;
            for (int j = 0; j < 5; j++) {
                v = (v << 8) | (bytes[i + j] & 0xff);
            }
            for (int k = 7; k >= 0; k--) {
                sb.append(ALPHABET.charAt((int) (v >>> (5 * k)) & 31));
            }
        }
        return sb.toString();
    }

    /** Character value, or -1 for a character that is not base32 (after the look-alike mapping). */
    static int value(char c) {
        char u = Character.toUpperCase(c);
        if (u == 'O') {
            return 0;
        }
        if (u == 'I' || u == 'L') {
            return 1;
        }
        return u < 128 ? ALPHABET.indexOf(u) : -1;
    }

    /** Decodes a multiple of 8 characters, all of which are base32 (check with {@link #value} first). */
    static byte[] decode(String chars) {
        if (chars.length() % 8 != 0) {
            throw new IllegalArgumentException("base32 length " + chars.length());
        }
        byte[] out = new byte[chars.length() * 5 / 8];
        for (int i = 0, o = 0; i < chars.length(); i += 8, o += 5) {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                int d = value(chars.charAt(i + k));
                if (d < 0) {
                    throw new IllegalArgumentException("not base32: " + chars.substring(i + k, i + k + 1).toUpperCase(Locale.ROOT));
                }
                v = (v << 5) | d;
            }
            for (int j = 4; j >= 0; j--) {
                out[o + 4 - j] = (byte) (v >>> (8 * j));
            }
        }
        return out;
    }
}
