package org.iotasign.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleasePacker;
import org.iotasign.site.NginxSite;
import org.iotasign.site.PublishRequest;
import org.iotasign.site.Publisher;
import org.iotasign.site.Site;
import org.iotasign.site.UpdateClass;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;

/**
 * Loopback benchmark of {@code iotasign serve} (its own JVM, started with the launcher's
 * options as scripts/iotasign does) and, when installed, nginx
 * serving the same published site in the same run:
 * <ol>
 *   <li>requests per second for /firmware/versions.json with N keep-alive clients;</li>
 *   <li>MB/s for a 1 MiB release blob with N keep-alive clients;</li>
 *   <li>heap (after GC) before, while 200 clients each hold a 1 MiB download open, and
 *       after they finish, for the built-in server.</li>
 * </ol>
 * Clients are plain sockets speaking HTTP/1.1, one thread each, so both servers meet the
 * same client. Usage: {@code ServeBench [--seconds S] [--clients N] [--holders H]}
 * (S: seconds per measurement and server, split into 3 alternating rounds whose median is
 * reported). Prints one line per measurement with the ratio serve/nginx; exit 1 if any
 * response was wrong.
 */
public final class ServeBench {
    private static final int MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        int seconds = 5;
        int clients = 64;
        int holders = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--holders" -> holders = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: ServeBench [--seconds S] [--clients N] [--holders H]");
                    System.exit(2);
                }
            }
        }
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "serve-bench-");
        work.toFile().setExecutable(true, false); // nginx may run as another user
        boolean ok;
        try {
            ok = run(work, seconds, clients, holders);
        } finally {
            // Both servers are stopped by now (try-with-resources in run).
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(ok ? 0 : 1);
    }

    /** @return false when any response was wrong */
    private static boolean run(Path work, int seconds, int clients, int holders) throws Exception {
        Path siteDir = work.resolve("site");
        SoftwareEd25519Signer signer = TestKeys.test1();
        Site site = Site.init(siteDir, signer.publicKey()).site();
        Path release = work.resolve("02_08_05.bin");
        Files.write(release, oneMibRelease("02_08_05", signer));
        new Publisher(site).publish(new PublishRequest(Optional.of(release), List.of(UpdateClass.MINOR), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty()));
        long blobSize = Files.size(site.layout().blob("02_08_05"));
        long jsonSize = Files.size(site.layout().versionsJson());
        System.out.printf(Locale.ROOT, "site: versions.json %d bytes, blob %d bytes; %d clients, %d s per measurement, %d cores%n",
                jsonSize, blobSize, clients, seconds, Runtime.getRuntime().availableProcessors());

        try (ServeProcess serve = ServeProcess.start(siteDir);
             NginxSite nginx = NginxSite.installed() ? NginxSite.start(siteDir, work.resolve("nginx")) : null) {
            System.out.println("serve: " + serve.description());
            System.out.println(nginx == null ? "nginx: not installed at /usr/sbin/nginx, no comparison (apt-get install nginx)"
                    : "nginx: " + NginxSite.NGINX + " on port " + nginx.port + " with the server block of docs/update-server.md");
            // Warm both up (the JIT in particular), then alternate short rounds so that both
            // meet the same background load; report the median round of each.
            for (int port : nginx == null ? new int[] {serve.port} : new int[] {serve.port, nginx.port}) {
                load(port, "/firmware/versions.json", jsonSize, clients, 2);
                load(port, "/firmware/bin/02_08_05.bin", blobSize, clients, 1);
            }
            List<String> errors = new ArrayList<>();
            double[] json = compare(serve.port, nginx, "/firmware/versions.json", jsonSize, clients, seconds, errors);
            System.out.printf(Locale.ROOT, "versions.json, %d clients: serve %.0f requests/s%s%n", clients, json[0],
                    nginx == null ? "" : String.format(Locale.ROOT, ", nginx %.0f requests/s, ratio serve/nginx %.2fx", json[1], json[0] / json[1]));
            double[] blob = compare(serve.port, nginx, "/firmware/bin/02_08_05.bin", blobSize, clients, seconds, errors);
            System.out.printf(Locale.ROOT, "1 MiB blob, %d clients: serve %.1f MB/s%s%n", clients, blob[0],
                    nginx == null ? "" : String.format(Locale.ROOT, ", nginx %.1f MB/s, ratio serve/nginx %.2fx", blob[1], blob[0] / blob[1]));
            heap(serve, blobSize, holders, errors);
            errors.forEach(e -> System.out.println("ERROR: " + e));
            return errors.isEmpty();
        }
    }

    private static final int ROUNDS = 3;

    /**
     * Median over alternating rounds: requests/s for a small file, MB/s for a large one.
     * Index 0 is serve, 1 nginx (0 when absent).
     */
    private static double[] compare(int servePort, NginxSite nginx, String path, long size, int clients, int seconds,
                                    List<String> errors) throws InterruptedException {
        boolean small = size < MIB / 2;
        double[][] rounds = new double[2][ROUNDS];
        int perRound = Math.max(1, seconds / ROUNDS);
        for (int r = 0; r < ROUNDS; r++) {
            for (int server = 0; server < (nginx == null ? 1 : 2); server++) {
                Result res = load(server == 0 ? servePort : nginx.port, path, size, clients, perRound);
                if (res.error() != null) {
                    errors.add((server == 0 ? "serve " : "nginx ") + res.error());
                }
                rounds[server][r] = small ? res.perSecond() : res.mbPerSecond();
            }
        }
        return new double[] {median(rounds[0]), nginx == null ? 0 : median(rounds[1])};
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    /** A release of exactly 1 MiB: a sample firmware embedding the key, plus a filler file. */
    static byte[] oneMibRelease(String version, SoftwareEd25519Signer signer) {
        byte[] firmware = SampleFirmware.build(version, List.of(signer.publicKey()), 900_000);
        long firmwarePadded = (firmware.length + 7L) / 8 * 8;
        int filler = (int) (MIB - 16 - 64 - 32 - firmwarePadded - 32);
        byte[] data = new byte[filler];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        byte[] unsigned = ReleasePacker.pack(version, List.of(new ReleaseEntry("iotawatt.bin", firmware), new ReleaseEntry("filler.bin", data)),
                FirmwareLimit.DEFAULT).bytes();
        return TestReleases.sign(unsigned, signer);
    }

    record Result(long requests, long bytes, double seconds, String error) {
        double perSecond() {
            return requests / seconds;
        }

        double mbPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    /** {@code clients} keep-alive connections each fetching {@code path} until the time is up. */
    private static Result load(int port, String path, long expectedLength, int clients, int seconds) throws InterruptedException {
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    start.await();
                    // A server may close a keep-alive connection after some requests (nginx:
                    // keepalive_requests); the client then reconnects, as a browser would.
                    while (System.nanoTime() < deadline[0]) {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                            s.setSoTimeout(30_000);
                            s.setTcpNoDelay(true);
                            OutputStream out = s.getOutputStream();
                            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                            boolean open = true;
                            while (open && System.nanoTime() < deadline[0]) {
                                out.write(request);
                                out.flush();
                                Head head = readHead(in);
                                if (head.length() != expectedLength) {
                                    error.compareAndSet(null, path + ": Content-Length " + head.length() + ", expected " + expectedLength);
                                    return;
                                }
                                for (long left = head.length(); left > 0; ) {
                                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                                    if (n < 0) {
                                        error.compareAndSet(null, path + ": connection closed mid-body");
                                        return;
                                    }
                                    left -= n;
                                }
                                requests.incrementAndGet();
                                bytes.addAndGet(head.length());
                                open = !head.close();
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    error.compareAndSet(null, path + ": " + e);
                }
            });
            t.start();
            threads.add(t);
        }
        long begin = System.nanoTime();
        deadline[0] = begin + TimeUnit.SECONDS.toNanos(seconds);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - begin) / 1e9;
        return new Result(requests.get(), bytes.get(), elapsed, error.get());
    }

    /** A response head: Content-Length (or -status for anything but 200) and whether the server closes. */
    record Head(long length, boolean close) {
    }

    private static Head readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        long length = -1;
        int status = 0;
        boolean close = false;
        boolean first = true;
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String l = line.toString().trim();
                line.setLength(0);
                if (l.isEmpty()) {
                    return new Head(status == 200 ? length : -status, close);
                }
                if (first) {
                    status = Integer.parseInt(l.substring(9, 12));
                    first = false;
                } else if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(l.substring(15).trim());
                } else if (l.regionMatches(true, 0, "Connection:", 0, 11)) {
                    close = l.substring(11).trim().equalsIgnoreCase("close");
                }
            } else {
                line.append((char) b);
            }
        }
        throw new IOException("connection closed in the response head");
    }

    /** Heap after GC before, while {@code holders} clients each hold a 1 MiB download open, and after. */
    private static void heap(ServeProcess server, long blobSize, int holders, List<String> errors) throws Exception {
        int port = server.port;
        long before = server.heapUsedAfterGc();
        CountDownLatch started = new CountDownLatch(holders);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> error = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        byte[] request = ("GET /firmware/bin/02_08_05.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int c = 0; c < holders; c++) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (Socket s = new Socket()) {
                    s.setReceiveBufferSize(16 * 1024); // keep the server's writes pending, not parked in the kernel
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    s.setSoTimeout(60_000);
                    s.getOutputStream().write(request);
                    InputStream in = s.getInputStream();
                    long length = readHead(in).length();
                    int first = in.read(buf);
                    started.countDown();
                    release.await();
                    long total = Math.max(first, 0);
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                    }
                    received.addAndGet(total);
                    if (total != length || length != blobSize) {
                        error.compareAndSet(null, "a holder got " + total + " of " + length + " bytes");
                    }
                } catch (IOException | InterruptedException e) {
                    error.compareAndSet(null, e.toString());
                    started.countDown();
                }
            });
            t.start();
            threads.add(t);
        }
        boolean allStarted = started.await(60, TimeUnit.SECONDS);
        long during = server.heapUsedAfterGc();
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long after = server.heapUsedAfterGc();
        System.out.printf(Locale.ROOT, "serve heap after GC: before %.1f MiB, with %d downloads of 1 MiB in flight %.1f MiB, after %.1f MiB "
                        + "(%d MiB delivered)%n",
                before / (double) MIB, holders, during / (double) MIB, after / (double) MIB, received.get() / MIB);
        if (!allStarted) {
            errors.add("heap: not all " + holders + " downloads started");
        }
        if (error.get() != null) {
            errors.add("heap: " + error.get());
        }
    }

}
