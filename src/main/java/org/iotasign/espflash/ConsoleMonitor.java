package org.iotasign.espflash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Watches a device's serial console for expected lines, in order, and for lines that
 * must not appear. Bytes are taken as they come: the ROM's 74880-baud boot text read
 * at another rate is noise without line ends, so text is matched as a substring of each
 * line, and a line with noise in front of it still matches.
 */
public final class ConsoleMonitor {
    /** The verdict and everything received. */
    public record Result(boolean passed, String reason, List<String> lines, byte[] transcript) {
    }

    private final SerialTransport port;
    private final List<String> expected;
    private final List<String> rejected;
    private final Consumer<String> echo;
    private IntConsumer onExpectationMet = i -> { };
    private byte[] pending = new byte[0];

    /**
     * @param echo gets each complete line (made printable) as it arrives
     */
    public ConsoleMonitor(SerialTransport port, List<String> expected, List<String> rejected, Consumer<String> echo) {
        this.port = port;
        this.expected = List.copyOf(expected);
        this.rejected = List.copyOf(rejected);
        this.echo = echo;
    }

    /** Bytes already received from the port (read along with the flasher's last reply); processed first. */
    public ConsoleMonitor withPending(byte[] bytes) {
        this.pending = bytes.clone();
        return this;
    }

    /** Called with the index of each expected text as it appears (for per-step timings). */
    public ConsoleMonitor onExpectationMet(IntConsumer listener) {
        this.onExpectationMet = listener;
        return this;
    }

    /**
     * Reads until every expected text has appeared in order (passed), a rejected text
     * appears (failed), or {@code timeoutMs} passes (failed if anything expected is
     * missing; passed when nothing was expected).
     */
    public Result run(long timeoutMs) throws IOException {
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        StringBuilder line = new StringBuilder();
        List<String> lines = new ArrayList<>();
        int next = 0;
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        byte[] buf = new byte[1024];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                if (line.length() > 0) {
                    String last = line.toString();
                    lines.add(last);
                    echo.accept(last);
                    String bad = firstRejected(last);
                    if (bad != null) {
                        return new Result(false, "rejected text appeared: '" + bad + "'", lines, transcript.toByteArray());
                    }
                    next = advance(last, next);
                }
                if (next < expected.size()) {
                    return new Result(false, "timed out after " + timeoutMs / 1000.0 + " s waiting for '" + expected.get(next) + "'"
                            + (next > 0 ? " (after '" + expected.get(next - 1) + "')" : ""), lines, transcript.toByteArray());
                }
                return new Result(true, "no rejected text within " + timeoutMs / 1000.0 + " s", lines, transcript.toByteArray());
            }
            int n;
            if (pending.length > 0) {
                buf = pending;
                n = pending.length;
                pending = new byte[0];
            } else {
                if (buf.length != 1024) {
                    buf = new byte[1024];
                }
                n = port.read(buf, (int) Math.min(left, 200));
            }
            transcript.write(buf, 0, n);
            for (int i = 0; i < n; i++) {
                int c = buf[i] & 0xff;
                if (c == '\n' || c == '\r') {
                    if (line.length() == 0) {
                        continue;
                    }
                    String complete = line.toString();
                    line.setLength(0);
                    lines.add(complete);
                    echo.accept(complete);
                    String bad = firstRejected(complete);
                    if (bad != null) {
                        return new Result(false, "rejected text appeared: '" + bad + "'", lines, transcript.toByteArray());
                    }
                    next = advance(complete, next);
                    if (!expected.isEmpty() && next == expected.size()) {
                        return new Result(true, "every expected line appeared in order", lines, transcript.toByteArray());
                    }
                } else {
                    // Noise stays visible but cannot fake a line end or a terminal control.
                    line.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
                }
            }
        }
    }

    private int advance(String line, int next) {
        while (next < expected.size() && line.contains(expected.get(next))) {
            onExpectationMet.accept(next);
            next++;
        }
        return next;
    }

    private String firstRejected(String line) {
        for (String r : rejected) {
            if (line.contains(r)) {
                return r;
            }
        }
        return null;
    }
}
