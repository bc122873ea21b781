package org.iotasign.seriallink;

import java.io.IOException;

/** Frames over a {@link Link}: sends encoded frames, returns the valid frames received. */
final class FrameChannel {
    private final Link link;
    private final FrameReader reader = new FrameReader();
    private final byte[] buf = new byte[2048];

    FrameChannel(Link link) {
        this.link = link;
    }

    void send(Frame f) throws IOException {
        link.write(FrameCodec.encode(f));
    }

    /** @return the next valid frame, or null when none arrived within {@code timeoutMillis} */
    Frame receive(int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            Frame f = reader.poll();
            if (f != null) {
                return f;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            int n = link.read(buf, (int) Math.min(left, Integer.MAX_VALUE));
            reader.feed(buf, 0, n);
        }
    }
}
