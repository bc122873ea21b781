package org.iotasign.devsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.testing.StaticSite;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The simulated firmware's boot line and updater log, against a real HTTP server on 127.0.0.1. */
@Timeout(30)
class IotaWattAppSimTest {
    @TempDir
    Path dir;

    private final BlockingQueue<String> console = new LinkedBlockingQueue<>();

    /** Boots 02_08_05 with the given site content and returns the console lines up to {@code last}. */
    private List<String> boot(String versionsJson, byte[] newBlob, String updateClass, String last) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site/firmware/bin")).getParent().getParent();
        if (versionsJson != null) {
            Files.writeString(site.resolve("firmware/versions.json"), versionsJson);
        }
        if (newBlob != null) {
            Files.write(site.resolve("firmware/bin/02_08_06.bin"), newBlob);
        }
        byte[] old = TestReleases.signed("02_08_05", TestKeys.test1());
        ReleaseBlob oldBlob = ReleaseBlob.parseSigned(old, FirmwareLimit.DEFAULT);
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        flash.program(0, oldBlob.firmware());
        FirmwareCatalog catalog = new FirmwareCatalog();
        catalog.add(oldBlob);
        try (StaticSite server = new StaticSite(site)) {
            UpdaterConfig u = new UpdaterConfig(server.uri(), updateClass, TestKeys.test1().publicKey(), Duration.ofHours(1), Duration.ofSeconds(301));
            IotaWattAppSim app = new IotaWattAppSim(flash, catalog, u, console::add);
            Thread t = new Thread(() -> {
                try {
                    app.run(null);
                } catch (InterruptedException e) {
                    // stopped by the test
                }
            });
            t.start();
            List<String> lines = new java.util.ArrayList<>();
            try {
                while (true) {
                    String l = console.poll(10, TimeUnit.SECONDS);
                    if (l == null) {
                        throw new AssertionError("no '" + last + "' in " + lines);
                    }
                    lines.add(l);
                    if (l.contains(last)) {
                        return lines;
                    }
                }
            } finally {
                t.interrupt();
                t.join(5000);
            }
        }
    }

    @Test
    void reportsCurrentWhenTheClassNamesItsOwnVersion() throws Exception {
        List<String> l = boot("{\"classes\":{\"MINOR\":\"02_08_05\"}}", null, "MINOR", "is current");
        assertEquals(List.of("IoTaWatt 5.0, Firmware version 02_08_05", "Updater: service started. Auto-update class is MINOR",
                "Updater: Auto-update is current for class MINOR."), l);
    }

    @Test
    void logsAnUnrecognizedClass() throws Exception {
        List<String> l = boot("{\"classes\":{\"MINOR\":\"02_08_06\"}}", null, "BETA", "Unrecognized");
        assertEquals("Updater: Unrecognized auto-update class BETA.", l.get(l.size() - 1));
    }

    @Test
    void logsAnHttpErrorAndUnparsableJson() throws Exception {
        assertEquals("Updater: Invalid response from server. HTTPcode: 404", last(boot(null, null, "MINOR", "Invalid response")));
        console.clear();
        assertEquals("Updater: could not parse versions.json file.", last(boot("{classes:", null, "MINOR", "could not parse")));
    }

    @Test
    void refusesATamperedReleaseAndKeepsRunningTheOldOne() throws Exception {
        byte[] tampered = TestReleases.signed("02_08_06", TestKeys.test1());
        tampered[100] ^= 1;
        List<String> l = boot("{\"classes\":{\"MINOR\":\"02_08_06\"}}", tampered, "MINOR", "Signature does not verify");
        assertTrue(l.contains("Updater: Update from 02_08_05 to 02_08_06"), l.toString());
        assertTrue(l.contains("Updater: download 02_08_06"), l.toString());
        assertTrue(l.stream().anyMatch(s -> s.matches("Updater: Release downloaded \\d+ms, size " + tampered.length)), l.toString());
        assertFalse(l.stream().anyMatch(s -> s.contains("firmware upgraded")), l.toString());
    }

    private static String last(List<String> l) {
        return l.get(l.size() - 1);
    }
}
