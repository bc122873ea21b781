package org.iotasign.espimage;

/**
 * The whole-file CRC of an Arduino-core (2.6.3 and later) firmware.bin.
 *
 * <p>The build stores two little-endian words at file offsets 0x1010 (the file's length) and
 * 0x1014 (the CRC); the CRC is computed over the whole file with those 8 bytes taken as zero.
 * The algorithm is CRC-32/MPEG-2: MSB first, polynomial 0x04C11DB7, initial value 0xFFFFFFFF,
 * no reflection, no final XOR.
 */
public final class FirmwareCrc {
    /** File offset of the stored length word. */
    public static final int LENGTH_OFFSET = 0x1010;
    /** File offset of the stored CRC word. */
    public static final int CRC_OFFSET = 0x1014;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private FirmwareCrc() {
    }

    /** CRC-32/MPEG-2 of {@code data[from, from+length)}. */
    public static int crc32Mpeg2(byte[] data, int from, int length) {
        return update(0xFFFFFFFF, data, from, length);
    }

    /**
     * The CRC the build would store for the first {@code length} bytes of {@code file}, with the
     * 8 bytes at 0x1010-0x1017 counted as zero. Requires {@code length >= 0x1018}.
     */
    public static int ofFirmware(byte[] file, int length) {
        if (length < CRC_OFFSET + 4 || length > file.length) {
            throw new IllegalArgumentException("a firmware CRC needs at least 0x1018 bytes of the file, got " + length);
        }
        int crc = update(0xFFFFFFFF, file, 0, LENGTH_OFFSET);
        for (int i = 0; i < 8; i++) {
            crc = (crc << 8) ^ TABLE[(crc >>> 24) & 0xff];
        }
        return update(crc, file, CRC_OFFSET + 4, length - (CRC_OFFSET + 4));
    }

    private static int update(int crc, byte[] data, int from, int length) {
        for (int i = from, end = from + length; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff];
        }
        return crc;
    }
}
