package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.devsim.FirmwareCatalog;
import org.iotasign.devsim.NorFlash;
import org.iotasign.devsim.UpdaterConfig;
import org.iotasign.devsim.VirtualEsp8266;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteServer;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.iotasign.testing.VirtualDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** accept end to end: virtual ESP8266 on a socat pty, the site served by 'serve' (SiteServer) on 127.0.0.1, good and tampered releases. */
@Timeout(60)
class AcceptCommandTest {
    static final SoftwareEd25519Signer KEY = TestKeys.test1();
    static final String KEY_HEX = TestKeys.RFC8032_TEST1_PUBLIC;

    @TempDir
    Path dir;

    private Path site(byte[] newBlob, String newVersion) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.createDirectories(site.resolve("firmware/bin"));
        Files.writeString(site.resolve("firmware/versions.json"),
                "{\"classes\":{\"MAJOR\":\"02_08_04\",\"MINOR\":\"" + newVersion + "\"},\"tables\":\"1.0.3\"}\n");
        Files.write(site.resolve("firmware/bin/" + newVersion + ".bin"), newBlob);
        return site;
    }

    private Cli.Result accept(byte[] oldBlob, byte[] newBlob, boolean expectRefusal) throws Exception {
        Path oldFile = Files.write(dir.resolve("old.bin"), oldBlob);
        Path newFile = Files.write(dir.resolve("new.bin"), newBlob);
        Path site = site(newBlob, "02_08_06");
        try (SiteServer server = SiteServer.start(new SiteLayout(site), "127.0.0.1", 0, line -> { })) {
            FirmwareCatalog catalog = new FirmwareCatalog();
            catalog.add(ReleaseBlob.parseSigned(oldBlob, FirmwareLimit.DEFAULT));
            UpdaterConfig updater = new UpdaterConfig(server.baseUri(), "MINOR", KEY.publicKey(), Duration.ofHours(1), Duration.ofSeconds(301));
            try (VirtualDevice d = new VirtualDevice(Files.createDirectories(dir.resolve("pty")), new NorFlash(NorFlash.DEFAULT_SIZE),
                    VirtualEsp8266.Config.basic(catalog).withUpdater(updater))) {
                return Cli.run(concat(new String[] {"accept", "--port", d.port(), "--before", "no_reset", "--after", "soft_reset",
                        "--site", site.toString(), "--update-server", server.baseUri().toString(), "--from", oldFile.toString(),
                        "--to", newFile.toString(), "--pubkey", KEY_HEX, "--timeout", "30",
                        "--transcript", dir.resolve("console.log").toString()}, expectRefusal ? new String[] {"--expect-refusal"} : new String[0]));
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void deviceBootsOldTakesNewOverTheAirAndRebootsIntoIt() throws Exception {
        Cli.Result r = accept(TestReleases.signed("02_08_05", KEY), TestReleases.signed("02_08_06", KEY), false);
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        for (String step : new String[] {"[ok] site serves 02_08_06 for class MINOR", "[ok] flash 02_08_05", "[ok] boots 02_08_05",
                "[ok] asks for 02_08_06", "[ok] signature verified", "[ok] upgraded to 02_08_06", "[ok] reboots into 02_08_06"}) {
            assertTrue(out.contains(step), step + "\n" + out);
        }
        assertTrue(out.contains("| IoTaWatt 5.0, Firmware version 02_08_06"), out);
        assertTrue(out.contains("ACCEPTED: the device took 02_08_06 over the air"), out);
        String console = Files.readString(dir.resolve("console.log"));
        assertTrue(console.contains("ets Jan  8 2013,rst cause:2, boot mode:(3,7)"), console);
    }

    @Test
    void deviceRefusesATamperedNewRelease() throws Exception {
        byte[] tampered = TestReleases.signed("02_08_06", KEY);
        tampered[200] ^= 0x40; // inside the firmware entry: the signature no longer matches
        Cli.Result r = accept(TestReleases.signed("02_08_05", KEY), tampered, true);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("| Updater: Signature does not verify."), r.out());
        assertTrue(r.out().contains("[ok] refuses the tampered 02_08_06"), r.out());
    }

    @Test
    void aTamperedReleaseWithoutExpectRefusalIsAUsageError() throws Exception {
        byte[] tampered = TestReleases.signed("02_08_06", KEY);
        tampered[200] ^= 0x40;
        Path oldFile = Files.write(dir.resolve("old.bin"), TestReleases.signed("02_08_05", KEY));
        Path newFile = Files.write(dir.resolve("new.bin"), tampered);
        Cli.Result r = Cli.run("accept", "--port", "/nonexistent", "--site", site(tampered, "02_08_06").toString(),
                "--from", oldFile.toString(), "--to", newFile.toString(), "--pubkey", KEY_HEX);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("is refused by the device's own check"), r.err());
    }

    @Test
    void refusesWhenTheSiteDoesNotOfferNewToTheClass() throws Exception {
        byte[] oldBlob = TestReleases.signed("02_08_05", KEY);
        byte[] newBlob = TestReleases.signed("02_08_06", KEY);
        Path oldFile = Files.write(dir.resolve("old.bin"), oldBlob);
        Path newFile = Files.write(dir.resolve("new.bin"), newBlob);
        Path site = site(newBlob, "02_08_06");
        Cli.Result r = Cli.run("accept", "--port", "/nonexistent", "--site", site.toString(), "--class", "MAJOR",
                "--from", oldFile.toString(), "--to", newFile.toString(), "--pubkey", KEY_HEX);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("offers 02_08_04 to class MAJOR, not 02_08_06"), r.err());
    }
}
