package org.iotasign.io;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a transfer of known size. On a terminal it redraws one line
 * ({@code [#####-----]  45%  12.3 KiB/s  ETA 0:42}); otherwise it prints a plain line at
 * the start and at every 10 % so logs stay readable. Rate and ETA come from the bytes done so far.
 */
public final class Progress {
    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final long total;
    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private final long from;
    private long done;
    private long lastDraw;
    private int lastDecile = -1;
    private boolean barOnLine;

    /**
     * @param terminal true to redraw a bar in place, false for plain lines
     * @param clock    nanosecond clock (System::nanoTime; tests pass their own)
     */
    public Progress(String label, long total, PrintWriter out, boolean terminal, LongSupplier clock) {
        this(label, total, 0, out, terminal, clock);
    }

    /**
     * @param from bytes already done when this run starts (a resumed transfer): the rate
     *             counts only what this run moves
     */
    public Progress(String label, long total, long from, PrintWriter out, boolean terminal, LongSupplier clock) {
        this.label = label;
        this.total = Math.max(0, total);
        this.from = Math.min(this.total, Math.max(0, from));
        this.done = this.from;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_NANOS;
    }

    /** True when standard output is an interactive terminal, where the bar is redrawn in place. */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    public synchronized void advance(long bytes) {
        update(done + bytes);
    }

    /** Sets the bytes done so far (clamped to the total). */
    public synchronized void update(long doneBytes) {
        done = Math.min(total, Math.max(0, doneBytes));
        long now = clock.getAsLong();
        if (terminal) {
            if (done == total || now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                out.print("\r" + line(now));
                out.flush();
                barOnLine = true;
            }
        } else {
            int decile = total == 0 ? 10 : (int) (done * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.println(line(now));
                out.flush();
            }
        }
    }

    /**
     * Ends the line a bar is drawn on, redrawn with the latest figures, so that the next
     * output starts on its own line; with no bar on the line it prints nothing. Later
     * updates draw the bar again.
     */
    public synchronized void finish() {
        if (barOnLine) {
            barOnLine = false;
            out.print("\r" + line(clock.getAsLong()) + "\n");
            out.flush();
        }
    }

    /** Prints a status line without tearing the bar. */
    public synchronized void line(String text) {
        finish();
        out.println(text);
        out.flush();
    }

    /** Bytes per second so far in this run (0 before any time has passed). */
    public synchronized double rate(long now) {
        double seconds = (now - start) / 1e9;
        return seconds <= 0 ? 0 : (done - from) / seconds;
    }

    String line(long now) {
        int pct = total == 0 ? 100 : (int) (done * 100 / total);
        StringBuilder sb = new StringBuilder();
        if (!label.isEmpty()) {
            sb.append(label).append(' ');
        }
        if (terminal) {
            int filled = total == 0 ? BAR_WIDTH : (int) (done * BAR_WIDTH / total);
            sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        }
        sb.append(String.format(Locale.ROOT, "%3d%%  %s/%s  %s/s", pct, bytes(done), bytes(total), bytes((long) rate(now))));
        double r = rate(now);
        if (done < total && r > 0) {
            sb.append("  ETA ").append(duration((long) ((total - done) / r)));
        } else if (done == total) {
            sb.append("  in ").append(duration((now - start) / 1_000_000_000L));
        }
        return sb.toString();
    }

    /** 1536 -> "1.5 KiB". */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", n / (1024.0 * 1024));
    }

    /** 75 -> "1:15". */
    public static String duration(long seconds) {
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
