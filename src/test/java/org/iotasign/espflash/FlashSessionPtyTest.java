package org.iotasign.espflash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;

import org.iotasign.EnvironmentException;
import org.iotasign.devsim.Faults;
import org.iotasign.devsim.FirmwareCatalog;
import org.iotasign.devsim.NorFlash;
import org.iotasign.devsim.VirtualEsp8266;
import org.iotasign.testing.VirtualDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The flasher against the virtual ESP8266 over a real socat pseudo-terminal pair. */
@Timeout(60)
class FlashSessionPtyTest {
    /** Short waits so a silent device is noticed quickly; retry counts as esptool's. */
    static final Timings FAST = new Timings(400, 100, 3, 5, 3, 1);

    @TempDir
    Path dir;

    private final StringWriter log = new StringWriter();

    static byte[] image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Flash filled with 0x00: any block programmed without an erase first fails its read-back. */
    static NorFlash dirtyFlash() {
        NorFlash f = new NorFlash(NorFlash.DEFAULT_SIZE);
        f.beginSession();
        f.program(0, new byte[NorFlash.DEFAULT_SIZE]);
        return f;
    }

    private FlashSession.Summary flash(VirtualDevice d, int offset, byte[] image, int baud) {
        FlashSession.Request r = new FlashSession.Request(d.port(), baud, ResetMode.NO_RESET, AfterMode.NO_RESET, offset, image, FAST);
        return FlashSession.run(r, JSerialCommTransport::open, new PrintWriter(log, true), false);
    }

    private VirtualDevice device(NorFlash flash, Faults faults) throws Exception {
        return new VirtualDevice(dir, flash, VirtualEsp8266.Config.basic(new FirmwareCatalog()).withFaults(faults));
    }

    @ParameterizedTest(name = "{0} bytes at {1}")
    @CsvSource({"1, 0x0", "1000, 0x0", "4096, 0x0", "10001, 0x0", "70000, 0x3000", "65536, 0xF000", "200000, 0x100000", "8190, 0x3FE000"})
    void writesImagesOfSeveralSizesAndOffsetsErasingExactlyWhatTheyCover(int size, String offsetHex) throws Exception {
        int offset = Integer.decode(offsetHex);
        byte[] img = image(size, size);
        NorFlash flash = dirtyFlash();
        try (VirtualDevice d = device(flash, new Faults())) {
            FlashSession.Summary s = flash(d, offset, img, 115200);
            int padded = (size + 3) / 4 * 4;
            assertEquals(padded, s.result().size());
            assertEquals(Esp8266Flasher.md5(Arrays.copyOf(pad(img, padded), padded)), s.result().md5(), "MD5 of the bytes sent");
            assertArrayEquals(img, flash.read(offset, size), "the image is in flash");
            int blocksEnd = offset + (padded + 1023) / 1024 * 1024;
            byte[] tail = flash.read(offset + size, blocksEnd - offset - size);
            for (byte b : tail) {
                assertEquals((byte) 0xFF, b, "block padding is 0xFF");
            }
            assertEquals(0, flash.bytesProgrammedOutsideErase(), "no byte was programmed outside the erased area");
            BitSet erased = flash.erasedThisSession();
            int first = offset / 4096;
            int needed = (size + 4095) / 4096;
            assertEquals(first, erased.nextSetBit(0), "erase starts at the image's first sector");
            assertTrue(erased.cardinality() >= needed, "every sector the image covers was erased");
            boolean oddInsideOneBlock = needed % 2 == 1 && needed < 2 * Math.min(16 - first % 16, needed);
            assertEquals(needed + (oddInsideOneBlock ? 1 : 0), erased.cardinality(),
                    "the ROM erased what esptool's workaround predicts (one spare sector only for an odd count inside a 64 KiB block)");
            byte[] after = flash.read(first * 4096 + erased.cardinality() * 4096, 4096);
            assertEquals(0, after[0], "the sector after the erased area is untouched");
        }
    }

    private static byte[] pad(byte[] img, int len) {
        byte[] p = Arrays.copyOf(img, len);
        Arrays.fill(p, img.length, len, (byte) 0xFF);
        return p;
    }

    @Test
    void retriesABlockTheDeviceReceivedWithABadChecksum() throws Exception {
        byte[] img = image(20_000, 7);
        NorFlash flash = dirtyFlash();
        try (VirtualDevice d = device(flash, new Faults().corruptBlock(3, 1).corruptBlock(11, 2))) {
            FlashSession.Summary s = flash(d, 0, img, 115200);
            assertEquals(3, s.result().retries());
            assertArrayEquals(img, flash.read(0, img.length));
            assertTrue(log.toString().contains("block 3 at 0x00c00: write block 3 failed: ROM error 0x07 (checksum error), retrying"), log.toString());
        }
    }

    @Test
    void resendsABlockWhoseReplyWasLost() throws Exception {
        byte[] img = image(12_000, 8);
        NorFlash flash = dirtyFlash();
        try (VirtualDevice d = device(flash, new Faults().dropReply(5, 1))) {
            FlashSession.Summary s = flash(d, 0x10000, img, 115200);
            assertEquals(1, s.result().retries());
            assertArrayEquals(img, flash.read(0x10000, img.length));
            assertTrue(log.toString().contains("block 5 at 0x11400: no reply"), log.toString());
        }
    }

    @Test
    void neverReportsSuccessWhenABlockFailsOnEveryAttempt() throws Exception {
        byte[] img = image(8_000, 9);
        NorFlash flash = dirtyFlash();
        try (VirtualDevice d = device(flash, new Faults().failWrite(2, 3))) {
            EnvironmentException e = assertThrows(EnvironmentException.class, () -> flash(d, 0, img, 115200));
            assertTrue(e.getMessage().startsWith("block 2 at 0x00800 failed 3 times (write block 2 failed: ROM error 0x08"), e.getMessage());
            assertTrue(e.getMessage().contains("flash is incomplete"), e.getMessage());
            assertEquals(3 + 2, d.device.flashBlocksReceived(), "blocks 0 and 1, then block 2 three times, nothing after it");
        }
    }

    @Test
    void saysWhatToDoWhenTheChipNeverAnswersSync() throws Exception {
        try (VirtualDevice d = device(new NorFlash(NorFlash.DEFAULT_SIZE), new Faults().neverSync())) {
            EnvironmentException e = assertThrows(EnvironmentException.class, () -> flash(d, 0, image(100, 1), 115200));
            assertTrue(e.getMessage().contains("never answered SYNC"), e.getMessage());
            assertTrue(e.getMessage().contains("hold GPIO0 low while resetting"), e.getMessage());
        }
    }

    @Test
    void refusesDefaultResetOnAPortWithoutModemLines() throws Exception {
        try (VirtualDevice d = device(new NorFlash(NorFlash.DEFAULT_SIZE), new Faults())) {
            FlashSession.Request r = new FlashSession.Request(d.port(), 115200, ResetMode.DEFAULT_RESET, AfterMode.NO_RESET, 0, image(10, 1), FAST);
            EnvironmentException e = assertThrows(EnvironmentException.class,
                    () -> FlashSession.run(r, JSerialCommTransport::open, new PrintWriter(log, true), false));
            assertTrue(e.getMessage().contains("has no DTR/RTS lines") && e.getMessage().contains("--before no_reset"), e.getMessage());
        }
    }

    @Test
    void failsCleanlyWhenThePortDisappearsMidFlash() throws Exception {
        byte[] img = image(400_000, 10);
        try (VirtualDevice d = device(new NorFlash(NorFlash.DEFAULT_SIZE), new Faults())) {
            Thread killer = new Thread(() -> {
                while (d.device.flashBlocksReceived() < 20) {
                    Thread.onSpinWait();
                }
                d.pty.kill();
            });
            killer.setDaemon(true);
            killer.start();
            EnvironmentException e = assertThrows(EnvironmentException.class, () -> flash(d, 0, img, 115200));
            assertTrue(e.getMessage().contains("flash"), e.getMessage());
            assertTrue(d.device.flashBlocksReceived() < 391, "the flash did not complete");
        }
    }

    @Test
    void fallsBackTo115200WhenTheChipDoesNotAnswerAtTheHigherRate() throws Exception {
        byte[] img = image(3000, 11);
        NorFlash flash = dirtyFlash();
        try (VirtualDevice d = device(flash, new Faults())) {
            FlashSession.Request r = new FlashSession.Request(d.port(), 460800, ResetMode.NO_RESET, AfterMode.NO_RESET, 0, img, FAST);
            // A port that only gets through at the ROM's power-on rate, like a chip whose auto-baud cannot lock higher.
            FlashSession.Summary s = FlashSession.run(r, (p, b) -> new OnlyAtBaud(JSerialCommTransport.open(p, b), 115200),
                    new PrintWriter(log, true), false);
            assertEquals(115200, s.baud());
            assertTrue(log.toString().contains("no answer at 460800 baud, falling back to 115200"), log.toString());
            assertArrayEquals(img, flash.read(0, img.length));
        }
    }

    @Test
    void staysAtTheHigherRateWhenTheChipAnswersThere() throws Exception {
        try (VirtualDevice d = device(dirtyFlash(), new Faults())) {
            FlashSession.Summary s = flash(d, 0, image(3000, 12), 460800);
            assertEquals(460800, s.baud());
        }
    }

    /** Loses everything written while the port is not at {@code baud}. */
    static final class OnlyAtBaud implements SerialTransport {
        private final SerialTransport inner;
        private final int baud;

        OnlyAtBaud(SerialTransport inner, int baud) {
            this.inner = inner;
            this.baud = baud;
        }

        @Override
        public void write(byte[] data) throws java.io.IOException {
            if (inner.baud() == baud) {
                inner.write(data);
            }
        }

        @Override
        public int read(byte[] buf, int timeoutMs) throws java.io.IOException {
            return inner.read(buf, timeoutMs);
        }

        @Override
        public void discardInput() throws java.io.IOException {
            inner.discardInput();
        }

        @Override
        public void setBaud(int b) throws java.io.IOException {
            inner.setBaud(b);
        }

        @Override
        public int baud() {
            return inner.baud();
        }

        @Override
        public void setDtr(boolean asserted) throws java.io.IOException {
            inner.setDtr(asserted);
        }

        @Override
        public void setRts(boolean asserted) throws java.io.IOException {
            inner.setRts(asserted);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
