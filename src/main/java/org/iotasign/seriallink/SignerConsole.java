package org.iotasign.seriallink;

import java.io.PrintWriter;
import java.util.Arrays;

import org.iotasign.crypto.Fingerprints;

/** Tells the signing operator what arrives on the serial link, as plain lines and a progress bar. */
public final class SignerConsole implements SignerListener {
    private final PrintWriter out;
    private final boolean terminal;
    private ProgressPrinter progress;
    private byte[] announced;

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

    @Override
    public synchronized void transferStarted(int transfer, long length, byte[] announcedDigest, boolean resumed, long receivedBytes) {
        announced = announcedDigest.clone();
        progress = new ProgressPrinter(out, terminal, "receiving");
        line(resumed
                ? "resuming blob " + Fingerprints.of(announcedDigest) + " at byte " + receivedBytes + " of " + length
                : "bridge announces a blob of " + length + " bytes, digest " + Fingerprints.of(announcedDigest));
    }

    @Override
    public synchronized void progress(int transfer, long receivedBytes, long totalBytes) {
        if (progress != null) {
            progress.update(receivedBytes, totalBytes);
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
    public void verdict(int transfer, Verdict verdict) {
        if (verdict instanceof Verdict.Signed s) {
            line("signed " + Fingerprints.of(s.digest()) + "; signature sent to the bridge");
        } else {
            Verdict.Refused r = (Verdict.Refused) verdict;
            line("refused (" + r.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): " + r.reason());
        }
    }

    @Override
    public void transferEnded(int transfer, String reason) {
        line("transfer ended without a verdict: " + reason);
    }

    @Override
    public void linkLost(String link, String reason) {
        line(link + " is not available (" + reason + "); retrying every second, a transfer in progress will resume");
    }

    @Override
    public void protocolError(int transfer, ErrorCode code, String text) {
        if (code != ErrorCode.NO_TRANSFER) {
            line("bridge request refused (" + code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): " + text);
        }
    }
}
