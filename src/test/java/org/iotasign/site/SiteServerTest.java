package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SiteServerTest {
    static final String SECRET = "TOP-SECRET-MARKER-7f3a";

    @TempDir
    Path tmp;
    SiteFixture f;
    SiteServer server;
    Queue<String> accessLog = new ConcurrentLinkedQueue<>();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] blob;
    byte[] versions;

    @BeforeEach
    void start() throws IOException {
        f = new SiteFixture(tmp);
        f.publish("02_08_05", "MINOR");
        f.publishTables(f.tablesFile("t.txt", "1.0.3"), "1.0.3");
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(f.site.resolve("secret.txt"), SECRET);
        Files.writeString(f.site.resolve("firmware/secret.txt"), SECRET);
        blob = Files.readAllBytes(f.opened.layout().blob("02_08_05"));
        versions = Files.readAllBytes(f.opened.layout().versionsJson());
        server = SiteServer.start(f.opened.layout(), "127.0.0.1", 0, accessLog::add);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUri() + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void bindsLoopbackOnAnEphemeralPort() {
        assertTrue(server.port() > 0);
        assertEquals("http://127.0.0.1:" + server.port(), server.baseUri().toString());
    }

    @Test
    void versionsJsonIsServedAsJsonWithLengthEtagAndLastModified() throws Exception {
        HttpResponse<byte[]> r = get("/firmware/versions.json");
        assertEquals(200, r.statusCode());
        assertArrayEquals(versions, r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals(String.valueOf(versions.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertTrue(r.headers().firstValue("ETag").isPresent());
        assertTrue(r.headers().firstValue("Last-Modified").isPresent());
        assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void blobAndTablesHaveTheirTypes() throws Exception {
        HttpResponse<byte[]> b = get("/firmware/bin/02_08_05.bin");
        assertEquals(200, b.statusCode());
        assertArrayEquals(blob, b.body());
        assertEquals("application/octet-stream", b.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<byte[]> t = get("/download/tables/1.0.3.txt");
        assertEquals(200, t.statusCode());
        assertTrue(t.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    }

    @Test
    void conditionalGetWithTheEtagAnswers304() throws Exception {
        String etag = get("/firmware/versions.json").headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> r = get("/firmware/versions.json", "If-None-Match", etag);
        assertEquals(304, r.statusCode());
        assertEquals(0, r.body().length);
    }

    @Test
    void headSendsTheHeadersWithoutABody() throws Exception {
        RawHttp.Reply r = RawHttp.send(server.port(), "HEAD", "/firmware/bin/02_08_05.bin");
        assertEquals(200, r.status());
        assertTrue(r.head().contains("Content-Length: " + blob.length), r.head());
        assertEquals(0, r.body().length);
    }

    @Test
    void rangesAreServedExactly() throws Exception {
        HttpResponse<byte[]> mid = get("/firmware/bin/02_08_05.bin", "Range", "bytes=100-199");
        assertEquals(206, mid.statusCode());
        assertEquals("bytes 100-199/" + blob.length, mid.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 100, 200), mid.body());
        HttpResponse<byte[]> signature = get("/firmware/bin/02_08_05.bin", "Range", "bytes=-64");
        assertEquals(206, signature.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, blob.length - 64, blob.length), signature.body());
        HttpResponse<byte[]> beyond = get("/firmware/bin/02_08_05.bin", "Range", "bytes=" + (blob.length + 10) + "-");
        assertEquals(416, beyond.statusCode());
    }

    @Test
    void everythingButTheThreeKindsOfFileIsNotFound() throws Exception {
        for (String p : List.of("/", "/firmware", "/firmware/", "/firmware/bin", "/firmware/bin/", "/download/", "/download/tables/",
                "/secret.txt", "/firmware/secret.txt", "/.iotasign/site-key.pub", "/.iotasign/history.jsonl", "/index.html",
                "/firmware/bin/02_08_04.bin", "/firmware/versions.json/", "/firmware/bin/.02_08_05.bin", "/download/tables/1.0.3.bin",
                "/firmware/VERSIONS.JSON", "/firmware/bin/02_08_05.bin/.")) {
            RawHttp.Reply r = RawHttp.send(server.port(), "GET", p);
            assertTrue(r.status() == 404 || r.status() == 400, p + " -> " + r.status());
            assertFalse(r.text().contains(SECRET), p);
            assertFalse(r.text().contains(f.opened.key().hex()), p);
            assertFalse(r.text().contains("<a href"), p + " must not list a folder");
        }
    }

    @Test
    void traversalAttemptsNeverEscapeTheServedFiles() throws Exception {
        List<String> attempts = List.of(
                "/../secret.txt", "/firmware/../../secret.txt", "/firmware/bin/../../secret.txt",
                "/firmware/bin/../../.iotasign/site-key.pub", "/firmware/bin/../secret.txt",
                "/%2e%2e/secret.txt", "/firmware/%2e%2e/%2e%2e/secret.txt", "/firmware/bin/%2E%2E/%2E%2E/secret.txt",
                "/firmware/bin/..%2f..%2fsecret.txt", "/firmware/bin/..%2F..%2F.iotasign%2Fsite-key.pub", "/firmware%2fsecret.txt",
                "/%252e%252e/secret.txt", "/firmware/bin/%252e%252e%252f%252e%252e%252fsecret.txt", "/firmware/bin/%25%32%65%25%32%65/x.bin",
                "/..\\secret.txt", "/firmware\\..\\..\\secret.txt", "/firmware/bin/..\\..\\secret.txt",
                "/firmware/bin/%5c..%5c..%5csecret.txt", "/firmware/bin/..%5c..%5csecret.txt",
                "/firmware/bin/..;/..;/secret.txt", "/firmware/bin/%2e%2e;/secret.txt", "//secret.txt", "/firmware/bin//../../secret.txt",
                "/firmware/versions.json%00.txt", "/firmware/bin/02_08_05.bin%00", "/%2eiotasign/site-key.pub",
                "/firmware/bin/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt", "/firmware/bin/.%2e/.%2e/secret.txt",
                "http://127.0.0.1/../secret.txt", "/firmware/bin/../../../../../../etc/passwd", "/download/tables/../../secret.txt");
        for (String a : attempts) {
            RawHttp.Reply r = RawHttp.send(server.port(), "GET", a);
            assertTrue(r.status() == 400 || r.status() == 404, a + " -> " + r.status());
            assertFalse(r.text().contains(SECRET), a + " leaked a file outside the served set");
            assertFalse(r.text().contains(f.opened.key().hex()), a + " leaked the site key file");
            assertFalse(r.text().contains("root:"), a);
        }
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        for (String m : List.of("POST", "PUT", "DELETE", "OPTIONS", "PATCH")) {
            RawHttp.Reply r = RawHttp.send(server.port(), m, "/firmware/versions.json");
            assertEquals(405, r.status(), m);
            assertTrue(r.head().contains("Allow: GET, HEAD"), r.head());
        }
        assertArrayEquals(versions, Files.readAllBytes(f.opened.layout().versionsJson()));
    }

    @Test
    void everyRequestGetsOneAccessLogLine() throws Exception {
        get("/firmware/versions.json");
        get("/nothing-here");
        RawHttp.send(server.port(), "GET", "/firmware/bin/%2e%2e/secret.txt");
        RawHttp.send(server.port(), "GET", "/%2e%2e/secret.txt");
        RawHttp.send(server.port(), "HEAD", "/firmware/bin/02_08_05.bin");
        List<String> expected = List.of("127.0.0.1 GET /firmware/versions.json 200 " + versions.length, "127.0.0.1 GET /nothing-here 404 ",
                "127.0.0.1 GET /firmware/bin/%2e%2e/secret.txt 400 ",
                "127.0.0.1 BAD /badMessage 400 ", // escapes the root: Jetty refuses it before parsing a path
                "127.0.0.1 HEAD /firmware/bin/02_08_05.bin 200 0");
        long deadline = System.nanoTime() + 5_000_000_000L;
        // The log line is written when the exchange completes, just after the client has the response.
        while (System.nanoTime() < deadline && !expected.stream().allMatch(e -> accessLog.stream().anyMatch(l -> l.contains(e)))) {
            Thread.onSpinWait();
        }
        for (String e : expected) {
            assertEquals(1, accessLog.stream().filter(l -> l.contains(e)).count(), e + " in " + accessLog);
        }
        assertTrue(accessLog.stream().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z 127\\.0\\.0\\.1 [A-Z]+ \\S+ \\d{3} \\d+")), accessLog.toString());
    }

    @Test
    void aPublishIsVisibleOnTheNextRequest() throws Exception {
        assertArrayEquals(versions, get("/firmware/versions.json").body());
        f.publish("02_08_06", "MINOR");
        String now = new String(get("/firmware/versions.json").body());
        assertTrue(now.contains("02_08_06"), now);
        assertEquals(200, get("/firmware/bin/02_08_06.bin").statusCode());
    }

    @Test
    void concurrentClientsGetByteExactFiles() throws Exception {
        int clients = 32;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                final int id = c;
                results.add(pool.submit(() -> {
                    HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    for (int i = 0; i < 6; i++) {
                        String path = (id + i) % 3 == 0 ? "/firmware/versions.json" : "/firmware/bin/02_08_05.bin";
                        byte[] expected = path.endsWith(".json") ? versions : blob;
                        HttpResponse<byte[]> r = own.send(HttpRequest.newBuilder(URI.create(server.baseUri() + path)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200 || !Arrays.equals(expected, r.body())) {
                            return "client " + id + " got " + r.statusCode() + " with " + r.body().length + " bytes for " + path;
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> r : results) {
                assertEquals("ok", r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pathParametersAreRefused() throws Exception {
        for (String p : List.of("/firmware/versions.json;x", "/firmware/bin/02_08_05.bin;jsessionid=1", "/firmware;a/versions.json",
                "/download/tables/1.0.3.txt;")) {
            RawHttp.Reply r = RawHttp.send(server.port(), "GET", p);
            assertEquals(400, r.status(), p);
        }
    }

    @Test
    void ifRangeWithAnotherValidatorGetsTheWholeFile() throws Exception {
        String etag = get("/firmware/bin/02_08_05.bin").headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> stale = get("/firmware/bin/02_08_05.bin", "Range", "bytes=0-99", "If-Range", "\"not-this-file\"");
        assertEquals(200, stale.statusCode());
        assertArrayEquals(blob, stale.body());
        HttpResponse<byte[]> oldDate = get("/firmware/bin/02_08_05.bin", "Range", "bytes=0-99", "If-Range", "Sat, 01 Jan 2000 00:00:00 GMT");
        assertEquals(200, oldDate.statusCode());
        assertArrayEquals(blob, oldDate.body());
        HttpResponse<byte[]> current = get("/firmware/bin/02_08_05.bin", "Range", "bytes=0-99", "If-Range", etag);
        assertEquals(206, current.statusCode());
        assertArrayEquals(Arrays.copyOf(blob, 100), current.body());
    }

    @Test
    void aRequestForManyRangesGetsTheFileOnceNeverMore() throws Exception {
        StringBuilder many = new StringBuilder("bytes=0-");
        for (int i = 0; i < 500; i++) {
            many.append(",0-");
        }
        for (String range : List.of(many.toString(), "bytes=0-0,2-2", "bytes=0-99,100-199")) {
            HttpResponse<byte[]> r = get("/firmware/bin/02_08_05.bin", "Range", range);
            assertEquals(200, r.statusCode(), range.length() > 40 ? range.substring(0, 40) + "..." : range);
            assertArrayEquals(blob, r.body(), "the whole file, once");
        }
    }

    @Test
    void aServerFaultIsA500WithoutDetail() throws Exception {
        Path away = tmp.resolve("site-moved");
        Files.move(f.site, away); // the site folder vanishes under the running server
        try {
            RawHttp.Reply r = RawHttp.send(server.port(), "GET", "/firmware/versions.json");
            assertEquals(500, r.status());
            assertEquals("internal error\n", r.text());
            assertFalse(r.head().contains("Exception") || r.head().contains(tmp.toString()), r.head());
        } finally {
            Files.move(away, f.site);
        }
        assertEquals(200, get("/firmware/versions.json").statusCode());
    }

    /**
     * One thread swaps a release, and the folder holding it, for links to a secret outside the
     * site while a client keeps fetching the release on loopback: no response ever carries the
     * secret, and the release itself still gets through.
     */
    @Test
    @Timeout(60)
    void aReleaseSwappedForALinkIsNeverFollowed() throws Exception {
        SiteLayout l = f.opened.layout();
        byte[] release = ("RELEASE-BYTES-" + "r".repeat(2000)).getBytes();
        byte[] secret = (SECRET + "s".repeat(2000)).getBytes();
        Path target = l.blob("02_08_06");
        Files.write(target, release);
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside.resolve("bin"));
        Files.write(outside.resolve("secret.bin"), secret);
        Files.write(outside.resolve("bin/02_08_06.bin"), secret);
        Path spare = tmp.resolve("spare.bin");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger swaps = new java.util.concurrent.atomic.AtomicInteger();
        Thread swapper = new Thread(() -> {
            try {
                Path link = l.blobDir().resolve("link.tmp");
                Path realBin = tmp.resolve("real-bin");
                Path binLink = tmp.resolve("bin-link");
                for (int i = 0; i < 20_000 && !stop.get(); i++) {
                    if (i % 2 == 0) { // the file becomes a link to the secret, then a file again
                        Files.deleteIfExists(link);
                        Files.createSymbolicLink(link, outside.resolve("secret.bin"));
                        Files.move(link, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        Files.write(spare, release);
                        Files.move(spare, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    } else { // firmware/bin becomes a link to a folder outside, then the folder again
                        Files.move(l.blobDir(), realBin, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        Files.deleteIfExists(binLink);
                        Files.createSymbolicLink(binLink, outside.resolve("bin"));
                        Files.move(binLink, l.blobDir(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        Files.delete(l.blobDir());
                        Files.move(realBin, l.blobDir(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                    swaps.incrementAndGet();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        swapper.start();
        int ok = 0;
        int requests = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        try {
            for (; requests < 2000 && System.nanoTime() < deadline; requests++) {
                HttpResponse<byte[]> r = get("/firmware/bin/02_08_06.bin");
                String body = new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(body.contains(SECRET), "request " + requests + " sent the secret outside the site (status " + r.statusCode() + ")");
                if (r.statusCode() == 200) {
                    assertArrayEquals(release, r.body(), "request " + requests);
                    ok++;
                } else {
                    assertEquals(404, r.statusCode(), "request " + requests);
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertTrue(swaps.get() > 100, "the swapper ran: " + swaps.get());
        assertTrue(ok > 0, "the release got through between swaps (" + requests + " requests)");
    }

    static long openFiles() throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** Every answer closes the file it opened: sent, not modified, ranges, HEAD, refused, and a client hanging up mid-download. */
    @Test
    void everyAnswerClosesTheFileItOpened() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "no /proc/self/fd to count open files");
        assertTrue(blob.length > 64 * 1024, "the blob is streamed, not sent in one write");
        RawHttp.send(server.port(), "GET", "/firmware/bin/02_08_05.bin"); // warm up
        long before = openFiles();
        for (int i = 0; i < 40; i++) {
            RawHttp.send(server.port(), "GET", "/firmware/bin/02_08_05.bin");
            RawHttp.send(server.port(), "HEAD", "/firmware/bin/02_08_05.bin");
            RawHttp.send(server.port(), "GET", "/firmware/versions.json");
            RawHttp.send(server.port(), "GET", "/nothing");
            try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.port())) {
                sock.getOutputStream().write(("GET /firmware/bin/02_08_05.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=" + (blob.length + 5)
                        + "-\r\n\r\nGET /firmware/bin/02_08_05.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
                sock.getInputStream().readNBytes(300); // then hang up in the middle of the download
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (openFiles() > before + 4 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(openFiles() <= before + 4, "open files before " + before + ", after " + openFiles());
    }
}
