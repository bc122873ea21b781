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

    /**
     * Slicing-by-8 tables: {@code TABLES[0]} is the classic byte table, {@code TABLES[k][i]} the
     * CRC of byte {@code i} followed by {@code k} zero bytes. Eight bytes a step instead of one:
     * a release's firmware is about 1 MiB, and a short-lived run checks it before the JIT has
     * compiled the loop.
     */
    private static final int[][] TABLES = new int[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLES[0][i] = c;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                int c = TABLES[k - 1][i];
                TABLES[k][i] = (c << 8) ^ TABLES[0][c >>> 24];
            }
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
            crc = (crc << 8) ^ TABLES[0][crc >>> 24];
        }
        return update(crc, file, CRC_OFFSET + 4, length - (CRC_OFFSET + 4));
    }

    private static int update(int crc, byte[] data, int from, int length) {
        int[] t0 = TABLES[0], t1 = TABLES[1], t2 = TABLES[2], t3 = TABLES[3];
        int[] t4 = TABLES[4], t5 = TABLES[5], t6 = TABLES[6], t7 = TABLES[7];
        int i = from;
        int end = from + length;
        for (int stop = end - 7; i < stop; i += 8) {
            int high = crc ^ ((data[i] & 0xff) << 24 | (data[i + 1] & 0xff) << 16 | (data[i + 2] & 0xff) << 8 | (data[i + 3] & 0xff));
            crc = t7[high >>> 24] ^ t6[(high >>> 16) & 0xff] ^ t5[(high >>> 8) & 0xff] ^ t4[high & 0xff]
                    ^ t3[data[i + 4] & 0xff] ^ t2[data[i + 5] & 0xff] ^ t1[data[i + 6] & 0xff] ^ t0[data[i + 7] & 0xff];
        }
        for (; i < end; i++) {
            crc = (crc << 8) ^ t0[((crc >>> 24) ^ data[i]) & 0xff];
        }
        return crc;
    }
}
