package org.iotasign.espflash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * SLIP framing as the ESP ROM uses it: {@code C0 <body> C0}, with {@code DB} escaped as
 * {@code DB DD} and {@code C0} as {@code DB DC}. Escaping is applied last, so sizes and
 * checksums inside the body describe the unescaped bytes.
 */
public final class Slip {
    public static final int END = 0xC0;
    public static final int ESC = 0xDB;
    public static final int ESC_END = 0xDC;
    public static final int ESC_ESC = 0xDD;

    private Slip() {
    }

    public static byte[] encode(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 8);
        out.write(END);
        for (byte b : body) {
            int v = b & 0xff;
            if (v == END) {
                out.write(ESC);
                out.write(ESC_END);
            } else if (v == ESC) {
                out.write(ESC);
                out.write(ESC_ESC);
            } else {
                out.write(v);
            }
        }
        out.write(END);
        return out.toByteArray();
    }

    /**
     * Reassembles frames from a byte stream. Bytes outside a frame (boot text, noise) are
     * skipped, empty frames ({@code C0 C0}) are ignored, and a frame with a bad escape is
     * dropped whole: a reply that cannot be trusted is treated like a lost one.
     */
    public static final class Decoder {
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream(1100);
        private boolean inFrame;
        private boolean escaped;
        private boolean broken;

        /** Feeds one byte; returns a complete frame body, or null. */
        public byte[] feed(int b) {
            b &= 0xff;
            if (!inFrame) {
                if (b == END) {
                    inFrame = true;
                    frame.reset();
                    escaped = false;
                    broken = false;
                }
                return null;
            }
            if (b == END) {
                if (frame.size() == 0 && !broken) {
                    return null; // empty frame, or the closing C0 doubles as the next opening one
                }
                byte[] body = frame.toByteArray();
                boolean bad = broken || escaped;
                frame.reset();
                escaped = false;
                broken = false;
                if (bad) {
                    return null;
                }
                return body;
            }
            if (escaped) {
                escaped = false;
                if (b == ESC_END) {
                    frame.write(END);
                } else if (b == ESC_ESC) {
                    frame.write(ESC);
                } else {
                    broken = true;
                }
            } else if (b == ESC) {
                escaped = true;
            } else {
                frame.write(b);
            }
            return null;
        }

        /** Forgets a partly received frame (after the input was discarded). */
        public void reset() {
            inFrame = false;
            frame.reset();
            escaped = false;
            broken = false;
        }
    }

    /** Reads whole frames from a transport with a deadline. */
    public static final class Reader {
        private static final long POLL_MS = 100;
        private final SerialTransport transport;
        private final Decoder decoder = new Decoder();
        private final byte[] buf = new byte[4096];
        private int pos;
        private int len;

        public Reader(SerialTransport transport) {
            this.transport = transport;
        }

        /** The next frame body, or null when none completed within {@code timeoutMs}. */
        public byte[] next(long timeoutMs) throws IOException {
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            while (true) {
                while (pos < len) {
                    byte[] f = decoder.feed(buf[pos++]);
                    if (f != null) {
                        return f;
                    }
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                // A steady poll interval: ports may reconfigure themselves when the timeout changes.
                len = transport.read(buf, (int) Math.min(left, POLL_MS));
                pos = 0;
            }
        }

        /** Bytes read from the port but not decoded yet (e.g. console text after the last reply); clears them. */
        public byte[] takeBuffered() {
            byte[] rest = java.util.Arrays.copyOfRange(buf, pos, len);
            pos = 0;
            len = 0;
            decoder.reset();
            return rest;
        }

        /** Drops buffered bytes and any partial frame, and discards the port's input. */
        public void discard() throws IOException {
            pos = 0;
            len = 0;
            decoder.reset();
            transport.discardInput();
        }
    }
}
