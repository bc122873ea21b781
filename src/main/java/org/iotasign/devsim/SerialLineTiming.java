package org.iotasign.devsim;

/**
 * How the virtual device imitates a real serial line: each request takes its time on the
 * wire at {@code baud} (10 bits per byte), the device turns around after {@code latencyMs},
 * and each reply takes its time on the wire before the host sees it. {@code baud = 0}
 * answers as fast as the pseudo-terminal allows.
 */
public record SerialLineTiming(int baud, double latencyMs) {
    public static final SerialLineTiming INSTANT = new SerialLineTiming(0, 0);

    public long wireNanos(int bytes) {
        return baud <= 0 ? 0 : bytes * 10L * 1_000_000_000L / baud;
    }

    public long latencyNanos() {
        return (long) (latencyMs * 1_000_000);
    }
}
