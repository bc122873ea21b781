package org.iotasign.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.iotasign.seriallink.BridgeSettings;
import org.iotasign.seriallink.Frame;
import org.iotasign.seriallink.FrameCodec;
import org.iotasign.seriallink.FrameReader;
import org.iotasign.seriallink.FrameType;
import org.iotasign.seriallink.Protocol;
import org.iotasign.seriallink.SerialPortLink;
import org.iotasign.testing.SocatPty;

/**
 * The serial link end to end: {@code iotasign serial-signer --yes} and {@code iotasign
 * bridge submit} as two processes, each on its own socat pseudo-terminal pair, joined by a
 * {@link PacedRelay} that behaves as a cable at the given baud and one-way latency.
 *
 * <p>Measured from the bridge's first byte on the wire (the relay's clock, so the bridge's
 * JVM start, argument checks, file reading and hashing are left out by construction) to
 * the signed file appearing under its name (the atomic rename, seen by inotify). That
 * span holds the handshake, the transfer, the signer's review and signature on its token,
 * the verdict's trip back, and the bridge's device check and write. Reported as payload
 * bytes per second over the line rate ({@code baud / 10} bytes per second); the frames
 * the relay carries split the span into its parts.
 *
 * <p>Arguments: LAUNCHER (scripts/iotasign) UNSIGNED-BLOB KEY-URI WORK-DIR [RUNS [BAUD
 * [LATENCY_MS [cold|warm]]]]. The environment (IOTASIGN_HOME, IOTASIGN_PIN) names the
 * token. {@code cold} (the default, the figure) times the first blob of a fresh signer;
 * {@code warm} sends the blob once untimed and times the second, to show how much of the
 * signer's part is a fresh JVM's.
 */
public final class SerialEndToEndBench {
    private SerialEndToEndBench() {
    }

    /** Times (System.nanoTime) of the frames that mark the parts of a run. */
    private static final class Marks implements PacedRelay.Tap {
        private final FrameReader toSigner = new FrameReader();
        private final FrameReader toBridge = new FrameReader();
        volatile long ready;
        volatile long lastData;
        volatile long lastAck;
        volatile long signed;
        volatile int lastDataSeq = -1;

        void reset() {
            ready = 0;
            lastData = 0;
            lastAck = 0;
            signed = 0;
            lastDataSeq = -1;
        }

        @Override
        public void delivered(PacedRelay.Direction direction, byte[] data, int off, int len, long nanos) {
            FrameReader r = direction == PacedRelay.Direction.A_TO_B ? toSigner : toBridge;
            r.feed(data, off, len);
            for (Frame f = r.poll(); f != null; f = r.poll()) {
                if (f.type() == FrameType.DATA && f.seq() > lastDataSeq) {
                    lastDataSeq = f.seq();
                    lastData = nanos;
                } else if (f.type() == FrameType.READY && ready == 0) {
                    ready = nanos;
                } else if (f.type() == FrameType.ACK) {
                    lastAck = nanos;
                } else if (f.type() == FrameType.SIGNED && signed == 0) {
                    signed = nanos;
                }
            }
        }
    }

    private record Result(double fraction, double startup, double endToEnd, double handshake, double transfer, double verdict,
                          double finish, double lastAckToSigned, double idleSender, double idleRelay, double review,
                          double signing) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: SerialEndToEndBench LAUNCHER UNSIGNED-BLOB KEY-URI WORK-DIR [RUNS [BAUD [LATENCY_MS [cold|warm]]]]");
            System.exit(2);
        }
        Path launcher = Path.of(args[0]);
        Path blob = Path.of(args[1]);
        String key = args[2];
        Path work = Path.of(args[3]);
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        boolean warm = args.length > 7 && args[7].equals("warm");
        int baud = args.length > 5 ? Integer.parseInt(args[5]) : 921600;
        double latencyMs = args.length > 6 ? Double.parseDouble(args[6]) : 4.0;
        long size = Files.size(blob);
        double lineRate = baud / 10.0;
        int chunk = BridgeSettings.forLine(baud).chunkSize();
        double ceiling = size / (double) dataFrameBytes(Files.readAllBytes(blob), chunk);
        System.out.printf(Locale.ROOT, "serial link end to end: %d-byte release, %d baud (%.0f bytes/s), %.1f ms one-way latency,"
                + " two processes over pseudo-terminals and a paced relay; load average %s%n", size, baud, lineRate, latencyMs, load());
        System.out.printf(Locale.ROOT, "framing ceiling (the blob's DATA frames on the wire, in the %d-byte chunks the bridge picks at this"
                + " rate): %.3f of line rate%n", chunk, ceiling);
        List<Result> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Result r = run(launcher, blob, key, Files.createDirectories(work.resolve("run" + i)), baud, latencyMs, size, lineRate, warm);
            results.add(r);
            System.out.printf(Locale.ROOT, "run %d: %.3f of line rate (%.3f without the cable's own delays)  end to end %.3f s"
                            + " (bridge start-up %.2f s left out):"
                            + " handshake %.3f, transfer %.3f (line idle %.3f waiting for the bridge, %.3f for the cable: relay, socat),"
                            + " last chunk to signature back %.3f (of which last ACK to SIGNED %.3f; on the signer's console:"
                            + " review %.3f, ledger record and signature %.3f), check and write %.3f  [load %s]%n",
                    i, r.fraction(), size / (r.endToEnd() - r.idleRelay()) / lineRate, r.endToEnd(), r.startup(), r.handshake(), r.transfer(), r.idleSender(), r.idleRelay(),
                    r.verdict(), r.lastAckToSigned(), r.review(), r.signing(), r.finish(), load());
        }
        double[] fractions = results.stream().mapToDouble(Result::fraction).sorted().toArray();
        double median = fractions[fractions.length / 2];
        System.out.printf(Locale.ROOT, "serial link end to end, 1 MiB%s: %.3f of line rate (median of %d: %s)%n",
                warm ? ", second blob of a warm signer" : "", median, runs,
                Arrays.toString(Arrays.stream(fractions).mapToObj(f -> String.format(Locale.ROOT, "%.3f", f)).toArray()));
        System.out.println("target >= 0.97: " + (median >= 0.97 ? "met" : "missed"));
    }

    private static Result run(Path launcher, Path blob, String key, Path dir, int baud, double latencyMs, long size, double lineRate,
                              boolean warm) throws Exception {
        Path out = dir.resolve("signed.bin");
        Marks marks = new Marks();
        long latency = Math.round(latencyMs * 1_000_000);
        try (SocatPty bridgeCable = new SocatPty(Files.createDirectories(dir.resolve("bridge-pty")));
             SocatPty signerCable = new SocatPty(Files.createDirectories(dir.resolve("signer-pty")));
             PacedRelay relay = new PacedRelay(SerialPortLink.open(bridgeCable.device(), baud), SerialPortLink.open(signerCable.host(), baud),
                     new PacedLine(baud, latency, SerialLinkBench.TX_BUFFER), new PacedLine(baud, latency, SerialLinkBench.TX_BUFFER), marks);
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            Process signer = new ProcessBuilder(launcher.toString(), "serial-signer", "--port", signerCable.device(), "--baud",
                    Integer.toString(baud), "--key", key, "--yes", "--max-requests", warm ? "2" : "1")
                    .redirectErrorStream(true).start();
            Console console = new Console(signer, dir.resolve("signer.log"));
            try {
                console.await("waiting for a bridge", signer);
                // The signer opens its port again after that line; a HELLO sent before would be flushed away.
                Thread.sleep(1000);
                if (warm) {
                    // A first blob through the same signer, untimed: its JIT and token session are warm for the second.
                    Process first = new ProcessBuilder(launcher.toString(), "bridge", "--port", bridgeCable.host(), "--baud",
                            Integer.toString(baud), "submit", blob.toString(), "-o", dir.resolve("warm-up.bin").toString())
                            .redirectErrorStream(true).redirectOutput(dir.resolve("warm-up.log").toFile()).start();
                    if (!first.waitFor(3, TimeUnit.MINUTES) || first.exitValue() != 0) {
                        throw new IllegalStateException("warm-up submit failed: " + Files.readString(dir.resolve("warm-up.log")));
                    }
                    Thread.sleep(500);
                    marks.reset();
                    relay.resetFirstRead();
                    console.mark();
                }
                dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                long started = System.nanoTime();
                Process bridge = new ProcessBuilder(launcher.toString(), "bridge", "--port", bridgeCable.host(), "--baud",
                        Integer.toString(baud), "submit", blob.toString(), "-o", out.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("bridge.log").toFile()).start();
                long written = awaitFile(watch, out, bridge);
                if (!bridge.waitFor(60, TimeUnit.SECONDS) || bridge.exitValue() != 0) {
                    throw new IllegalStateException("bridge submit failed: " + Files.readString(dir.resolve("bridge.log")));
                }
                if (!signer.waitFor(60, TimeUnit.SECONDS) || signer.exitValue() != 0) {
                    throw new IllegalStateException("serial-signer failed: " + Files.readString(dir.resolve("signer.log")));
                }
                console.join();
                byte[] unsigned = Files.readAllBytes(blob);
                byte[] signed = Files.readAllBytes(out);
                if (signed.length != unsigned.length + Protocol.SIGNATURE_LENGTH
                        || !Arrays.equals(unsigned, Arrays.copyOf(signed, unsigned.length))) {
                    throw new IllegalStateException("the signed file is not the blob followed by a signature");
                }
                long first = relay.firstByteRead(PacedRelay.Direction.A_TO_B);
                long idleSender = 0;
                long idleRelay = 0;
                for (PacedRelay.Idle gap : relay.idleGaps(PacedRelay.Direction.A_TO_B)) {
                    // Gaps while chunks were due: from the READY reaching the bridge to the last chunk.
                    long from = Math.max(gap.from(), marks.ready);
                    long to = Math.min(gap.to(), marks.lastData - Math.round(latencyMs * 1_000_000));
                    if (to > from) {
                        if (gap.relayLate()) {
                            idleRelay += to - from;
                        } else {
                            idleSender += to - from;
                        }
                    }
                }
                double e2e = (written - first) / 1e9;
                return new Result(size / e2e / lineRate, (first - started) / 1e9, e2e, (marks.ready - first) / 1e9,
                        (marks.lastData - marks.ready) / 1e9, (marks.signed - marks.lastData) / 1e9, (written - marks.signed) / 1e9,
                        (marks.signed - marks.lastAck) / 1e9, idleSender / 1e9, idleRelay / 1e9,
                        (console.at("verdict ") - console.at("received; ")) / 1e9,
                        (console.at("signed " + version(dir.resolve("bridge.log"))) - console.at("verdict ")) / 1e9);
            } finally {
                signer.destroy();
            }
        }
    }

    /** Bytes on the wire of the blob's DATA frames in chunks of {@code size}, delimiters included (COBS costs less where the data has zeros). */
    private static long dataFrameBytes(byte[] blob, int size) {
        long total = 0;
        for (int i = 0; i * size < blob.length; i++) {
            byte[] chunk = Arrays.copyOfRange(blob, i * size, Math.min(blob.length, (i + 1) * size));
            total += FrameCodec.encode(new Frame(FrameType.DATA, 0, 0x5A5A5A5A, i, chunk)).length;
        }
        return total;
    }

    /** The time the file {@code out} appeared (its atomic rename into place), as System.nanoTime. */
    private static long awaitFile(WatchService watch, Path out, Process bridge) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            WatchKey k = watch.poll(100, TimeUnit.MILLISECONDS);
            long at = System.nanoTime();
            if (k != null) {
                for (WatchEvent<?> e : k.pollEvents()) {
                    if (out.getFileName().equals(e.context())) {
                        return at;
                    }
                }
                k.reset();
            }
            if (!bridge.isAlive() && !Files.exists(out)) {
                throw new IllegalStateException("bridge submit ended (exit " + bridge.exitValue() + ") without writing " + out);
            }
        }
        throw new IllegalStateException("no signed file within 3 minutes");
    }

    /** The version the bridge reported for the blob ("blob NAME: version V, ..."), to find the signer's "signed V" line. */
    private static String version(Path bridgeLog) throws IOException {
        for (String line : Files.readAllLines(bridgeLog)) {
            int at = line.indexOf(": version ");
            if (line.startsWith("blob ") && at > 0) {
                String quoted = line.substring(at + ": version ".length()).split(",")[0];
                return quoted.replaceAll("^\"|\"$", "") + " (ledger"; // the bridge quotes it, the signer's console does not
            }
        }
        return "?";
    }

    /**
     * The signer's console, copied to a log with the time each line was read: the lines
     * it prints when the last byte is in ("received; ..."), when the review is done (its
     * last line, "verdict ..."), and when the ledger record and signature are done
     * ("signed V (ledger record N)") split its part of the run.
     */
    private static final class Console {
        private final List<String> lines = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();
        private final Thread reader;
        private int from;

        Console(Process p, Path log) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                     BufferedWriter out = Files.newBufferedWriter(log)) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        long at = System.nanoTime();
                        synchronized (this) {
                            lines.add(line);
                            times.add(at);
                        }
                        out.write(line);
                        out.newLine();
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "signer-console");
            reader.setDaemon(true);
            reader.start();
        }

        /** Later {@link #at} calls look only at lines read from now on. */
        synchronized void mark() {
            from = lines.size();
        }

        /** When the first line (since the {@link #mark}) starting with {@code prefix} was read, or 0. */
        synchronized long at(String prefix) {
            for (int i = from; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return times.get(i);
                }
            }
            return 0;
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        void await(String text, Process p) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline) {
                if (text().contains(text)) {
                    return;
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("serial-signer ended: " + text());
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("serial-signer did not start within 2 minutes");
        }

        void join() throws InterruptedException {
            reader.join(5000);
        }
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
