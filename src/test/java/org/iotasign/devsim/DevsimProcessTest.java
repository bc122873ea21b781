package org.iotasign.devsim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.iotasign.espflash.AfterMode;
import org.iotasign.espflash.ConsoleMonitor;
import org.iotasign.espflash.FlashSession;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.ResetMode;
import org.iotasign.espflash.SerialTransport;
import org.iotasign.espflash.Timings;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code iotasign devsim} as its own process: it makes its pty with socat, and keeps its flash image across runs. */
@Timeout(60)
class DevsimProcessTest {
    @TempDir
    Path dir;

    private Process devsim(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.iotasign.cli.Main", "devsim"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("devsim.out").toFile()).start();
        Path link = dir.resolve("esp");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(link)) {
            assertTrue(p.isAlive(), "devsim exited: " + Files.readString(dir.resolve("devsim.out")));
            assertTrue(System.nanoTime() < deadline, "devsim made no pty");
            Thread.sleep(20);
        }
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "devsim stops on SIGTERM");
    }

    @Test
    void savesItsFlashOnSigtermAndBootsWhatItLoadedNextTime() throws Exception {
        Path link = dir.resolve("esp");
        Path image = dir.resolve("flash.img");
        byte[] blob = TestReleases.signed("02_08_05", TestKeys.test1());
        Path release = Files.write(dir.resolve("r.bin"), blob);
        byte[] firmware = ReleaseBlob.parseSigned(blob, FirmwareLimit.DEFAULT).firmware();
        Path fw = Files.write(dir.resolve("fw.bin"), firmware);

        Process first = devsim("--pty", link.toString(), "--flash-image", image.toString());
        Cli.Result r = Cli.run("flash", "--port", link.toString(), "--before", "no_reset", "--after", "no_reset", "--raw", fw.toString());
        assertEquals(0, r.exit(), r.toString());
        stop(first);
        assertFalse(Files.exists(link), "the pty it made is gone");
        byte[] saved = Files.readAllBytes(image);
        assertEquals(NorFlash.DEFAULT_SIZE, saved.length);
        assertArrayEquals(firmware, java.util.Arrays.copyOf(saved, firmware.length), "no FLASH_END was sent: saved at exit");

        Process second = devsim("--pty", link.toString(), "--flash-image", image.toString(), "--release", release.toString());
        try (SerialTransport port = JSerialCommTransport.open(link.toString(), 115200)) {
            byte[] other = new byte[100];
            new Random(1).nextBytes(other);
            FlashSession.Request req = new FlashSession.Request(link.toString(), 115200, ResetMode.NO_RESET, AfterMode.SOFT_RESET,
                    0x300000, other, Timings.ESPTOOL);
            FlashSession.Summary s = FlashSession.run(req, port, new PrintWriter(new StringWriter()), false);
            ConsoleMonitor.Result boot = new ConsoleMonitor(port, List.of("IoTaWatt 5.0, Firmware version 02_08_05"), List.of("unknown firmware"),
                    l -> { }).withPending(s.consoleAfter()).run(10_000);
            assertTrue(boot.passed(), boot.reason() + " " + boot.lines());
        } finally {
            stop(second);
        }
    }

    @Test
    void unknownFirmwareBootsWithAClearLine() throws Exception {
        Path link = dir.resolve("esp");
        Process p = devsim("--pty", link.toString());
        try (SerialTransport port = JSerialCommTransport.open(link.toString(), 115200)) {
            byte[] junk = new byte[3000];
            new Random(2).nextBytes(junk);
            junk[0] = (byte) 0xE9;
            FlashSession.Request req = new FlashSession.Request(link.toString(), 115200, ResetMode.NO_RESET, AfterMode.SOFT_RESET, 0, junk,
                    Timings.ESPTOOL);
            FlashSession.Summary s = FlashSession.run(req, port, new PrintWriter(new StringWriter()), false);
            ConsoleMonitor.Result boot = new ConsoleMonitor(port, List.of("devsim: unknown firmware in flash (it matches no known release)"),
                    List.of("Firmware version"), l -> { }).withPending(s.consoleAfter()).run(10_000);
            assertTrue(boot.passed(), boot.reason() + " " + boot.lines());
        } finally {
            stop(p);
        }
    }
}
