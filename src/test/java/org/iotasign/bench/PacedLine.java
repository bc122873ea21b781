package org.iotasign.bench;

/**
 * One direction of a serial line, in time only: bytes enter a transmit FIFO of
 * {@code fifoBytes} (a UART or USB-serial adapter's buffer), leave it one after another at
 * {@code baud / 10} bytes per second (8N1: 10 bit times per byte), and each arrives at the
 * far end {@code latencyNanos} after its last bit left. No clock of its own: every method
 * takes "now", so the schedule can be checked with made-up times.
 */
final class PacedLine {
    private final int baud;
    private final long latencyNanos;
    private final int fifoBytes;
    /** When the last byte accepted so far has left the FIFO (its last bit is on the wire). */
    private long lineFreeAt = Long.MIN_VALUE;
    /** When the line had sent everything before the last {@link #accept} (for idle accounting). */
    private long idleSince = Long.MIN_VALUE;

    PacedLine(int baud, long latencyNanos, int fifoBytes) {
        if (baud <= 0 || latencyNanos < 0 || fifoBytes < 1) {
            throw new IllegalArgumentException("baud > 0, latency >= 0 and a FIFO of at least one byte expected");
        }
        this.baud = baud;
        this.latencyNanos = latencyNanos;
        this.fifoBytes = fifoBytes;
    }

    int baud() {
        return baud;
    }

    long latencyNanos() {
        return latencyNanos;
    }

    int fifoBytes() {
        return fifoBytes;
    }

    /** Wire time of {@code bytes} bytes, rounded down (exact to the nanosecond for any count, no drift). */
    long wireNanos(long bytes) {
        return bytes * 10L * 1_000_000_000L / baud;
    }

    /** Bytes still in the FIFO at {@code now}: accepted, not yet fully on the wire. */
    int queued(long now) {
        if (lineFreeAt == Long.MIN_VALUE || lineFreeAt <= now) {
            return 0;
        }
        long left = lineFreeAt - now;
        // Round up: a byte whose last bit is still being sent occupies its slot.
        return (int) Math.min(fifoBytes, (left * baud + 10L * 1_000_000_000L - 1) / (10L * 1_000_000_000L));
    }

    /** Room in the FIFO at {@code now}. */
    int space(long now) {
        return fifoBytes - queued(now);
    }

    /** The earliest time at which the FIFO has room for {@code bytes} (at most its size). */
    long spaceAt(long now, int bytes) {
        int need = Math.min(bytes, fifoBytes);
        if (space(now) >= need) {
            return now;
        }
        // The FIFO holds fifo - need bytes or fewer once that many byte times remain.
        return lineFreeAt - wireNanos(fifoBytes - need);
    }

    /**
     * Accepts {@code bytes} handed over at {@code now} (no more than {@link #space}): they go
     * on the wire after whatever is queued. Returns the time their first byte starts.
     */
    long accept(long now, int bytes) {
        if (bytes > space(now)) {
            throw new IllegalStateException(bytes + " bytes do not fit the FIFO's " + space(now) + " free bytes");
        }
        idleSince = lineFreeAt;
        long start = lineFreeAt == Long.MIN_VALUE ? now : Math.max(now, lineFreeAt);
        lineFreeAt = start + wireNanos(bytes);
        return start;
    }

    /** When the line ran out of bytes before the latest {@link #accept}: the start of an idle gap if that accept found it idle. */
    long lastIdleSince() {
        return idleSince;
    }

    /** When byte {@code index} (0-based) of a run that started on the wire at {@code wireStart} reaches the far end. */
    long arrival(long wireStart, int index) {
        return wireStart + wireNanos(index + 1L) + latencyNanos;
    }

    /** How many bytes of a run of {@code length} that started at {@code wireStart} have reached the far end by {@code now}. */
    int arrived(long wireStart, int length, long now) {
        long onWire = now - latencyNanos - wireStart;
        if (onWire <= 0) {
            return 0;
        }
        // Byte k has arrived when wireNanos(k + 1) <= onWire; wireNanos rounds down, so count whole byte times.
        long whole = onWire * baud / (10L * 1_000_000_000L);
        while (whole < length && wireNanos(whole + 1) <= onWire) {
            whole++;
        }
        while (whole > 0 && wireNanos(whole) > onWire) {
            whole--;
        }
        return (int) Math.min(length, whole);
    }
}
