package org.iotasign.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iotasign.cli.Main;

/**
 * {@code iotasign serve --port 0} in a child JVM, as a user runs it: the JVM options of
 * scripts/iotasign unless IOTASIGN_JAVA_OPTS_BENCH overrides them. Its access log is
 * drained and counted; its heap is read with jcmd after a forced GC.
 */
final class ServeProcess implements AutoCloseable {
    static final List<String> LAUNCHER_OPTS = List.of("-XX:+UseSerialGC", "-Xshare:auto"); // as src/dist/lib/iotasign-env.sh starts serve
    private static final Pattern URL = Pattern.compile("serving .* at http://127\\.0\\.0\\.1:(\\d+)/ ");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    final int port;
    private final Process process;
    private final List<String> opts;

    private ServeProcess(Process process, int port, List<String> opts) {
        this.process = process;
        this.port = port;
        this.opts = opts;
    }

    static ServeProcess start(Path site) throws IOException, InterruptedException {
        String override = System.getenv("IOTASIGN_JAVA_OPTS_BENCH");
        List<String> opts = override == null ? LAUNCHER_OPTS : List.of(override.trim().split("\\s+"));
        List<String> cmd = new ArrayList<>();
        cmd.add(javaTool("java"));
        cmd.addAll(opts);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--site", site.toString(), "--port", "0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy)); // never leave the server behind
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        AtomicLong lines = new AtomicLong();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (lines.incrementAndGet() <= 3) {
                        first.add(line);
                    }
                }
            } catch (IOException ended) {
                // The process is gone.
            }
        }, "serve-log-drain");
        drain.setDaemon(true);
        drain.start();
        String line = first.poll(30, TimeUnit.SECONDS);
        Matcher m = URL.matcher(String.valueOf(line));
        if (!m.find()) {
            p.destroyForcibly();
            throw new IllegalStateException("iotasign serve did not start: " + line);
        }
        return new ServeProcess(p, Integer.parseInt(m.group(1)), opts);
    }

    String description() {
        return "pid " + process.pid() + ", port " + port + ", JVM options " + String.join(" ", opts);
    }

    /** Heap in use right after a full GC of the server's JVM (jcmd GC.run, GC.heap_info). */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        run(javaTool("jcmd"), String.valueOf(process.pid()), "GC.run");
        long usedK = 0;
        for (String l : run(javaTool("jcmd"), String.valueOf(process.pid()), "GC.heap_info")) {
            // Serial: "def new generation ... used NK" and "tenured generation ... used NK"; G1: "garbage-first heap ... used NK".
            if (l.contains("generation") || l.contains("heap")) {
                Matcher m = USED.matcher(l);
                if (m.find()) {
                    usedK += Long.parseLong(m.group(1));
                }
            }
        }
        return usedK * 1024;
    }

    private static List<String> run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.lines().toList();
        }
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
