package org.iotasign.espimage;

import java.util.List;

/**
 * One parsed ESP8266 v1 image inside a file.
 *
 * @param offset          file offset of the image's 0xE9 byte
 * @param segmentCount    byte 1 as stored (may exceed {@code segments().size()} when the image is damaged)
 * @param flashMode       byte 2
 * @param flashSizeCode   high nibble of byte 3
 * @param flashFreqCode   low nibble of byte 3
 * @param entry           bytes 4-7, the entry point (unsigned)
 * @param segments        the segments that are completely present in the file, in order
 * @param checksumStored  the checksum byte, or -1 when the file ends before it
 * @param checksumComputed 0xEF XOR every byte of the segments' data
 * @param checksumValid   stored == computed
 * @param endOffset       file offset just past the checksum byte, or -1 when the image is incomplete
 */
public record ImageHeader(int offset, int segmentCount, int flashMode, int flashSizeCode, int flashFreqCode,
                          long entry, List<Segment> segments, int checksumStored, int checksumComputed,
                          boolean checksumValid, int endOffset) {

    public ImageHeader {
        segments = List.copyOf(segments);
    }

    /** qio/qout/dio/dout, or "unknown(0x..)". */
    public String flashModeName() {
        return named(FlashCodes.MODES, flashMode);
    }

    /** esptool's size name (512KB ... 16MB), or "unknown(0x..)". */
    public String flashSizeName() {
        return named(FlashCodes.SIZES, flashSizeCode);
    }

    /** 40m/26m/20m/80m, or "unknown(0x..)". */
    public String flashFreqName() {
        return named(FlashCodes.FREQS, flashFreqCode);
    }

    /** True when every segment and the checksum byte are present in the file. */
    public boolean complete() {
        return endOffset >= 0;
    }

    private static String named(java.util.Map<String, Integer> table, int code) {
        String name = FlashCodes.nameOf(table, code);
        return name != null ? name : String.format("unknown(0x%x)", code);
    }
}
