package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `iotasign serve` in its own JVM: prints its URL, logs requests, stops cleanly on SIGTERM and SIGINT. */
@Timeout(60)
class ServeProcessTest {
    private static final Pattern URL = Pattern.compile("serving .* at (http://127\\.0\\.0\\.1:\\d+)/ ");

    @TempDir
    Path tmp;

    private Process startServe(Path site) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--site", site.toString(), "--port", "0")
                .redirectErrorStream(true)
                .start();
    }

    private void serveAndStop(String signal, int expectedExit) throws Exception {
        Path site = tmp.resolve("site-" + signal);
        Path release = tmp.resolve("r.bin");
        Files.write(release, TestReleases.signed("02_08_05", TestKeys.test1()));
        assertEquals(0, Cli.run("site", "init", "--site", site.toString(), "--pubkey", TestKeys.test1().publicKey().hex()).exit());
        assertEquals(0, Cli.run("publish", "--site", site.toString(), "--class", "MINOR", release.toString()).exit());
        Process p = startServe(site);
        // Lines are read on their own thread so that every wait below is bounded.
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (java.io.IOException | java.io.UncheckedIOException closed) {
                // The process ended.
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String first = lines.poll(20, TimeUnit.SECONDS);
            Matcher m = URL.matcher(String.valueOf(first));
            assertTrue(m.find(), "first line: " + first);
            String base = m.group(1);
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/firmware/versions.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("02_08_05"));
            boolean logged = false;
            for (String line; !logged && (line = lines.poll(10, TimeUnit.SECONDS)) != null; ) {
                logged = line.matches(".*Z 127\\.0\\.0\\.1 GET /firmware/versions\\.json 200 \\d+");
            }
            assertTrue(logged, "access log line for the request");
            new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor();
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "serve did not stop on SIG" + signal);
            reader.join(5_000);
            List<String> rest = new ArrayList<>(lines);
            assertTrue(rest.contains("stopped"), rest.toString());
            assertTrue(rest.stream().noneMatch(l -> l.contains("Exception")), rest.toString());
            assertEquals(expectedExit, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void stopsCleanlyOnSigterm() throws Exception {
        serveAndStop("TERM", 143);
    }

    @Test
    void stopsCleanlyOnSigint() throws Exception {
        serveAndStop("INT", 130);
    }

}
