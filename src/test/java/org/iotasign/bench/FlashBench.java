package org.iotasign.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.iotasign.devsim.FirmwareCatalog;
import org.iotasign.devsim.SerialLineTiming;
import org.iotasign.devsim.NorFlash;
import org.iotasign.devsim.VirtualEsp8266;
import org.iotasign.espflash.AfterMode;
import org.iotasign.espflash.Esp8266Target;
import org.iotasign.espflash.FlashSession;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.ResetMode;
import org.iotasign.espflash.RomLoader;
import org.iotasign.espflash.Slip;
import org.iotasign.espflash.Timings;
import org.iotasign.testing.Esptool;
import org.iotasign.testing.VirtualDevice;

/**
 * Time to write an image through the ROM loader to the virtual ESP8266 simulating a
 * serial line (default: 1 MiB at 115200 baud, 2 ms turnaround), against two baselines:
 * the bytes on the wire at line rate, and the ideal stop-and-wait time (each exchange's
 * request and reply at line rate plus one turnaround). Prints one line per figure.
 *
 * <p>Arguments: [bytes] [baud] [latencyMs]. Run with the test classpath (docs/flashing.md). When
 * ESPTOOL names esptool's command, esptool writes the same image to a fresh device in the same run.
 */
public final class FlashBench {
    private FlashBench() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1024 * 1024;
        int baud = args.length > 1 ? Integer.parseInt(args[1]) : 115200;
        double latencyMs = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
        byte[] image = new byte[size];
        new Random(1).nextBytes(image);
        SerialLineTiming line = new SerialLineTiming(baud, latencyMs);
        Path dir = Files.createTempDirectory("flashbench");
        try {
            System.out.printf(Locale.ROOT, "flash %d bytes at %d baud, %.1f ms turnaround (virtual ESP8266 on a pty)%n", size, baud, latencyMs);
            double measured = ours(dir, image, line);
            Ideal ideal = ideal(image, line);
            System.out.printf(Locale.ROOT, "  bytes on the wire / line rate:             %6.2f s   ratio %.3f%n", ideal.wireOnly, measured / ideal.wireOnly);
            System.out.printf(Locale.ROOT, "  ideal stop-and-wait (wire + turnarounds):  %6.2f s   ratio %.3f (target <= 1.05)%n",
                    ideal.stopAndWait, measured / ideal.stopAndWait);
            if (Esptool.available()) {
                double theirs = esptool(dir, image, line);
                System.out.printf(Locale.ROOT, "  esptool --no-stub write (its own figure):  %6.2f s   iotasign/esptool %.3f%n",
                        theirs, measured / theirs);
            } else {
                System.out.println("  esptool: not compared (set ESPTOOL to its command to compare in the same run)");
            }
        } finally {
            Files.deleteIfExists(dir.resolve("image.bin"));
            Files.deleteIfExists(dir.resolve("socat.log"));
            Files.deleteIfExists(dir);
        }
    }

    /** iotasign's write time (FLASH_BEGIN + all blocks), seconds. */
    private static double ours(Path dir, byte[] image, SerialLineTiming line) throws Exception {
        try (VirtualDevice d = new VirtualDevice(dir, new NorFlash(NorFlash.DEFAULT_SIZE),
                VirtualEsp8266.Config.basic(new FirmwareCatalog()).withLine(line))) {
            FlashSession.Request r = new FlashSession.Request(d.port(), line.baud(), ResetMode.NO_RESET, AfterMode.NO_RESET, 0, image,
                    Timings.ESPTOOL);
            FlashSession.Summary s = FlashSession.run(r, JSerialCommTransport::open, new PrintWriter(new StringWriter()), false);
            if (!Arrays.equals(image, d.flash.read(0, image.length))) {
                throw new IllegalStateException("the flash does not hold the image");
            }
            double measured = s.result().nanos() / 1e9;
            System.out.printf(Locale.ROOT, "  iotasign write (erase + %d blocks):        %6.2f s%n", s.result().blocks(), measured);
            return measured;
        }
    }

    /** esptool's own figure for the same write on a fresh virtual device, seconds. */
    private static double esptool(Path dir, byte[] image, SerialLineTiming line) throws Exception {
        Path file = Files.write(dir.resolve("image.bin"), image);
        try (VirtualDevice d = new VirtualDevice(dir, new NorFlash(NorFlash.DEFAULT_SIZE),
                VirtualEsp8266.Config.basic(new FirmwareCatalog()).withLine(line))) {
            Esptool.Run e = Esptool.run("--port", d.port(), "--before", "no_reset", "--after", "no_reset", "--no-stub",
                    "write_flash", "0x0", file.toString());
            if (e.exit() != 0 || !Arrays.equals(image, d.flash.read(0, image.length))) {
                throw new IllegalStateException("esptool failed: " + e.output());
            }
            return e.writeSeconds();
        }
    }

    private record Ideal(double wireOnly, double stopAndWait) {
    }

    /** The write phase's exchanges, framed exactly as the flasher frames them. */
    private static Ideal ideal(byte[] image, SerialLineTiming line) {
        int padded = (image.length + 3) / 4 * 4;
        int blocks = (padded + Esp8266Target.FLASH_WRITE_SIZE - 1) / Esp8266Target.FLASH_WRITE_SIZE;
        int reply = Slip.encode(new byte[10]).length;
        long wire = Slip.encode(RomLoader.request(RomLoader.FLASH_BEGIN, new byte[16], 0)).length + reply;
        for (int seq = 0; seq < blocks; seq++) {
            byte[] block = Arrays.copyOfRange(image, seq * 1024, seq * 1024 + 1024);
            if (seq * 1024 + 1024 > image.length) {
                Arrays.fill(block, Math.max(0, image.length - seq * 1024), 1024, (byte) 0xFF);
            }
            byte[] payload = new byte[16 + 1024];
            System.arraycopy(RomLoader.words(1024, seq, 0, 0), 0, payload, 0, 16);
            System.arraycopy(block, 0, payload, 16, 1024);
            wire += Slip.encode(RomLoader.request(RomLoader.FLASH_DATA, payload, RomLoader.checksum(block, 0, 1024))).length + reply;
        }
        double wireSeconds = line.wireNanos((int) wire) / 1e9;
        return new Ideal(wireSeconds, wireSeconds + (blocks + 1) * line.latencyNanos() / 1e9);
    }
}
