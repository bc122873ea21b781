package org.iotasign.io;

import java.io.IOException;

/**
 * Writes all of a buffer to a serial port whose writes may take part of it, none of it, or
 * fail: jSerialComm's writes do not block, and a port that vanished (an unplugged adapter,
 * a closed pseudo-terminal) can answer "0 bytes taken" for ever. No progress for
 * {@link #STALL_MILLIS} is an error, never a spin.
 */
public final class PortWrites {
    /** How long a write may make no progress before the port counts as gone (a real UART drains 1 KiB in under 0.1 s). */
    public static final long STALL_MILLIS = 5000;

    private PortWrites() {
    }

    /** One attempt: how many of the {@code length} bytes from {@code offset} the port took, or a negative number when it failed. */
    @FunctionalInterface
    public interface Attempt {
        int write(byte[] data, int length, int offset);
    }

    /** @param name the port, for the error message */
    public static void writeAll(byte[] data, Attempt port, String name) throws IOException {
        writeAll(data, port, name, STALL_MILLIS);
    }

    static void writeAll(byte[] data, Attempt port, String name, long stallMillis) throws IOException {
        int done = 0;
        long lastProgress = System.nanoTime();
        while (done < data.length) {
            int n = port.write(data, data.length - done, done);
            if (n < 0) {
                throw new IOException("port " + name + " failed while writing: it disappeared or was closed");
            }
            if (n > 0) {
                done += n;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stallMillis * 1_000_000L) {
                throw new IOException("port " + name + " took no bytes for " + stallMillis / 1000.0 + " s while writing:"
                        + " it disappeared or stalled");
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while writing to port " + name);
                }
            }
        }
    }
}
