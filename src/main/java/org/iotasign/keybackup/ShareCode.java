package org.iotasign.keybackup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import org.iotasign.RejectedException;
import org.iotasign.crypto.Hashes;

/**
 * The text form of a {@link KeyShare} (share format 1), made to be written down by hand and
 * typed back: 72 characters of Crockford base32 in 18 groups of 4 joined by '-'.
 *
 * <pre>
 * bytes  0..4   ceremony id (so the first two groups are the ceremony id as printed)
 * byte   5      threshold m
 * byte   6      share count n
 * byte   7      share index x (1..n)
 * bytes  8..39  share value (32 bytes)
 * bytes 40..44  check: the first 5 bytes of SHA-256("iotasign key share 1" || bytes 0..39)
 * </pre>
 *
 * Reading ignores spaces, '-' and case, and takes O for 0 and I, L for 1. A wrong character
 * fails the 40-bit check except with odds of one in a trillion; the check's domain string
 * names the format, so another format never passes as this one.
 */
public final class ShareCode {
    public static final int CHARACTERS = 72;
    private static final int BODY = 40;
    private static final int CHECK = 5;
    private static final byte[] DOMAIN = "iotasign key share 1".getBytes(StandardCharsets.US_ASCII);

    private ShareCode() {
    }

    public static String encode(KeyShare share) {
        byte[] all = new byte[BODY + CHECK];
        byte[] value = share.value();
        try {
            byte[] id = Base32.decode(share.ceremonyId().replace("-", ""));
            System.arraycopy(id, 0, all, 0, CeremonyId.BYTES);
            all[5] = (byte) share.threshold();
            all[6] = (byte) share.count();
            all[7] = (byte) share.index();
            System.arraycopy(value, 0, all, 8, KeyShare.VALUE_LENGTH);
            System.arraycopy(check(all), 0, all, BODY, CHECK);
            return group(Base32.encode(all));
        } finally {
            Arrays.fill(value, (byte) 0);
            Arrays.fill(all, (byte) 0);
        }
    }

    /**
     * Reads a share typed or stored as text.
     *
     * @throws RejectedException saying what is wrong: a stray character, a wrong length, a failed check
     */
    public static KeyShare decode(String text) {
        StringBuilder chars = new StringBuilder(CHARACTERS);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-' || c == ' ' || c == '\t') {
                continue;
            }
            if (Base32.value(c) < 0) {
                String shown = c > 32 && c < 127 ? "'" + c + "'" : "a control or non-ASCII character";
                throw new RejectedException("the share holds " + shown + ", which is not in the share alphabet "
                        + "(digits and letters except U): check the transcription");
            }
            chars.append(c);
        }
        if (chars.length() != CHARACTERS) {
            throw new RejectedException("the share has " + chars.length() + " characters where a share has " + CHARACTERS
                    + " (18 groups of 4): a group is missing or doubled");
        }
        byte[] all = Base32.decode(chars.toString());
        try {
            byte[] expected = check(all);
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(all, BODY, BODY + CHECK))) {
                throw new RejectedException("the share fails its checksum: a character was mistyped or the share was damaged; "
                        + "compare it group by group with its paper copy");
            }
            int m = all[5] & 0xff;
            int n = all[6] & 0xff;
            int x = all[7] & 0xff;
            if (m < 2 || n < m || n > KeyShare.MAX_SHARES || x < 1 || x > n) {
                throw new RejectedException("the share claims to be share " + x + " of " + n + " with threshold " + m
                        + ", which no ceremony makes: it is not an iotasign key share");
            }
            String id = group(Base32.encode(Arrays.copyOf(all, CeremonyId.BYTES)));
            byte[] value = Arrays.copyOfRange(all, 8, 8 + KeyShare.VALUE_LENGTH);
            try {
                return new KeyShare(id, m, n, x, value);
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    private static byte[] check(byte[] all) {
        return Arrays.copyOf(Hashes.sha256(DOMAIN, Arrays.copyOf(all, BODY)), CHECK);
    }

    /** Groups of 4 characters joined by '-'. */
    static String group(String chars) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < chars.length(); i += 4) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append(chars, i, Math.min(chars.length(), i + 4));
        }
        return sb.toString();
    }
}
