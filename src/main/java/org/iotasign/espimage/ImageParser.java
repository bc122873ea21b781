package org.iotasign.espimage;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one ESP8266 v1 image at a file offset without trusting any field: every length is checked
 * against the bytes actually present before it is used, nothing is allocated from a length field,
 * and at most {@link #MAX_SEGMENTS} segments are read, so work is bounded by the file's size.
 */
final class ImageParser {
    static final int MAGIC = 0xE9;
    static final int HEADER_LENGTH = 8;
    /** esptool refuses more; real builds have 2 (eboot) to 5 (Arduino app). */
    static final int MAX_SEGMENTS = 16;
    static final int CHECKSUM_SEED = 0xEF;

    /** The memory an ESP8266 segment may be loaded to: {start, end exclusive, name}. */
    static final long DRAM_START = 0x3FFE8000L, DRAM_END = 0x40000000L;
    static final long IRAM_START = 0x40100000L, IRAM_END = 0x40140000L;
    /** Flash-mapped code (irom0): the 1 MiB the cache maps at 0x40200000. */
    static final long IROM_START = 0x40200000L, IROM_END = 0x40300000L;

    /** What one parse found: the header (null if not even 8 bytes of header) and its problems. */
    record Result(ImageHeader header, List<String> errors, List<String> warnings) {
        boolean structurallyComplete() {
            return header != null && header.complete() && header.segmentCount() <= MAX_SEGMENTS;
        }
    }

    private ImageParser() {
    }

    /**
     * Parses the image at {@code offset}; {@code name} begins every message ("app image").
     * Problems with flash codes, segment counts, lengths and load addresses become errors;
     * the checksum is computed but judged by the caller, because whether it must match depends
     * on the file layout (see {@link Esp8266Image}).
     */
    static Result parse(byte[] file, int offset, String name) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (offset < 0 || file.length - offset < HEADER_LENGTH) {
            errors.add(String.format("%s at 0x%x is cut short: the file ends before its 8-byte header", name, offset));
            return new Result(null, errors, warnings);
        }
        int count = u8(file, offset + 1);
        int mode = u8(file, offset + 2);
        int sizeCode = u8(file, offset + 3) >>> 4;
        int freqCode = u8(file, offset + 3) & 0xf;
        long entry = u32(file, offset + 4);
        if (u8(file, offset) != MAGIC) {
            errors.add(String.format("%s at 0x%x starts with 0x%02x, not the image magic 0xE9", name, offset, u8(file, offset)));
        }
        checkFlashCodes(name, mode, sizeCode, freqCode, errors);

        List<Segment> segments = new ArrayList<>();
        int checksum = CHECKSUM_SEED;
        int pos = offset + HEADER_LENGTH;
        boolean complete = true;
        if (count == 0) {
            errors.add(name + " has 0 segments: there is nothing to load");
        } else if (count > MAX_SEGMENTS) {
            errors.add(String.format("%s claims %d segments; an ESP8266 image has at most %d", name, count, MAX_SEGMENTS));
            complete = false;
        }
        for (int i = 1; complete && i <= count; i++) {
            if (file.length - pos < 8) {
                errors.add(String.format("%s segment %d header at 0x%x runs past the end of the file", name, i, pos));
                complete = false;
                break;
            }
            long address = u32(file, pos);
            long length = u32(file, pos + 4);
            int dataOffset = pos + 8;
            if (length > file.length - dataOffset) {
                errors.add(String.format("%s segment %d length 0x%x at 0x%x runs past the end of the file (%d bytes left)",
                        name, i, length, dataOffset, file.length - dataOffset));
                complete = false;
                break;
            }
            segments.add(new Segment(address, length, dataOffset));
            if (length > 0 && !plausibleLoad(address, length)) {
                errors.add(String.format("%s segment %d loads 0x%x bytes at 0x%08x, outside the ESP8266's RAM "
                        + "(0x3FFE8000-0x3FFFFFFF, 0x40100000-0x4013FFFF) and mapped flash (0x40200000-0x402FFFFF)",
                        name, i, length, address));
            }
            checksum ^= xor(file, dataOffset, (int) length);
            pos = dataOffset + (int) length;
        }
        checksum &= 0xff;

        int stored = -1;
        int endOffset = -1;
        if (complete) {
            // Zero padding so that the checksum byte is the last byte of a 16-byte multiple.
            int checksumAt = pos + (15 - ((pos - offset) & 15));
            if (checksumAt >= file.length) {
                errors.add(String.format("%s checksum byte at 0x%x is past the end of the file", name, checksumAt));
            } else {
                stored = u8(file, checksumAt);
                endOffset = checksumAt + 1;
                for (int p = pos; p < checksumAt; p++) {
                    if (file[p] != 0) {
                        warnings.add(String.format("%s padding 0x%x-0x%x before the checksum is not all zero",
                                name, pos, checksumAt - 1));
                        break;
                    }
                }
            }
        }
        ImageHeader header = new ImageHeader(offset, count, mode, sizeCode, freqCode, entry, segments,
                stored, checksum, stored == checksum, endOffset);
        return new Result(header, errors, warnings);
    }

    /**
     * The XOR of {@code file[from, from+length)}. Eight bytes a step: an app image is most of a
     * megabyte, and a short-lived run checks it before the JIT has compiled the loop.
     */
    static int xor(byte[] file, int from, int length) {
        int x = 0;
        int p = from;
        int end = from + length;
        for (int stop = end - 7; p < stop; p += 8) {
            x ^= file[p] ^ file[p + 1] ^ file[p + 2] ^ file[p + 3] ^ file[p + 4] ^ file[p + 5] ^ file[p + 6] ^ file[p + 7];
        }
        for (; p < end; p++) {
            x ^= file[p];
        }
        return x;
    }

    private static void checkFlashCodes(String name, int mode, int sizeCode, int freqCode, List<String> errors) {
        if (FlashCodes.nameOf(FlashCodes.MODES, mode) == null) {
            errors.add(String.format("%s flash mode 0x%02x is unknown (qio 0, qout 1, dio 2, dout 3)", name, mode));
        }
        if (FlashCodes.nameOf(FlashCodes.SIZES, sizeCode) == null) {
            errors.add(String.format("%s flash size code 0x%x is unknown (valid: %s)", name, sizeCode, codes(FlashCodes.SIZES)));
        } else if (FlashCodes.sizeBytes(sizeCode) > FlashCodes.DEVICE_FLASH_BYTES) {
            errors.add(String.format("%s header says %s flash; the IoTaWatt's ESP-12 has 4MB and the core's Updater "
                    + "rejects an image claiming more", name, FlashCodes.nameOf(FlashCodes.SIZES, sizeCode)));
        }
        if (FlashCodes.nameOf(FlashCodes.FREQS, freqCode) == null) {
            errors.add(String.format("%s flash frequency code 0x%x is unknown (40m 0x0, 26m 0x1, 20m 0x2, 80m 0xf)", name, freqCode));
        }
    }

    private static String codes(java.util.Map<String, Integer> table) {
        StringBuilder b = new StringBuilder();
        table.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(String.format(" 0x%x", v)));
        return b.toString();
    }

    static boolean plausibleLoad(long address, long length) {
        long end = address + length;
        return within(address, end, DRAM_START, DRAM_END)
                || within(address, end, IRAM_START, IRAM_END)
                || within(address, end, IROM_START, IROM_END);
    }

    static boolean isIrom(long address) {
        return address >= IROM_START && address < IROM_END;
    }

    private static boolean within(long start, long end, long regionStart, long regionEnd) {
        return start >= regionStart && end <= regionEnd;
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
