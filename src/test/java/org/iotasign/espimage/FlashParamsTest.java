package org.iotasign.espimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlashParamsTest {
    private static final String NOT_VALID = "not a valid ESP8266 image, so not changing any flash settings";
    private static final byte[] FOUR = {1, 2, 3, 4};

    private static byte[] image() {
        return new Reference.ImageBytes(1, 0x2, 0x40, 0x40100004L).segment(0x40100000L, FOUR).finish();
    }

    @Test
    void rewritesOnlyBytesTwoAndThreeOfACopy() {
        byte[] in = SampleFirmware.build("02_08_05", List.of(), 20_000);
        byte[] before = in.clone();
        FlashParams.Result r = FlashParams.apply(in, "qio", "2MB", "80m");
        assertTrue(r.changed());
        assertArrayEquals(before, in, "the input is not modified");
        assertEquals(0x00, r.bytes()[2]);
        assertEquals(0x3f, r.bytes()[3]);
        assertEquals("header bytes 2-3 rewritten from 02 40 to 00 3f", r.reason());
        byte[] rest = r.bytes().clone();
        rest[2] = in[2];
        rest[3] = in[3];
        assertArrayEquals(in, rest, "nothing but bytes 2-3 changes, not even the app header at 0x1000");
    }

    @Test
    void keepPreservesTheOldByteOrNibble() {
        byte[] in = image();
        in[3] = 0x4f;
        FlashParams.Result sizeOnly = FlashParams.apply(in, "keep", "1MB", "keep");
        assertEquals(0x02, sizeOnly.bytes()[2]);
        assertEquals(0x2f, sizeOnly.bytes()[3]);
        FlashParams.Result freqOnly = FlashParams.apply(in, "keep", "keep", "26m");
        assertEquals(0x41, freqOnly.bytes()[3]);
        FlashParams.Result modeOnly = FlashParams.apply(in, "dout", "keep", "keep");
        assertEquals(0x03, modeOnly.bytes()[2]);
        assertEquals(0x4f, modeOnly.bytes()[3]);
    }

    @Test
    void allKeepLeavesTheImageAlone() {
        byte[] in = image();
        FlashParams.Result r = FlashParams.apply(in, "keep", "keep", "keep");
        assertFalse(r.changed());
        assertSame(in, r.bytes());
        assertEquals("flash mode, size and frequency are all keep: image left unchanged", r.reason());
    }

    @Test
    void sameValuesAreReportedAsUnchanged() {
        byte[] in = image();
        FlashParams.Result r = FlashParams.apply(in, "dio", "4MB", "40m");
        assertFalse(r.changed());
        assertSame(in, r.bytes());
    }

    @Test
    void everyEsptoolSizeNameMapsToItsNibble() {
        String[] names = {"512KB", "256KB", "1MB", "2MB", "4MB", "2MB-c1", "4MB-c1", "8MB", "16MB"};
        int[] codes = {0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x80, 0x90};
        byte[] in = image();
        in[3] = 0x0f;
        for (int i = 0; i < names.length; i++) {
            assertEquals((byte) (codes[i] | 0xf), FlashParams.apply(in, "keep", names[i], "keep").bytes()[3], names[i]);
        }
    }

    @Test
    void aChecksumMismatchDoesNotPreventTheRewrite() {
        byte[] in = image();
        in[in.length - 1] ^= 0x55;
        assertTrue(FlashParams.apply(in, "qio", "keep", "keep").changed());
    }

    @Test
    void imagesEsptoolCannotParseAreLeftUntouched() {
        byte[] wrongMagic = image();
        wrongMagic[0] = (byte) 0xEA;
        byte[] truncatedSegment = Arrays.copyOf(image(), 18);
        byte[] noChecksumByte = Arrays.copyOf(image(), 31);
        Reference.ImageBytes seventeen = new Reference.ImageBytes(17, 2, 0x40, 0x40100004L);
        for (int i = 0; i < 17; i++) {
            seventeen.segment(0x40100000L, FOUR);
        }
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        for (byte[] in : List.of(wrongMagic, truncatedSegment, noChecksumByte, seventeen.finish(), gzip, new byte[0])) {
            FlashParams.Result r = FlashParams.apply(in, "qio", "4MB", "80m");
            assertFalse(r.changed());
            assertSame(in, r.bytes());
            assertEquals(NOT_VALID, r.reason());
        }
    }

    @Test
    void unknownNamesAreRefusedWithTheValidList() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> FlashParams.apply(image(), "fast", "keep", "keep"));
        assertEquals("unknown flash mode 'fast': use one of keep, qio, qout, dio, dout", mode.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> FlashParams.apply(image(), "keep", "4M", "keep"));
        assertEquals("unknown flash size '4M': use one of keep, 512KB, 256KB, 1MB, 2MB, 4MB, 2MB-c1, 4MB-c1, 8MB, 16MB",
                size.getMessage());
        IllegalArgumentException freq = assertThrows(IllegalArgumentException.class,
                () -> FlashParams.apply(image(), "keep", "keep", "40"));
        assertEquals("unknown flash frequency '40': use one of keep, 40m, 26m, 20m, 80m", freq.getMessage());
    }
}
