package org.iotasign.espimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class Esp8266ImageProperties {

    @Property(tries = 300)
    void checkNeverThrowsOnArbitraryBytes(@ForAll @Size(max = 5000) byte[] bytes) {
        assertConsistent(Esp8266Image.check(bytes));
    }

    /** Arbitrary bytes that get past the magic test at 0 and at 0x1000, so the parsers see them. */
    @Property(tries = 300)
    void checkNeverThrowsOnArbitraryBytesShapedLikeAnImage(@ForAll("imageShaped") byte[] bytes) {
        assertConsistent(Esp8266Image.check(bytes));
    }

    @Property(tries = 300)
    void flashParamsNeverThrowsAndOnlyEverTouchesBytesTwoAndThree(@ForAll("imageShaped") byte[] bytes,
                                                                   @ForAll("modes") String mode) {
        FlashParams.Result r = FlashParams.apply(bytes, mode, "4MB", "keep");
        if (!r.changed()) {
            assertTrue(r.bytes() == bytes);
            return;
        }
        assertEquals(bytes.length, r.bytes().length);
        for (int i = 0; i < bytes.length; i++) {
            if (i != 2 && i != 3) {
                assertEquals(bytes[i], r.bytes()[i]);
            }
        }
    }

    /**
     * With a CRC every byte of the file is covered: any single-byte change is an error, except
     * in the length word at 0x1010, which makes the file look like a build without CRC; that
     * file is then judged by its app checksum, exactly.
     */
    @Property(tries = 400)
    void anySingleByteCorruptionOfACrcBuildIsCaught(@ForAll @AlphaChars @StringLength(min = 1, max = 8) String label,
                                                    @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
                                                    @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] fw = SampleFirmware.build(label, List.of(), 6000);
        ImageHeader cleanApp = Esp8266Image.check(fw).app();
        int at = where % fw.length;
        fw[at] ^= (byte) flip;
        ImageCheck c = Esp8266Image.check(fw);
        if (at >= 0x1010 && at < 0x1014) {
            assertFalse(c.crcPresent());
            assertEquals(appChecksumMatches(fw, cleanApp), c.ok(), c.errors().toString());
        } else {
            assertFalse(c.ok(), "corruption at 0x" + Integer.toHexString(at) + " went unnoticed");
            if (c.kind() == ImageCheck.Kind.ARDUINO_EBOOT_AND_APP) {
                assertTrue(c.crcPresent());
                assertFalse(c.crcValid());
            }
        }
    }

    /**
     * Without a CRC the checksums guard segment data: a change in any segment's data, either
     * checksum byte, the eboot 0xAA padding or a magic byte is an error; a change in the zero
     * padding before a checksum is only a warning.
     */
    @Property(tries = 400)
    void singleByteCorruptionOfABuildWithoutCrcIsCaughtWhereverAChecksumCovers(
            @ForAll @AlphaChars @StringLength(min = 1, max = 8) String label,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
            @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] fw = SampleFirmware.buildWithoutCrc(label, List.of(), 6000);
        ImageCheck clean = Esp8266Image.check(fw);
        int at = where % fw.length;
        fw[at] ^= (byte) flip;
        ImageCheck c = Esp8266Image.check(fw);
        assertConsistent(c);
        Region region = regionOf(at, clean);
        switch (region) {
            case GUARDED -> assertFalse(c.ok(), "corruption at 0x" + Integer.toHexString(at) + " went unnoticed");
            case ZERO_PADDING -> {
                assertTrue(c.ok(), c.errors().toString());
                assertEquals(1, c.warnings().size());
                assertTrue(c.warnings().get(0).contains("before the checksum is not all zero"));
            }
            case HEADER_FIELDS -> {
                // Flash codes, entry points, segment addresses/lengths/counts: judged field by
                // field (see Esp8266ImageTest), not guaranteed detectable by a checksum.
            }
        }
    }

    private enum Region { GUARDED, ZERO_PADDING, HEADER_FIELDS }

    private static Region regionOf(int at, ImageCheck clean) {
        if (at == 0 || at == 0x1000) {
            return Region.GUARDED;
        }
        for (ImageHeader h : List.of(clean.bootloader(), clean.app())) {
            if (at == h.endOffset() - 1) {
                return Region.GUARDED;
            }
            Segment last = h.segments().get(h.segments().size() - 1);
            if (at >= last.fileOffset() + last.length() && at < h.endOffset() - 1) {
                return Region.ZERO_PADDING;
            }
            for (Segment s : h.segments()) {
                if (at >= s.fileOffset() && at < s.fileOffset() + s.length()) {
                    return Region.GUARDED;
                }
            }
        }
        if (at >= clean.bootloader().endOffset() && at < 0x1000) {
            return Region.GUARDED;
        }
        return Region.HEADER_FIELDS;
    }

    private static boolean appChecksumMatches(byte[] fw, ImageHeader app) {
        int x = 0xEF;
        for (Segment s : app.segments()) {
            for (long p = s.fileOffset(); p < s.fileOffset() + s.length(); p++) {
                x ^= fw[(int) p] & 0xff;
            }
        }
        return x == (fw[app.endOffset() - 1] & 0xff);
    }

    private static void assertConsistent(ImageCheck c) {
        assertNotNull(c.kind());
        assertEquals(c.errors().isEmpty(), c.ok());
        assertTrue(c.imageLength() >= 0);
    }

    @Provide
    Arbitrary<byte[]> imageShaped() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(0x1400).map(b -> {
            if (b.length > 0) {
                b[0] = (byte) 0xE9;
            }
            if (b.length > 0x1000) {
                b[0x1000] = (byte) 0xE9;
            }
            return b;
        });
    }

    @Provide
    Arbitrary<String> modes() {
        return Arbitraries.of("keep", "qio", "qout", "dio", "dout");
    }
}
