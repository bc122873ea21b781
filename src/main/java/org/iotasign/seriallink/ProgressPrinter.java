package org.iotasign.seriallink;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows transfer progress: on a terminal a bar redrawn in place with rate and time left,
 * otherwise (logs, pipes) a plain line at every tenth of the way.
 */
public final class ProgressPrinter {
    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private long startNanos = -1;
    private long startBytes;
    private long lastDraw;
    private int lastTenth = -1;
    private boolean drawn;

    public ProgressPrinter(PrintWriter out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** True when standard output is an interactive terminal. */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    public synchronized void update(long done, long total) {
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
            startBytes = done;
        }
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - startBytes) / seconds : 0;
        if (terminal) {
            if (now - lastDraw < REDRAW_NANOS && done < total) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = total == 0 ? width : (int) (width * done / total);
            String eta = rate > 0 ? clock((total - done) / rate) : "--:--";
            out.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %s/%s %s/s ETA %s ", label, "#".repeat(filled), ".".repeat(width - filled),
                    percent(done, total), size(done), size(total), size((long) rate), eta);
            drawn = true;
        } else {
            int tenth = total == 0 ? 10 : (int) (10 * done / total);
            if (tenth == lastTenth) {
                return;
            }
            lastTenth = tenth;
            out.printf(Locale.ROOT, "%s: %d%% (%d of %d bytes, %s/s)%n", label, percent(done, total), done, total, size((long) rate));
        }
        out.flush();
    }

    /** Ends the bar's line so the next message starts on its own line. */
    public synchronized void finish() {
        if (drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }

    /** Prints a status line without tearing the bar. */
    public synchronized void line(String text) {
        finish();
        out.println(text);
        out.flush();
    }

    private static int percent(long done, long total) {
        return total == 0 ? 100 : (int) (100 * done / total);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024));
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
