package org.iotasign.espimage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Hashes;

/**
 * Builds deterministic, structurally real Arduino-core firmware.bin files for tests and demos:
 * an eboot image padded with 0xAA to 0x1000, then an application image with the segments the
 * core's build emits (.irom0.text at 0x40201010, .text, .text1, .data, .rodata), flash
 * parameters dio/4MB/40m. The contents are pseudo-random bytes seeded from the version label,
 * plus the ASCII text "Firmware version &lt;label&gt;" and each embedded public key.
 */
public final class SampleFirmware {
    /** The flash parameters every sample carries: dio, 4MB, 40m. */
    static final int FLASH_MODE = 0x2;
    static final int FLASH_SIZE_FREQ = 0x40;

    private static final long EBOOT_TEXT = 0x4010F000L;
    private static final long EBOOT_RODATA = 0x3FFFC000L;
    private static final long APP_IROM = 0x40201010L;
    private static final long APP_TEXT = 0x40100000L;
    private static final long APP_DATA = 0x3FFE8000L;
    private static final int APP_TEXT_LENGTH = 0x800;
    private static final int APP_TEXT1_LENGTH = 0x40;
    private static final int APP_DATA_LENGTH = 0x80;
    private static final int APP_RODATA_LENGTH = 0x100;

    private SampleFirmware() {
    }

    /** A firmware with the core-2.6.3+ whole-file CRC (so its app checksum is stale, as in real builds). */
    public static byte[] build(String versionLabel, List<Ed25519PublicKey> embeddedKeys, int approxSize) {
        byte[] file = assemble(versionLabel, embeddedKeys, approxSize, true);
        int crc = FirmwareCrc.ofFirmware(file, file.length);
        putU32(file, FirmwareCrc.LENGTH_OFFSET, file.length);
        putU32(file, FirmwareCrc.CRC_OFFSET, crc);
        return file;
    }

    /** A firmware as older cores built it: no CRC, the app checksum valid. */
    public static byte[] buildWithoutCrc(String versionLabel, List<Ed25519PublicKey> embeddedKeys, int approxSize) {
        return assemble(versionLabel, embeddedKeys, approxSize, false);
    }

    private static byte[] assemble(String label, List<Ed25519PublicKey> keys, int approxSize, boolean crcWords) {
        if (!label.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("version label must be printable ASCII: " + label);
        }
        byte[] text = ("Firmware version " + label).getBytes(StandardCharsets.US_ASCII);
        SplitMix64 random = new SplitMix64(seed(label));

        byte[] file = new byte[Math.max(approxSize, 0x2000) + 0x100];
        int pos = 0;
        pos = header(file, pos, 2, EBOOT_TEXT + 4);
        pos = segment(file, pos, EBOOT_TEXT, 0x700, random);
        pos = segment(file, pos, EBOOT_RODATA, 0x100, random);
        pos = finishImage(file, 0, pos);
        Arrays.fill(file, pos, Esp8266Image.APP_OFFSET, (byte) Esp8266Image.EBOOT_PAD);

        pos = header(file, Esp8266Image.APP_OFFSET, 5, APP_TEXT + 4);
        // .irom0.text: the CRC words (zero placeholders, or code in a build without CRC), the
        // version text, the keys, then filler up to about approxSize.
        int fixed = 0x1010 + 8 + text.length + 1 + 32 * keys.size()
                + 5 * 8 + APP_TEXT_LENGTH + APP_TEXT1_LENGTH + APP_DATA_LENGTH + APP_RODATA_LENGTH + 16;
        int filler = Math.max(0, approxSize - fixed);
        int iromLength = align4(8 + text.length + 1 + 32 * keys.size() + filler);
        file = ensure(file, pos + 8 + iromLength + 0x2000);
        putU32(file, pos, APP_IROM);
        putU32(file, pos + 4, iromLength);
        int data = pos + 8;
        if (!crcWords) {
            random.fill(file, data, 8);
        }
        int p = data + 8;
        System.arraycopy(text, 0, file, p, text.length);
        p += text.length + 1;
        for (Ed25519PublicKey key : keys) {
            System.arraycopy(key.bytes(), 0, file, p, 32);
            p += 32;
        }
        random.fill(file, p, data + iromLength - p);
        pos = data + iromLength;
        pos = segment(file, pos, APP_TEXT, APP_TEXT_LENGTH, random);
        pos = segment(file, pos, APP_TEXT + APP_TEXT_LENGTH, APP_TEXT1_LENGTH, random);
        pos = segment(file, pos, APP_DATA, APP_DATA_LENGTH, random);
        pos = segment(file, pos, APP_DATA + APP_DATA_LENGTH, APP_RODATA_LENGTH, random);
        pos = finishImage(file, Esp8266Image.APP_OFFSET, pos);
        return Arrays.copyOf(file, pos);
    }

    private static int header(byte[] file, int at, int segments, long entry) {
        file[at] = (byte) ImageParser.MAGIC;
        file[at + 1] = (byte) segments;
        file[at + 2] = (byte) FLASH_MODE;
        file[at + 3] = (byte) FLASH_SIZE_FREQ;
        putU32(file, at + 4, entry);
        return at + ImageParser.HEADER_LENGTH;
    }

    private static int segment(byte[] file, int at, long address, int length, SplitMix64 random) {
        putU32(file, at, address);
        putU32(file, at + 4, length);
        random.fill(file, at + 8, length);
        return at + 8 + length;
    }

    /** Zero padding and the checksum byte; returns the offset just past the image. */
    private static int finishImage(byte[] file, int imageStart, int dataEnd) {
        int checksumAt = dataEnd + (15 - ((dataEnd - imageStart) & 15));
        Arrays.fill(file, dataEnd, checksumAt, (byte) 0);
        int checksum = ImageParser.CHECKSUM_SEED;
        int pos = imageStart + ImageParser.HEADER_LENGTH;
        for (int i = 0; i < (file[imageStart + 1] & 0xff); i++) {
            int length = (int) ImageParser.u32(file, pos + 4);
            for (int p = pos + 8, end = pos + 8 + length; p < end; p++) {
                checksum ^= file[p];
            }
            pos += 8 + length;
        }
        file[checksumAt] = (byte) checksum;
        return checksumAt + 1;
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static byte[] ensure(byte[] file, int length) {
        return file.length >= length ? file : Arrays.copyOf(file, length);
    }

    private static long seed(String label) {
        byte[] d = Hashes.sha256(label.getBytes(StandardCharsets.UTF_8));
        long s = 0;
        for (int i = 0; i < 8; i++) {
            s = s << 8 | (d[i] & 0xff);
        }
        return s;
    }

    static void putU32(byte[] b, int at, long value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }

    /** SplitMix64: fixed, documented arithmetic, so the same label gives the same bytes on every JVM. */
    private static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            state = seed;
        }

        long next() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        void fill(byte[] b, int from, int length) {
            int end = from + length;
            int p = from;
            while (p + 8 <= end) {
                long v = next();
                for (int i = 0; i < 8; i++) {
                    b[p++] = (byte) (v >>> (8 * i));
                }
            }
            if (p < end) {
                long v = next();
                for (int i = 0; p < end; i++) {
                    b[p++] = (byte) (v >>> (8 * i));
                }
            }
        }
    }
}
