package org.iotasign.site;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real nginx serving a site with the server block documented in docs/update-server.md
 * (read from that file, so the documentation is what is tested), in the foreground with
 * its own prefix, pid, logs and temp folders under target/. Used by tests and the bench.
 */
public final class NginxSite implements AutoCloseable {
    public static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path DOC = Path.of("docs/update-server.md");

    final Path prefix;
    public final int port;
    private final Process process;

    private NginxSite(Path prefix, int port, Process process) {
        this.prefix = prefix;
        this.port = port;
        this.process = process;
    }

    public static boolean installed() {
        return Files.isExecutable(NGINX);
    }

    /** The documented server block, listening on 127.0.0.1:port and rooted at the site. */
    static String serverBlock(Path site, int port) throws IOException {
        Matcher m = Pattern.compile("```nginx\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        if (!m.find()) {
            throw new IllegalStateException("no ```nginx block in " + DOC);
        }
        String block = m.group(1);
        if (!block.contains("listen 80;") || !block.contains("/srv/iotasign-site")) {
            throw new IllegalStateException("the documented nginx block no longer has 'listen 80;' and '/srv/iotasign-site'");
        }
        return block.replace("listen 80;", "listen 127.0.0.1:" + port + ";")
                .replace("/srv/iotasign-site", site.toAbsolutePath().toString());
    }

    /** nginx in one process, as the user running it (no root needed). */
    public static NginxSite start(Path site, Path prefix) throws IOException, InterruptedException {
        return start(site, prefix, null);
    }

    /**
     * As a real install runs it: a master process (as root) whose workers run as
     * {@code workerUser} (e.g. "nobody nogroup"), so they read the site as an unprivileged user.
     */
    public static NginxSite start(Path site, Path prefix, String workerUser) throws IOException, InterruptedException {
        Files.createDirectories(prefix.resolve("tmp"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String tmp = prefix.resolve("tmp").toAbsolutePath().toString();
        String conf = "daemon off;\n" + (workerUser == null ? "master_process off;\n" : "master_process on;\nuser " + workerUser + ";\n")
                + "worker_processes 1;\n"
                + "pid " + prefix.toAbsolutePath().resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.toAbsolutePath().resolve("error.log") + " warn;\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n"
                + "  access_log " + prefix.toAbsolutePath().resolve("access.log") + ";\n"
                + "  client_body_temp_path " + tmp + "/body;\n  proxy_temp_path " + tmp + "/proxy;\n"
                + "  fastcgi_temp_path " + tmp + "/fastcgi;\n  uwsgi_temp_path " + tmp + "/uwsgi;\n  scgi_temp_path " + tmp + "/scgi;\n"
                + "  sendfile on;\n"
                + serverBlock(site, port)
                + "}\n";
        Path confFile = prefix.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(NGINX.toString(), "-p", prefix.toAbsolutePath().toString(), "-c", confFile.toAbsolutePath().toString(),
                "-e", prefix.toAbsolutePath().resolve("error.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        // Never leave nginx behind, even when the JVM is interrupted.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        NginxSite n = new NginxSite(prefix, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return n;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    n.close();
                    throw new IllegalStateException("nginx did not start: " + Files.readString(prefix.resolve("error.log"))
                            + Files.readString(prefix.resolve("stdout.log")));
                }
                p.waitFor(50, TimeUnit.MILLISECONDS); // returns early if nginx exits
            }
        }
    }

    /** The processes serving requests: the workers under a master, else nginx itself. */
    public List<ProcessHandle> servingProcesses() {
        List<ProcessHandle> children = process.children().toList();
        return children.isEmpty() ? List.of(process.toHandle()) : children;
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> s = Files.walk(prefix)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
