package org.iotasign.espflash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iotasign.cli.Main;
import org.iotasign.testing.Cli;
import org.iotasign.testing.SocatPty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** monitor against scripted consoles on a real pty pair. */
@Timeout(30)
class ConsoleMonitorTest {
    @TempDir
    Path dir;

    /** What the ROM's 74880-baud banner looks like read at 115200: bytes, few of them line ends. */
    static byte[] romNoise() {
        byte[] b = new byte[120];
        new Random(74880).nextBytes(b);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                b[i] = (byte) 0x8c;
            }
        }
        return b;
    }

    static byte[] script(String... lines) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(romNoise());
        for (String l : lines) {
            o.writeBytes((l + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return o.toByteArray();
    }

    private ConsoleMonitor.Result watch(byte[] console, List<String> expect, List<String> reject, long timeoutMs) throws Exception {
        try (SocatPty pty = new SocatPty(dir);
             SerialTransport host = JSerialCommTransport.open(pty.host(), 115200);
             SerialTransport device = JSerialCommTransport.open(pty.device(), 115200)) {
            device.write(console);
            return new ConsoleMonitor(host, expect, reject, l -> { }).run(timeoutMs);
        }
    }

    @Test
    void passesWhenExpectedLinesAppearInOrderDespiteBootNoise() throws Exception {
        byte[] console = script("IoTaWatt 5.0, Firmware version 02_08_05", "Updater: service started. Auto-update class is MINOR",
                "Updater: Auto-update is current for class MINOR.");
        ConsoleMonitor.Result r = watch(console, List.of("Firmware version 02_08_05", "Auto-update is current"), List.of("Signature does not verify"), 5000);
        assertTrue(r.passed(), r.reason());
        assertTrue(r.lines().get(0).endsWith("IoTaWatt 5.0, Firmware version 02_08_05"), "noise glued to the first line does not hide it");
    }

    @Test
    void failsAsSoonAsARejectedLineAppears() throws Exception {
        byte[] console = script("IoTaWatt 5.0, Firmware version 02_08_05", "Updater: Signature does not verify.", "more");
        ConsoleMonitor.Result r = watch(console, List.of("firmware upgraded"), List.of("Signature does not verify"), 5000);
        assertFalse(r.passed());
        assertEquals("rejected text appeared: 'Signature does not verify'", r.reason());
    }

    @Test
    void failsOnTimeoutWhenExpectedLinesComeOutOfOrder() throws Exception {
        byte[] console = script("second", "first");
        ConsoleMonitor.Result r = watch(console, List.of("first", "second"), List.of(), 600);
        assertFalse(r.passed());
        assertTrue(r.reason().startsWith("timed out after 0.6 s waiting for 'second' (after 'first')"), r.reason());
    }

    @Test
    void withoutExpectationsPassesWhenNothingRejectedAppearsBeforeTheTimeout() throws Exception {
        ConsoleMonitor.Result r = watch(script("hello"), List.of(), List.of("panic"), 400);
        assertTrue(r.passed(), r.reason());
    }

    @Test
    void commandSavesTheTranscriptExactlyAsReceivedAndExitsZero() throws Exception {
        byte[] console = script("boot", "IoTaWatt 5.0, Firmware version 02_08_06");
        Path transcript = dir.resolve("console.log");
        try (SocatPty pty = new SocatPty(dir);
             SerialTransport device = JSerialCommTransport.open(pty.device(), 115200)) {
            List<Cli.Result> result = new ArrayList<>();
            Thread t = new Thread(() -> result.add(Cli.run("monitor", "--port", pty.host(), "--expect", "Firmware version 02_08_06",
                    "--timeout", "10", "--transcript", transcript.toString())));
            t.start();
            // The console keeps printing until the monitor has seen the line (it opens the port at an unknown moment).
            while (t.isAlive()) {
                device.write(console);
                t.join(200);
            }
            Cli.Result r = result.get(0);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("PASS: every expected line appeared in order"), r.out());
            byte[] saved = Files.readAllBytes(transcript);
            assertTrue(saved.length > 0);
            assertTrue(new String(saved, StandardCharsets.ISO_8859_1).contains("Firmware version 02_08_06\r\n"));
        }
    }

    @Test
    void commandReportsAConsoleThatDisappears() throws Exception {
        SocatPty pty = new SocatPty(dir);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int[] exit = {-1};
        Thread t = new Thread(() -> exit[0] = cl.execute("monitor", "--port", pty.host(), "--expect", "never", "--timeout", "20"));
        try (SerialTransport device = JSerialCommTransport.open(pty.device(), 115200)) {
            t.start();
            // Once the monitor has printed a line it has the port open; then the adapter is unplugged.
            while (!out.toString().contains("| booting")) {
                device.write("booting\r\n".getBytes(StandardCharsets.US_ASCII));
                t.join(100);
            }
            pty.kill();
            t.join(15_000);
        } finally {
            pty.close();
        }
        assertEquals(3, exit[0], out + "\n" + err);
        assertTrue(err.toString().contains("lost the console on " + pty.host()), err.toString());
    }

    @Test
    void commandRefusesToOverwriteATranscriptWithoutForce() throws Exception {
        Path transcript = Files.writeString(dir.resolve("old.log"), "keep me");
        Cli.Result r = Cli.run("monitor", "--port", "/nonexistent", "--transcript", transcript.toString());
        assertEquals(2, r.exit(), r.toString());
        assertArrayEquals("keep me".getBytes(), Files.readAllBytes(transcript));
    }
}
