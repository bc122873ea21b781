package org.iotasign.seriallink;

import java.util.Arrays;

/**
 * Consistent Overhead Byte Stuffing: removes every 0x00 from a frame so that 0x00 can
 * delimit frames on the wire. A receiver that sees garbage simply waits for the next
 * 0x00 and starts over, which is what makes the link resynchronise.
 */
final class Cobs {
    private Cobs() {
    }

    /** Worst-case encoded size of {@code n} bytes: one code byte per 254 data bytes, plus one. */
    static int maxEncodedLength(int n) {
        return n + n / 254 + 1;
    }

    static byte[] encode(byte[] in, int off, int len) {
        byte[] out = new byte[maxEncodedLength(len)];
        int codeAt = 0;
        int o = 1;
        int code = 1;
        for (int i = off; i < off + len; i++) {
            byte b = in[i];
            if (b != 0) {
                out[o++] = b;
                code++;
            }
            if (b == 0 || code == 0xFF) {
                out[codeAt] = (byte) code;
                codeAt = o++;
                code = 1;
            }
        }
        out[codeAt] = (byte) code;
        return Arrays.copyOf(out, o);
    }

    /**
     * Decodes into {@code out}; returns the decoded length, or -1 when the input is not
     * valid COBS (a zero byte, or a code that runs past the end).
     */
    static int decode(byte[] in, int len, byte[] out) {
        int i = 0;
        int o = 0;
        while (i < len) {
            int code = in[i++] & 0xFF;
            if (code == 0 || i + code - 1 > len) {
                return -1;
            }
            for (int k = 1; k < code; k++) {
                byte b = in[i++];
                if (b == 0 || o >= out.length) {
                    return -1;
                }
                out[o++] = b;
            }
            if (code != 0xFF && i < len) {
                if (o >= out.length) {
                    return -1;
                }
                out[o++] = 0;
            }
        }
        return o;
    }
}
