package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.devsim.FirmwareCatalog;
import org.iotasign.devsim.NorFlash;
import org.iotasign.devsim.VirtualEsp8266;
import org.iotasign.espflash.Esp8266Flasher;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.iotasign.testing.VirtualDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** iotasign flash against the virtual ESP8266 on a socat pty. */
@Timeout(60)
class FlashCommandTest {
    @TempDir
    Path dir;

    private VirtualDevice device(NorFlash flash) throws Exception {
        return new VirtualDevice(Files.createDirectories(dir.resolve("pty")), flash, VirtualEsp8266.Config.basic(new FirmwareCatalog()));
    }

    @Test
    void writesAVerifiedReleasesFirmwareAtZeroAndSummarisesIt() throws Exception {
        byte[] blob = TestReleases.signed("02_08_05", TestKeys.test1());
        byte[] firmware = ReleaseBlob.parseSigned(blob, FirmwareLimit.DEFAULT).firmware();
        Path release = Files.write(dir.resolve("r.bin"), blob);
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        try (VirtualDevice d = device(flash)) {
            Cli.Result r = Cli.run("flash", "--port", d.port(), "--before", "no_reset", "--after", "no_reset",
                    "--pubkey", TestKeys.RFC8032_TEST1_PUBLIC, release.toString());
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(firmware, flash.read(0, firmware.length));
            assertTrue(r.out().contains("release 02_08_05 verified with key "), r.out());
            assertTrue(r.out().contains("wrote " + firmware.length + " bytes at 0x00000 in " + (firmware.length + 1023) / 1024
                    + " blocks (0 retried), MD5 " + Esp8266Flasher.md5(firmware)), r.out());
        }
    }

    @Test
    void refusesAReleaseThatDoesNotVerifyAndNeverTouchesThePort() throws Exception {
        byte[] blob = TestReleases.signed("02_08_05", TestKeys.test1());
        blob[300] ^= 1;
        Path release = Files.write(dir.resolve("r.bin"), blob);
        Cli.Result r = Cli.run("flash", "--port", "/nonexistent", "--pubkey", TestKeys.RFC8032_TEST1_PUBLIC, release.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("refused: the signature does not verify"), r.err());
    }

    @Test
    void refusesFirmwareThatDoesNotEmbedTheKeyUnlessAllowed() throws Exception {
        Ed25519PublicKey other = TestKeys.test2().publicKey();
        byte[] blob = TestReleases.sign(TestReleases.unsigned("02_08_05", List.of(other), 20_000), TestKeys.test1());
        Path release = Files.write(dir.resolve("r.bin"), blob);
        Cli.Result refused = Cli.run("flash", "--port", "/nonexistent", "--pubkey", TestKeys.RFC8032_TEST1_PUBLIC, release.toString());
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("--allow-missing-key"), refused.err());
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        try (VirtualDevice d = device(flash)) {
            Cli.Result r = Cli.run("flash", "--port", d.port(), "--before", "no_reset", "--after", "no_reset",
                    "--pubkey", TestKeys.RFC8032_TEST1_PUBLIC, "--allow-missing-key", release.toString());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("WARNING: its firmware does not embed the key"), r.out());
        }
    }

    @Test
    void rewritesHeaderBytesAtOffsetZeroOnlyWhenAskedAndOnlyForAValidImage() throws Exception {
        byte[] image = SampleFirmware.build("02_08_05", List.of(), 30_000);
        Path file = Files.write(dir.resolve("fw.bin"), image);
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        try (VirtualDevice d = device(flash)) {
            Cli.Result r = Cli.run("flash", "--port", d.port(), "--before", "no_reset", "--after", "no_reset",
                    "--flash-mode", "dout", "--flash-size", "4MB", "--flash-freq", "80m", "--raw", file.toString());
            assertEquals(0, r.exit(), r.toString());
            byte[] head = flash.read(0, 4);
            assertEquals(0x03, head[2], "dout");
            assertEquals(0x4f, head[3] & 0xff, "4MB, 80m");
            byte[] expected = image.clone();
            expected[2] = 0x03;
            expected[3] = 0x4f;
            assertArrayEquals(expected, flash.read(0, image.length), "nothing else changed");
            assertTrue(r.out().contains("MD5 " + Esp8266Flasher.md5(pad4(expected))), "the MD5 covers the patched image\n" + r.out());

            Cli.Result elsewhere = Cli.run("flash", "--port", d.port(), "--before", "no_reset", "--after", "no_reset",
                    "--flash-mode", "dout", "--raw", file.toString(), "--offset", "0x100000");
            assertEquals(0, elsewhere.exit(), elsewhere.toString());
            assertArrayEquals(image, flash.read(0x100000, image.length), "not at offset 0: unchanged");

            byte[] notAnImage = new byte[5000];
            notAnImage[0] = (byte) 0xE9;
            notAnImage[1] = 3;
            notAnImage[14] = 0x7f; // the first segment claims 8 MB of data
            Path junk = Files.write(dir.resolve("junk.bin"), notAnImage);
            Cli.Result invalid = Cli.run("flash", "--port", d.port(), "--before", "no_reset", "--after", "no_reset",
                    "--flash-size", "1MB", "--raw", junk.toString());
            assertEquals(0, invalid.exit(), invalid.toString());
            assertTrue(invalid.out().contains("not a valid ESP8266 image, so not changing any flash settings"), invalid.out());
            assertArrayEquals(notAnImage, flash.read(0, notAnImage.length));
        }
    }

    private static byte[] pad4(byte[] b) {
        byte[] p = java.util.Arrays.copyOf(b, (b.length + 3) / 4 * 4);
        java.util.Arrays.fill(p, b.length, p.length, (byte) 0xFF);
        return p;
    }

    @Test
    void rejectsBadOffsetsAndModes() {
        assertEquals(2, Cli.run("flash", "--port", "/x", "--raw", "/etc/hostname", "--offset", "0x123").exit());
        assertEquals(2, Cli.run("flash", "--port", "/x", "--before", "usb_reset", "--raw", "/etc/hostname").exit());
        assertEquals(2, Cli.run("flash", "--port", "/x", "--flash-size", "3MB", "--raw", "/etc/hostname").exit());
    }

    @Test
    void reportsAMissingPortAsAnEnvironmentProblem() throws Exception {
        Path file = Files.write(dir.resolve("fw.bin"), new byte[100]);
        Cli.Result r = Cli.run("flash", "--port", dir.resolve("ttyUSB9").toString(), "--raw", file.toString());
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("not found: check the cable and pass --port"), r.err());
    }
}
