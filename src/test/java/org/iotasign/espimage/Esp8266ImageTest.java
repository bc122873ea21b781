package org.iotasign.espimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Esp8266ImageTest {
    private static final byte[] FOUR = {1, 2, 3, 4};

    /** A complete image written out byte by byte: every field's position is spelled out here. */
    private static final byte[] GOLDEN = HexFormat.of().parseHex(
            "e9" + "01" + "02" + "40" + "04001040"      // magic, 1 segment, dio, 4MB|40m, entry 0x40100004
            + "00001040" + "04000000" + "01020304"      // segment at 0x40100000, 4 bytes, data
            + "0000000000000000000000"                  // 11 zero bytes of padding, offsets 20-30
            + "eb");                                     // offset 31: checksum 0xEF^1^2^3^4

    @Test
    void segmentChecksumXorMatchesAByteAtATimeXorAtEveryLengthAndAlignment() {
        byte[] data = new byte[40];
        new java.util.Random(6).nextBytes(data);
        for (int from = 0; from < 9; from++) {
            for (int n = 0; from + n <= data.length; n++) {
                int expected = 0;
                for (int p = from; p < from + n; p++) {
                    expected ^= data[p] & 0xff;
                }
                assertEquals(expected, ImageParser.xor(data, from, n) & 0xff, "from " + from + ", length " + n);
            }
        }
    }

    @Test
    void readsEveryFieldOfAHandWrittenImage() {
        ImageCheck c = Esp8266Image.check(GOLDEN);
        assertEquals(List.of(), c.errors());
        assertEquals(ImageCheck.Kind.SINGLE_IMAGE, c.kind());
        ImageHeader h = c.app();
        assertEquals(0, h.offset());
        assertEquals(1, h.segmentCount());
        assertEquals(2, h.flashMode());
        assertEquals("dio", h.flashModeName());
        assertEquals(4, h.flashSizeCode());
        assertEquals("4MB", h.flashSizeName());
        assertEquals(0, h.flashFreqCode());
        assertEquals("40m", h.flashFreqName());
        assertEquals(0x40100004L, h.entry());
        assertEquals(List.of(new Segment(0x40100000L, 4, 16)), h.segments());
        assertEquals(0xEB, h.checksumStored());
        assertTrue(h.checksumValid());
        assertEquals(32, h.endOffset());
        assertEquals(32, c.imageLength());
        assertNull(c.bootloader());
        assertFalse(c.crcPresent());
    }

    @Test
    void testBuilderProducesTheGoldenBytes() {
        assertArrayEquals(GOLDEN, new Reference.ImageBytes(1, 2, 0x40, 0x40100004L).segment(0x40100000L, FOUR).finish());
    }

    @Test
    void namesEveryEsptoolFlashCode() {
        String[] sizes = {"512KB", "256KB", "1MB", "2MB", "4MB", "2MB-c1", "4MB-c1", null, "8MB", "16MB"};
        for (int code = 0; code < sizes.length; code++) {
            if (sizes[code] != null) {
                assertEquals(sizes[code], header(0, code, 0).flashSizeName());
            }
        }
        assertEquals("qio", header(0, 4, 0).flashModeName());
        assertEquals("qout", header(1, 4, 0).flashModeName());
        assertEquals("dout", header(3, 4, 0).flashModeName());
        assertEquals("26m", header(2, 4, 1).flashFreqName());
        assertEquals("20m", header(2, 4, 2).flashFreqName());
        assertEquals("80m", header(2, 4, 0xf).flashFreqName());
    }

    @Test
    void unknownFlashModeIsAnError() {
        byte[] img = GOLDEN.clone();
        img[2] = 4;
        assertOnlyError(img, "flash mode 0x04 is unknown");
    }

    @Test
    void unknownFlashSizeIsAnError() {
        byte[] img = GOLDEN.clone();
        img[3] = 0x70;
        assertOnlyError(img, "flash size code 0x7 is unknown");
    }

    @Test
    void unknownFlashFrequencyIsAnError() {
        byte[] img = GOLDEN.clone();
        img[3] = 0x43;
        assertOnlyError(img, "flash frequency code 0x3 is unknown");
    }

    @Test
    void flashSizeAboveFourMegabytesIsRefusedBecauseTheUpdaterWould() {
        for (int sizeFreq : new int[] {0x80, 0x90}) {
            byte[] img = GOLDEN.clone();
            img[3] = (byte) sizeFreq;
            ImageCheck c = assertOnlyError(img, "the IoTaWatt's ESP-12 has 4MB");
            assertTrue(c.errors().get(0).contains(sizeFreq == 0x80 ? "8MB" : "16MB"));
        }
        byte[] fourMbC1 = GOLDEN.clone();
        fourMbC1[3] = 0x60;
        assertTrue(Esp8266Image.check(fourMbC1).ok(), "4MB-c1 is still 4MB");
    }

    @Test
    void zeroSegmentsIsAnError() {
        byte[] img = new Reference.ImageBytes(0, 2, 0x40, 0x40100004L).finish();
        assertOnlyError(img, "has 0 segments");
    }

    @Test
    void moreThanSixteenSegmentsIsAnErrorAndIsNotWalked() {
        Reference.ImageBytes b = new Reference.ImageBytes(17, 2, 0x40, 0x40100004L);
        for (int i = 0; i < 17; i++) {
            b.segment(0x40100000L + 4 * i, FOUR);
        }
        ImageCheck c = assertOnlyError(b.finish(), "claims 17 segments; an ESP8266 image has at most 16");
        assertEquals(0, c.app().segments().size());
    }

    @Test
    void segmentRunningPastTheEndIsAnErrorWithoutAllocatingItsLength() {
        byte[] img = GOLDEN.clone();
        Reference.le32(img, 12, 0xFFFFFFF0L);
        assertOnlyError(img, "image segment 1 length 0xfffffff0 at 0x10 runs past the end of the file");
    }

    @Test
    void missingSegmentHeaderIsAnError() {
        byte[] img = Arrays.copyOf(GOLDEN, 12);
        assertOnlyError(img, "image segment 1 header at 0x8 runs past the end of the file");
    }

    @Test
    void missingChecksumByteIsAnError() {
        assertOnlyError(Arrays.copyOf(GOLDEN, 31), "checksum byte at 0x1f is past the end of the file");
    }

    @Test
    void implausibleLoadAddressIsAnError() {
        for (long address : new long[] {0x60000000L, 0x3FFE7FFCL, 0x4013FFFEL, 0x40300000L, 0x00000000L}) {
            byte[] img = new Reference.ImageBytes(1, 2, 0x40, 0x40100004L).segment(address, FOUR).finish();
            assertOnlyError(img, String.format("loads 0x4 bytes at 0x%08x, outside the ESP8266's RAM", address));
        }
        for (long address : new long[] {0x3FFE8000L, 0x3FFFFFFCL, 0x40100000L, 0x4013FFFCL, 0x402FFFFCL}) {
            byte[] img = new Reference.ImageBytes(1, 2, 0x40, 0x40100004L).segment(address, FOUR).finish();
            assertEquals(List.of(), Esp8266Image.check(img).errors(), String.format("0x%08x is loadable", address));
        }
    }

    @Test
    void badChecksumOfASingleImageIsAnError() {
        byte[] img = GOLDEN.clone();
        img[16] ^= 0x10;
        assertOnlyError(img, "image checksum byte 0xeb at 0x1f does not match the data (computed 0xfb)");
    }

    @Test
    void nonZeroChecksumPaddingIsOnlyAWarning() {
        byte[] img = GOLDEN.clone();
        img[25] = 7;
        ImageCheck c = Esp8266Image.check(img);
        assertTrue(c.ok());
        assertEquals(List.of("image padding 0x14-0x1e before the checksum is not all zero"), c.warnings());
    }

    @Test
    void trailingBytesAfterASingleImageAreAnError() {
        assertOnlyError(Arrays.copyOf(GOLDEN, 48), "16 byte(s) follow the end of the image at 0x20");
    }

    @Test
    void badBootloaderChecksumIsAnErrorEvenWithAValidCrc() {
        byte[] fw = sample();
        ImageCheck clean = Esp8266Image.check(fw);
        fw[clean.bootloader().segments().get(0).fileOffset()] ^= 1;
        ImageCheck c = assertOnlyError(Reference.withFreshCrc(fw), "bootloader image checksum byte");
        assertTrue(c.crcValid());
    }

    @Test
    void wrongCrcIsAnError() {
        byte[] fw = sample();
        fw[0x1014] ^= 0x01;
        ImageCheck c = assertOnlyError(fw, "CRC-32 at 0x1014 is");
        assertTrue(c.crcPresent());
        assertFalse(c.crcValid());
    }

    @Test
    void staleAppChecksumIsAcceptedWhenTheCrcIsValid() {
        byte[] fw = sample();
        int appChecksumAt = Esp8266Image.check(fw).app().endOffset() - 1;
        fw[appChecksumAt] ^= 0x42;
        ImageCheck c = Esp8266Image.check(Reference.withFreshCrc(fw));
        assertEquals(List.of(), c.errors());
        assertFalse(c.app().checksumValid());
        assertTrue(c.crcValid());
    }

    @Test
    void badAppChecksumWithoutCrcIsAnError() {
        byte[] fw = SampleFirmware.buildWithoutCrc("02_07_05", List.of(), 20_000);
        fw[0x2000] ^= 0x01;
        ImageCheck c = assertOnlyError(fw, "app image checksum byte");
        assertTrue(c.errors().get(0).contains("carries no CRC"));
    }

    @Test
    void ebootPaddingThatIsNotAaIsAnError() {
        byte[] fw = sample();
        fw[0xFF0] = 0x00;
        fw[0xFFF] = (byte) 0xFF;
        assertOnlyError(Reference.withFreshCrc(fw), "2 byte(s) of the bootloader padding 0x820-0xfff are not 0xAA (first at 0xff0)");
    }

    @Test
    void bytesAppendedAfterTheBuildAreAnErrorButTheCrcStillChecksTheBuild() {
        byte[] fw = sample();
        byte[] appended = Arrays.copyOf(fw, fw.length + 5);
        ImageCheck c = assertOnlyError(appended, String.format("5 byte(s) follow the end of the app image at 0x%x", fw.length));
        assertTrue(c.crcPresent());
        assertTrue(c.crcValid());
        assertEquals(fw.length, c.imageLength());
    }

    @Test
    void appendedBytesCoveredByAFreshCrcAreStillAnError() {
        byte[] fw = sample();
        ImageCheck c = assertOnlyError(Reference.withFreshCrc(Arrays.copyOf(fw, fw.length + 16)), "16 byte(s) follow");
        assertTrue(c.crcValid());
    }

    @Test
    void flashMappedSegmentAtTheWrongAddressIsAnError() {
        byte[] fw = sample();
        Reference.le32(fw, 0x1008, 0x40202010L);
        assertOnlyError(Reference.withFreshCrc(fw),
                "app image segment 1 is flash-mapped code at 0x40202010 but its data sits at file offset 0x1010");
    }

    @Test
    void sizeAboveFourMegabytesInTheArduinoHeadersIsAnError() {
        byte[] fw = sample();
        fw[3] = (byte) 0x80;
        fw[0x1003] = (byte) 0x80;
        ImageCheck c = Esp8266Image.check(Reference.withFreshCrc(fw));
        assertEquals(2, c.errors().size(), c.errors().toString());
        assertTrue(c.errors().get(0).startsWith("bootloader image header says 8MB flash"));
        assertTrue(c.errors().get(1).startsWith("app image header says 8MB flash"));
    }

    @Test
    void differingBootloaderAndAppFlashParametersAreAWarning() {
        byte[] fw = sample();
        fw[0x1002] = 0x03;
        ImageCheck c = Esp8266Image.check(Reference.withFreshCrc(fw));
        assertTrue(c.ok());
        assertEquals(List.of("bootloader header says dio/4MB/40m but the app header says dout/4MB/40m; "
                + "the ROM uses the bootloader's"), c.warnings());
    }

    @Test
    void gzipIsNamedWithAWarningAboutTheCoreVersion() {
        ImageCheck c = Esp8266Image.check(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        assertEquals(ImageCheck.Kind.GZIP, c.kind());
        assertTrue(c.ok());
        assertEquals(List.of("gzip-compressed image: the device's ESP8266 core must be 2.7.0 or later (IoTaWatt's is 2.6.3)"),
                c.warnings());
    }

    @Test
    void esp32ImagesAreNamedNotCalledCorrupt() {
        ImageCheck classic = Esp8266Image.check(esp32Image(0x0000, 0x3F400020L));
        assertEquals(ImageCheck.Kind.ESP32, classic.kind());
        assertEquals(List.of("this is an ESP32 image (chip ESP32), not an ESP8266 image: it was built for the wrong chip"),
                classic.errors());
        ImageCheck c3 = Esp8266Image.check(esp32Image(0x0005, 0x3C000020L));
        assertEquals(ImageCheck.Kind.ESP32, c3.kind());
        assertTrue(c3.errors().get(0).contains("an ESP32 image (chip ESP32-C3)"));
    }

    @Test
    void nonImagesAreNamed() {
        ImageCheck text = Esp8266Image.check("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(ImageCheck.Kind.NOT_AN_IMAGE, text.kind());
        assertEquals(List.of("the file starts with 0x68, not 0xE9: not an ESP8266 firmware image"), text.errors());
        assertEquals(ImageCheck.Kind.NOT_AN_IMAGE, Esp8266Image.check(new byte[0]).kind());
        assertEquals(ImageCheck.Kind.NOT_AN_IMAGE, Esp8266Image.check(null).kind());
        ImageCheck stub = Esp8266Image.check(new byte[] {(byte) 0xE9, 1});
        assertEquals(List.of("image at 0x0 is cut short: the file ends before its 8-byte header"), stub.errors());
    }

    @Test
    void hostileSegmentCountsAndLengthsAreRefusedQuickly() {
        byte[] img = new byte[0x1100];
        Arrays.fill(img, (byte) 0xFF);
        img[0] = (byte) 0xE9;
        img[0x1000] = (byte) 0xE9;
        ImageCheck c = Esp8266Image.check(img);
        assertFalse(c.ok());
        assertTrue(c.errors().stream().anyMatch(e -> e.contains("claims 255 segments")), c.errors().toString());
    }

    private static byte[] sample() {
        return SampleFirmware.build("02_08_05", List.of(), 20_000);
    }

    private static ImageHeader header(int mode, int size, int freq) {
        byte[] img = GOLDEN.clone();
        img[2] = (byte) mode;
        img[3] = (byte) (size << 4 | freq);
        return Esp8266Image.check(img).app();
    }

    /** A minimal ESP32-family image: 24-byte extended header, one segment. */
    static byte[] esp32Image(int chipId, long firstAddress) {
        byte[] b = new byte[64];
        b[0] = (byte) 0xE9;
        b[1] = 1;
        b[2] = 2;
        b[3] = 0x20;
        Reference.le32(b, 4, 0x40080000L);
        b[8] = (byte) 0xEE;
        b[12] = (byte) chipId;
        b[13] = (byte) (chipId >> 8);
        Reference.le32(b, 24, firstAddress);
        Reference.le32(b, 28, 16);
        return b;
    }

    private static ImageCheck assertOnlyError(byte[] img, String expectedPart) {
        ImageCheck c = Esp8266Image.check(img);
        assertFalse(c.ok());
        assertEquals(1, c.errors().size(), "exactly one error expected: " + c.errors());
        assertTrue(c.errors().get(0).contains(expectedPart), "error was: " + c.errors().get(0));
        return c;
    }
}
