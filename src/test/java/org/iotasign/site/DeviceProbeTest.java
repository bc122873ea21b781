package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.sun.net.httpserver.HttpServer;

import org.iotasign.EnvironmentException;
import org.iotasign.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DeviceProbeTest {
    @TempDir
    Path tmp;
    SiteFixture f;
    SiteServer server;
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        f = new SiteFixture(tmp);
        f.publish("02_08_05", "MINOR");
        f.publishTables(f.tablesFile("t.txt", "1.0.3"), "1.0.3");
        server = SiteServer.start(f.opened.layout(), "127.0.0.1", 0, line -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DeviceProbe.Outcome probe(URI uri, String cls, String current, boolean expectCurrent, String tables) {
        log.clear();
        return DeviceProbe.run(new DeviceProbe.Options(uri, UpdateClass.parse(cls), current, SiteFixture.SIGNER.publicKey(),
                expectCurrent, Optional.ofNullable(tables)), log::add);
    }

    private DeviceProbe.Outcome probe(String cls, String current, boolean expectCurrent) {
        return probe(server.baseUri(), cls, current, expectCurrent, null);
    }

    private List<String> deviceLines() {
        return log.stream().filter(l -> !l.startsWith("probe:")).toList();
    }

    @Test
    void aDeviceOnAnOlderVersionDownloadsVerifiesAndInstallsThenFetchesTables() {
        DeviceProbe.Outcome o = probe("MINOR", "02_08_04", false);
        assertTrue(o.success(), o.verdict() + "\n" + log);
        List<String> lines = deviceLines();
        assertEquals("Updater: service started. Auto-update class is MINOR", lines.get(0));
        assertEquals("Updater: Update from 02_08_04 to 02_08_05", lines.get(1));
        assertEquals("Updater: download 02_08_05", lines.get(2));
        assertTrue(lines.get(3).matches("Updater: Release downloaded \\d+ms, size \\d+"), lines.get(3));
        assertEquals("Updater: signature verified", lines.get(4));
        assertEquals("Updater: firmware upgraded to version 02_08_05", lines.get(5));
        assertEquals("Updater: Firmware updated, restarting.", lines.get(6));
        assertTrue(lines.contains("Updater: update tables from invalid to 1.0.3"), lines.toString());
    }

    @Test
    void aCurrentDeviceIsCurrentOnlyWithExpectCurrent() {
        DeviceProbe.Outcome current = probe(server.baseUri(), "MINOR", "02_08_05", true, "1.0.3");
        assertTrue(current.success(), current.verdict());
        assertTrue(log.contains("Updater: Auto-update is current for class MINOR."), log.toString());
        DeviceProbe.Outcome noUpdate = probe(server.baseUri(), "MINOR", "02_08_05", false, "1.0.3");
        assertFalse(noUpdate.success());
        assertTrue(noUpdate.verdict().contains("no update offered"), noUpdate.verdict());
        DeviceProbe.Outcome wouldUpdate = probe("MINOR", "02_08_04", true);
        assertFalse(wouldUpdate.success());
        assertTrue(wouldUpdate.verdict().contains("--expect-current"), wouldUpdate.verdict());
    }

    @Test
    void versionsAreComparedForInequalityNotOrder() {
        DeviceProbe.Outcome o = probe("MINOR", "02_09_00", false);
        assertTrue(o.success(), "a newer device is 'updated' to the older release: the device has no rollback protection");
        assertTrue(log.contains("Updater: Update from 02_09_00 to 02_08_05"), log.toString());
    }

    @Test
    void aClassTheSiteDoesNotListIsUnrecognized() {
        DeviceProbe.Outcome o = probe("BETA", "02_08_04", false);
        assertFalse(o.success());
        assertTrue(log.contains("Updater: Unrecognized auto-update class BETA."), log.toString());
    }

    @Test
    void aMissingBlobIsADownloadFailure() throws IOException {
        Files.delete(f.opened.layout().blob("02_08_05"));
        DeviceProbe.Outcome o = probe("MINOR", "02_08_04", false);
        assertFalse(o.success());
        assertTrue(log.contains("Updater: Download failed HTTPcode 404"), log.toString());
    }

    @Test
    void aTamperedBlobDoesNotVerify() throws IOException {
        Path blob = f.opened.layout().blob("02_08_05");
        byte[] b = Files.readAllBytes(blob);
        b[b.length / 2] ^= 0x40;
        Files.write(blob, b);
        DeviceProbe.Outcome o = probe("MINOR", "02_08_04", false);
        assertFalse(o.success());
        assertTrue(log.contains("Updater: Signature does not verify."), log.toString());
        assertFalse(log.contains("Updater: firmware upgraded to version 02_08_05"));
    }

    @Test
    void aDeviceWithAnotherKeyRejectsTheRelease() {
        log.clear();
        DeviceProbe.Outcome o = DeviceProbe.run(new DeviceProbe.Options(server.baseUri(), UpdateClass.MINOR, "02_08_04",
                TestKeys.test2().publicKey(), false, Optional.empty()), log::add);
        assertFalse(o.success());
        assertTrue(log.contains("Updater: Signature does not verify."), log.toString());
    }

    @Test
    void unparsableJsonGetsTheDevicesLine() throws IOException {
        Files.writeString(f.opened.layout().versionsJson(), "{\"classes\":{\"MINOR\":\"02_08_05\"}");
        assertFalse(probe("MINOR", "02_08_04", false).success());
        assertTrue(log.contains("Updater: could not parse versions.json file."), log.toString());
    }

    @Test
    void jsonWithoutClassesIsInvalid() throws IOException {
        Files.writeString(f.opened.layout().versionsJson(), "{\"MINOR\":\"02_08_05\"}");
        assertFalse(probe("MINOR", "02_08_04", false).success());
        assertTrue(log.contains("Updater: versions.json is invalid."), log.toString());
    }

    @Test
    void jsonThatOnlyTheDeviceAcceptsStillWorks() throws IOException {
        Files.writeString(f.opened.layout().versionsJson(), "// hand-edited\n{classes:{MINOR:02_08_05},tables:'1.0.3'} trailing");
        assertTrue(probe("MINOR", "02_08_04", false).success(), log.toString());
    }

    @Test
    void tablesThatAreMissingOrMislabelledFailTheProbe() throws IOException {
        Path tables = f.opened.layout().tables("1.0.3");
        Files.writeString(tables, "{\"version\":\"1.0.2\"}");
        DeviceProbe.Outcome wrong = probe("MINOR", "02_08_05", true);
        assertFalse(wrong.success());
        assertTrue(wrong.verdict().contains("every poll"), wrong.verdict());
        Files.delete(tables);
        DeviceProbe.Outcome missing = probe("MINOR", "02_08_05", true);
        assertFalse(missing.success());
        assertTrue(missing.verdict().contains("HTTP 404"), missing.verdict());
        assertTrue(probe(server.baseUri(), "MINOR", "02_08_05", true, "1.0.3").success(), "tables not newer: not fetched");
    }

    @Test
    void serverErrorsAreInvalidResponses() throws IOException {
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", ex -> {
            byte[] body = "<html>Internal Server Error</html>".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/firmware/versions.json") ? 500 : 403, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        failing.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + failing.getAddress().getPort());
            DeviceProbe.Outcome o = probe(uri, "MINOR", "02_08_04", false, null);
            assertFalse(o.success());
            assertTrue(log.contains("Updater: Invalid response from server. HTTPcode: 500"), log.toString());
            assertTrue(o.verdict().contains("5 minutes"), o.verdict());
        } finally {
            failing.stop(0);
        }
    }

    @Test
    void aBlobAnswering500IsADownloadFailure() throws IOException {
        byte[] versions = Files.readAllBytes(f.opened.layout().versionsJson());
        HttpServer half = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        half.createContext("/", ex -> {
            boolean json = ex.getRequestURI().getPath().equals("/firmware/versions.json");
            byte[] body = json ? versions : "error".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(json ? 200 : 500, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        half.start();
        try {
            DeviceProbe.Outcome o = probe(URI.create("http://127.0.0.1:" + half.getAddress().getPort()), "MINOR", "02_08_04", false, null);
            assertFalse(o.success());
            assertTrue(log.contains("Updater: Download failed HTTPcode 500"), log.toString());
        } finally {
            half.stop(0);
        }
    }

    @Test
    void anUnreachableServerIsAnEnvironmentProblem() {
        int port = server.port();
        server.close();
        assertThrows(EnvironmentException.class, () -> probe(URI.create("http://127.0.0.1:" + port), "MINOR", "02_08_04", false, null));
        server = SiteServer.start(f.opened.layout(), "127.0.0.1", 0, line -> { });
    }
}
