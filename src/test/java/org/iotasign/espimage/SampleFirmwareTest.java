package org.iotasign.espimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.iotasign.crypto.Ed25519PublicKey;
import org.junit.jupiter.api.Test;

class SampleFirmwareTest {
    private static final Ed25519PublicKey KEY_A = Ed25519PublicKey.STOCK_IOTAWATT;
    private static final Ed25519PublicKey KEY_B = Ed25519PublicKey.of(filled(32, 0x5c));

    @Test
    void buildsAnArduinoImageThatPassesEveryCheckWithAValidCrc() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(KEY_A), 300_000);
        ImageCheck c = Esp8266Image.check(fw);
        assertEquals(List.of(), c.errors());
        assertEquals(List.of(), c.warnings());
        assertEquals(ImageCheck.Kind.ARDUINO_EBOOT_AND_APP, c.kind());
        assertTrue(c.crcPresent());
        assertTrue(c.crcValid());
        assertEquals(fw.length, c.imageLength());
        // Independent: the stored words are the length and the bitwise CRC of the zeroed file.
        assertEquals(fw.length, Reference.u32(fw, 0x1010));
        assertEquals(Reference.firmwareCrc(fw), Reference.u32(fw, 0x1014));
    }

    @Test
    void carriesDioFourMegabytesFortyMegahertzAndTheCoreSegmentLayout() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(), 50_000);
        assertEquals(0xE9, fw[0] & 0xff);
        assertEquals(0x02, fw[2]);
        assertEquals(0x40, fw[3]);
        assertEquals(0xE9, fw[0x1000] & 0xff);
        assertEquals(0x02, fw[0x1002]);
        assertEquals(0x40, fw[0x1003]);
        ImageCheck c = Esp8266Image.check(fw);
        assertEquals("dio", c.app().flashModeName());
        assertEquals("4MB", c.app().flashSizeName());
        assertEquals("40m", c.app().flashFreqName());
        assertEquals(5, c.app().segments().size());
        assertEquals(0x40201010L, c.app().segments().get(0).loadAddress());
        assertEquals(0x1010, c.app().segments().get(0).fileOffset());
        assertEquals(2, c.bootloader().segments().size());
        assertTrue(c.bootloader().checksumValid());
        for (int p = c.bootloader().endOffset(); p < 0x1000; p++) {
            assertEquals((byte) 0xAA, fw[p], "eboot padding at 0x" + Integer.toHexString(p));
        }
    }

    @Test
    void embedsTheVersionTextAndEveryKey() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(KEY_A, KEY_B), 20_000);
        assertTrue(contains(fw, "Firmware version 02_08_05".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(KEY_A.isEmbeddedIn(fw));
        assertTrue(KEY_B.isEmbeddedIn(fw));
        assertFalse(KEY_B.isEmbeddedIn(SampleFirmware.build("02_08_05", List.of(KEY_A), 20_000)));
    }

    @Test
    void isDeterministicPerLabelAndDiffersBetweenLabels() {
        assertArrayEquals(SampleFirmware.build("02_08_05", List.of(KEY_A), 100_000),
                SampleFirmware.build("02_08_05", List.of(KEY_A), 100_000));
        byte[] a = SampleFirmware.build("02_08_05", List.of(KEY_A), 100_000);
        byte[] b = SampleFirmware.build("02_08_06", List.of(KEY_A), 100_000);
        assertEquals(a.length, b.length);
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void sizeIsCloseToTheRequestedSize() {
        for (int size : new int[] {10_000, 300_000, 1 << 20}) {
            int actual = SampleFirmware.build("02_08_05", List.of(KEY_A), size).length;
            assertTrue(Math.abs(actual - size) <= 64, "asked " + size + ", got " + actual);
            assertEquals(0, actual % 16, "an image ends on a 16-byte boundary");
        }
        assertTrue(Esp8266Image.check(SampleFirmware.build("x", List.of(), 0)).ok(), "tiny request still valid");
    }

    @Test
    void buildWithoutCrcHasAValidAppChecksumAndNoCrc() {
        byte[] fw = SampleFirmware.buildWithoutCrc("02_07_05", List.of(KEY_A), 40_000);
        ImageCheck c = Esp8266Image.check(fw);
        assertEquals(List.of(), c.errors());
        assertFalse(c.crcPresent());
        assertTrue(c.app().checksumValid());
        assertNotEquals(fw.length, Reference.u32(fw, 0x1010));
        assertTrue(contains(fw, "Firmware version 02_07_05".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void refusesANonAsciiLabel() {
        assertThrows(IllegalArgumentException.class, () -> SampleFirmware.build("02_08_\u00e9", List.of(), 10_000));
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
