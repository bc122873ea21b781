package org.iotasign.seriallink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records what a signer reported, per transfer, so tests can check every transfer ended clearly. */
final class SignerEvents implements SignerListener {
    final Map<Integer, List<String>> byTransfer = new LinkedHashMap<>();
    final List<Verdict> verdicts = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<Integer> resumed = new ArrayList<>();
    long maxHeld;
    SerialSigner signer;

    private synchronized void add(int t, String e) {
        byTransfer.computeIfAbsent(t, k -> new ArrayList<>()).add(e);
    }

    @Override
    public synchronized void transferStarted(int transfer, long length, byte[] announcedDigest, boolean resumed, long receivedBytes) {
        add(transfer, resumed ? "resumed" : "started");
        if (resumed) {
            this.resumed.add(transfer);
        }
    }

    @Override
    public synchronized void progress(int transfer, long receivedBytes, long totalBytes) {
        if (signer != null) {
            maxHeld = Math.max(maxHeld, signer.heldBytes());
        }
    }

    @Override
    public synchronized void verdict(int transfer, Verdict verdict) {
        add(transfer, "verdict");
        verdicts.add(verdict);
    }

    @Override
    public synchronized void transferEnded(int transfer, String reason) {
        add(transfer, "ended: " + reason);
    }

    @Override
    public synchronized void protocolError(int transfer, ErrorCode code, String text) {
        errors.add(code + ": " + text);
    }

    /** Transfers whose events do not end in exactly one verdict or end. */
    synchronized List<String> unterminated() {
        List<String> bad = new ArrayList<>();
        byTransfer.forEach((t, ev) -> {
            long terminal = ev.stream().filter(e -> e.equals("verdict") || e.startsWith("ended")).count();
            if (terminal != 1) {
                bad.add(Integer.toUnsignedString(t) + " " + ev);
            }
        });
        return bad;
    }
}
