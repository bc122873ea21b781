package org.iotasign.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.Random;

import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.seriallink.BridgeListener;
import org.iotasign.seriallink.BridgeResult;
import org.iotasign.seriallink.BridgeSettings;
import org.iotasign.seriallink.InMemoryLink;
import org.iotasign.seriallink.SerialBridge;
import org.iotasign.seriallink.SerialSigner;
import org.iotasign.seriallink.SignerListener;
import org.iotasign.seriallink.SignerSettings;
import org.iotasign.seriallink.UnreviewedRequests;
import org.iotasign.seriallink.Verdict;
import org.iotasign.testing.Digests;

/**
 * Effective throughput of the serial link over a simulated line (default 921600 baud,
 * 8N1, 4 ms one-way latency): a blob (default 1 MiB) sent with the sliding window, then
 * with stop-and-wait (window 1) using the same 1 KiB chunks, in the same run. Reports
 * payload bytes per second as a fraction of the line rate (baud / 10 bytes per second),
 * from the first HELLO to the verified signature.
 *
 * <p>Arguments (all optional): blob bytes, baud, one-way latency in ms.
 * Output: one line per mode, then {@code target >= 0.95: met|missed}.
 */
public final class SerialLinkBench {
    /** Bytes a UART driver queues before write() blocks, as in a typical USB-serial driver. */
    static final int TX_BUFFER = 4096;

    private SerialLinkBench() {
    }

    public static void main(String[] args) throws Exception {
        int bytes = args.length > 0 ? Integer.parseInt(args[0]) : 1024 * 1024;
        int baud = args.length > 1 ? Integer.parseInt(args[1]) : 921600;
        double latencyMs = args.length > 2 ? Double.parseDouble(args[2]) : 4.0;
        byte[] blob = new byte[bytes];
        new Random(1).nextBytes(blob);
        double lineRate = baud / 10.0;
        System.out.printf(Locale.ROOT, "serial link bench: %d-byte blob, %d baud (%.0f bytes/s), %.1f ms one-way latency%n",
                bytes, baud, lineRate, latencyMs);
        // Warm-up on an instant link: class loading, JIT, SecureRandom seeding and the first
        // Ed25519 signature are one-time costs of a process, not of the link.
        byte[] warm = new byte[64 * 1024];
        for (int i = 0; i < 3; i++) {
            run(null, warm, 0, 0, 8, lineRate);
        }
        double sliding = run("sliding window 8 x 1 KiB", blob, baud, latencyMs, 8, lineRate);
        double stopAndWait = run("stop-and-wait 1 KiB", blob, baud, latencyMs, 1, lineRate);
        System.out.printf(Locale.ROOT, "speed-up of the window over stop-and-wait: %.2fx%n", sliding / stopAndWait);
        System.out.println("target >= 0.95: " + (sliding >= 0.95 ? "met" : "missed"));
    }

    private static double run(String label, byte[] blob, int baud, double latencyMs, int window, double lineRate) throws Exception {
        SoftwareEd25519Signer key = new SoftwareEd25519Signer(new byte[32]);
        InMemoryLink[] pair = InMemoryLink.pair(new InMemoryLink.SerialLine(baud, Math.round(latencyMs * 1000), TX_BUFFER));
        SerialSigner signer = new SerialSigner((b, d) -> {
            byte[] digest = Digests.sha256(b);
            return new Verdict.Signed(digest, key.sign(digest));
        }, UnreviewedRequests.NONE, key.publicKey(), SignerSettings.defaults().withMaxBlobBytes(Math.max(blob.length, 1)), SignerListener.NONE);
        boolean[] stop = {false};
        Thread serving = new Thread(() -> {
            try {
                signer.serve(pair[1], () -> stop[0]);
            } catch (IOException ignored) {
                // link closed at the end
            }
        });
        serving.start();
        long start = System.nanoTime();
        BridgeResult r = new SerialBridge(() -> pair[0], BridgeSettings.defaults().withWindow(window).withChunkSize(1024),
                BridgeListener.NONE, key.publicKey()).submit(blob);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop[0] = true;
        serving.join();
        signer.close();
        if (!key.publicKey().verify(Digests.sha256(blob), r.signature())) {
            throw new IllegalStateException("bench signature does not verify");
        }
        double rate = blob.length / seconds;
        double fraction = rate / lineRate;
        if (label == null) {
            return fraction;
        }
        System.out.printf(Locale.ROOT, "%-26s %7.3f s  %9.0f bytes/s  %.3f of line rate  (%d chunks resent)%n",
                label, seconds, rate, fraction, r.retransmittedChunks());
        return fraction;
    }
}
