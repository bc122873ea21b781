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
@Timeout(30)
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
}
