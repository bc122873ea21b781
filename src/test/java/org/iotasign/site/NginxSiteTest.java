package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The published site works unchanged behind a standard web server, with the documented configuration. */
@Timeout(60)
class NginxSiteTest {
    @TempDir
    Path tmp;
    SiteFixture f;
    NginxSite nginx;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(NginxSite.installed(), "nginx is not installed at /usr/sbin/nginx (apt-get install nginx): skipping the nginx test");
        f = new SiteFixture(tmp);
        // nginx runs as this user in single-process mode; the temp folder must be readable by it.
        tmp.toFile().setExecutable(true, false);
        f.publish("02_08_05", "MINOR");
        f.publishTables(f.tablesFile("t.txt", "1.0.3"), "1.0.3");
        Files.writeString(tmp.resolve("secret.txt"), SiteServerTest.SECRET);
        nginx = NginxSite.start(f.site, Path.of("target", "nginx-test-" + UUID.randomUUID()));
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void aDeviceInstallsFromNginx() {
        List<String> log = new ArrayList<>();
        DeviceProbe.Outcome o = DeviceProbe.run(new DeviceProbe.Options(URI.create(nginx.baseUri()), UpdateClass.MINOR, "02_08_04",
                SiteFixture.SIGNER.publicKey(), false, Optional.empty()), log::add);
        assertTrue(o.success(), o.verdict() + "\n" + log);
        assertTrue(log.contains("Updater: signature verified"), log.toString());
        assertTrue(log.contains("Updater: update tables from invalid to 1.0.3"), log.toString());
        DeviceProbe.Outcome current = DeviceProbe.run(new DeviceProbe.Options(URI.create(nginx.baseUri()), UpdateClass.MINOR, "02_08_05",
                SiteFixture.SIGNER.publicKey(), true, Optional.of("1.0.3")), l -> { });
        assertTrue(current.success(), current.verdict());
    }

    @Test
    void nginxServesTheSameBytesTypesAndNothingElse() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> v = http.send(HttpRequest.newBuilder(URI.create(nginx.baseUri() + "/firmware/versions.json")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, v.statusCode());
        assertEquals("application/json", v.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(Files.readAllBytes(f.opened.layout().versionsJson()), v.body());
        HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(nginx.baseUri() + "/firmware/bin/02_08_05.bin"))
                .header("Range", "bytes=-64").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertEquals(64, range.body().length);
        for (String p : List.of("/", "/firmware/", "/firmware/bin/", "/.iotasign/site-key.pub", "/.iotasign/history.jsonl",
                "/firmware/bin/../../.iotasign/site-key.pub", "/%2e%2e/secret.txt", "/firmware/bin/..%2f..%2f.iotasign/site-key.pub",
                "/../secret.txt", "/firmware/bin/%252e%252e/secret.txt", "/..\\secret.txt")) {
            RawHttp.Reply r = RawHttp.send(nginx.port, "GET", p);
            assertTrue(r.status() == 404 || r.status() == 400, p + " -> " + r.status());
            assertFalse(r.text().contains(SiteServerTest.SECRET) || r.text().contains(f.opened.key().hex()), p);
        }
        assertEquals(405, RawHttp.send(nginx.port, "POST", "/firmware/versions.json").status());
    }

    /**
     * A real install: nginx's master runs as root and its workers as nobody, and the site was
     * published under a umask that withholds every permission from others. The workers must
     * still read versions.json and the release (no 403).
     */
    @Test
    void workersRunningAsAnUnprivilegedUserServeASitePublishedUnderUmask077() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "nginx can run its workers as another user only when started as root");
        Path base = Files.createTempDirectory(Path.of("/tmp"), "iotasign-nginx-");
        try {
            // The chain from / to the site must be traversable by the workers' user: /tmp is, this folder is made so.
            Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path site = base.resolve("site");
            Path release = Files.write(base.resolve("release.bin"), SiteFixture.signed("02_08_05"));
            Path tables = f.tablesFile("t2.txt", "1.0.4");
            String key = SiteFixture.SIGNER.publicKey().hex();
            underUmask077("site", "init", "--site", site.toString(), "--pubkey", key);
            underUmask077("publish", "--site", site.toString(), "--class", "MINOR", "--tables", tables.toString(),
                    "--tables-version", "1.0.4", release.toString());
            SiteLayout l = new SiteLayout(site);
            assertEquals("rw-r--r--", PublisherTest.mode(l.blob("02_08_05")));
            assertEquals("rw-r--r--", PublisherTest.mode(l.versionsJson()));
            assertEquals("rwxr-xr-x", PublisherTest.mode(l.blobDir()));
            assertEquals("rw-------", PublisherTest.mode(l.historyFile()));
            assertEquals("rwx------", PublisherTest.mode(l.metaDir()));

            nginx.close();
            nginx = NginxSite.start(site, Path.of("target", "nginx-test-" + UUID.randomUUID()), "nobody nogroup");
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<String> uids = List.of();
            while (System.nanoTime() < deadline) {
                uids = new ArrayList<>();
                for (ProcessHandle h : nginx.servingProcesses()) {
                    Files.readAllLines(Path.of("/proc", String.valueOf(h.pid()), "status")).stream()
                            .filter(line -> line.startsWith("Uid:")).forEach(uids::add);
                }
                if (!uids.isEmpty() && uids.stream().allMatch(u -> u.split("\\s+")[1].equals("65534"))) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(!uids.isEmpty() && uids.stream().allMatch(u -> u.split("\\s+")[1].equals("65534")), "workers run as nobody: " + uids);

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (Path file : List.of(l.versionsJson(), l.blob("02_08_05"), l.tables("1.0.4"))) {
                String path = "/" + l.relative(file);
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(nginx.baseUri() + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), path);
                assertArrayEquals(Files.readAllBytes(file), r.body(), path);
            }
        } finally {
            try (java.util.stream.Stream<Path> s = Files.walk(base)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void underUmask077(String... args) throws Exception {
        ProcessBuilder pb = org.iotasign.testing.IotasignProcess.builder(java.util.Map.of(), List.of(args));
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 077 && exec \"$@\"", "sh"));
        command.addAll(pb.command());
        Process p = pb.command(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + out);
    }
}
