package org.iotasign.seriallink;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.iotasign.crypto.Fingerprints;
import org.iotasign.io.Progress;
import org.iotasign.io.TerminalText;

/**
 * Tells the signing operator what arrives on the serial link, as plain lines and a progress bar.
 *
 * <p>While a review waits for the operator ({@link #showReview} to {@link #reviewAnswered}),
 * nothing scrolls it away: what the link reports meanwhile (another bridge told the signer
 * is busy, malformed or oversized announcements, a lost port) is counted on one line of
 * the review, just above the fingerprint, which a terminal redraws in place; without a
 * terminal the counts follow as one line once the operator has answered.
 */
public final class SignerConsole implements SignerListener {
    /** Lines between the counter line and the line the cursor waits on: the fingerprint, then the prompt. */
    private static final int COUNTER_LINES_UP = 2;

    private final PrintWriter out;
    private final boolean terminal;
    private Progress progress;
    private byte[] announced;
    private boolean waiting;
    private final Map<String, Integer> meanwhile = new TreeMap<>();

    public SignerConsole(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    private synchronized void line(String s) {
        if (progress != null) {
            progress.finish();
        }
        out.println(s);
        out.flush();
    }

    /** A line about something else than the review under way: counted while the operator decides. */
    private synchronized void event(String kind, String s) {
        if (!waiting) {
            line(s);
            return;
        }
        meanwhile.merge(kind, 1, Integer::sum);
        if (terminal) {
            // Save the cursor (the operator may be typing), rewrite the counter line, restore.
            out.print("\u001b7\u001b[" + COUNTER_LINES_UP + "A\r\u001b[2K" + counterLine() + "\u001b8");
            out.flush();
        }
    }

    /**
     * Prints a review whose last line is the fingerprint the prompt will follow, with the
     * counter line above that last line, and holds other lines until {@link #reviewAnswered}.
     */
    public synchronized void showReview(List<String> lines) {
        if (progress != null) {
            progress.finish();
            progress = null;
        }
        meanwhile.clear();
        lines.subList(0, lines.size() - 1).forEach(out::println);
        if (terminal) {
            out.println(counterLine());
        }
        out.println(lines.get(lines.size() - 1));
        out.flush();
        waiting = true;
    }

    /** The operator answered (or no answer was needed): lines flow again. */
    public synchronized void reviewAnswered() {
        if (!waiting) {
            return;
        }
        waiting = false;
        if (!terminal && !meanwhile.isEmpty()) {
            line(counterLine());
        }
        meanwhile.clear();
    }

    private String counterLine() {
        int total = meanwhile.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return "meanwhile    nothing else on the link";
        }
        StringBuilder sb = new StringBuilder("meanwhile    " + total + " other event" + (total == 1 ? "" : "s") + " on the link (");
        meanwhile.forEach((kind, n) -> sb.append(kind).append(' ').append(n).append(", "));
        sb.setLength(sb.length() - 2);
        return sb.append(')').toString();
    }

    @Override
    public synchronized void transferStarted(int transfer, long length, byte[] announcedDigest, boolean resumed, long receivedBytes) {
        if (waiting) {
            event("resumed", "");
            return;
        }
        announced = announcedDigest.clone();
        progress = new Progress("receiving", length, receivedBytes, out, terminal, System::nanoTime);
        line(resumed
                ? "resuming blob " + Fingerprints.of(announcedDigest) + " at byte " + receivedBytes + " of " + length
                : "bridge announces a blob of " + length + " bytes, digest " + Fingerprints.of(announcedDigest));
    }

    @Override
    public synchronized void progress(int transfer, long receivedBytes, long totalBytes) {
        if (progress != null) {
            progress.update(receivedBytes);
        }
    }

    @Override
    public synchronized void reviewing(int transfer, byte[] receivedDigest) {
        boolean match = announced != null && Arrays.equals(announced, receivedDigest);
        line("received; the bytes hash to " + Fingerprints.of(receivedDigest)
                + (match ? " as announced" : ", NOT the announced " + (announced == null ? "?" : Fingerprints.of(announced))));
        progress = null;
    }

    @Override
    public synchronized void verdict(int transfer, Verdict verdict) {
        if (verdict instanceof Verdict.Signed s) {
            line("signed " + Fingerprints.of(s.digest()) + "; signature sent to the bridge");
        } else {
            Verdict.Refused r = (Verdict.Refused) verdict;
            String code = r.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            String text = "refused (" + code + "): " + TerminalText.line(r.reason());
            if (transfer == 0) {
                event(code, text); // An announcement refused before any transfer: not the blob under review.
            } else {
                line(text);
            }
        }
    }

    @Override
    public synchronized void transferEnded(int transfer, String reason) {
        event("transfer ended", "transfer ended without a verdict: " + TerminalText.line(reason));
    }

    @Override
    public synchronized void linkLost(String link, String reason) {
        event("port lost", TerminalText.line(link) + " is not available (" + TerminalText.line(reason)
                + "); retrying every second, a transfer in progress will resume");
    }

    @Override
    public synchronized void protocolError(int transfer, ErrorCode code, String text) {
        if (code != ErrorCode.NO_TRANSFER) {
            String kind = code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            event(kind, "bridge request refused (" + kind + "): " + TerminalText.line(text));
        }
    }
}
