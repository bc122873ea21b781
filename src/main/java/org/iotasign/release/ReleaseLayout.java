package org.iotasign.release;

import java.nio.charset.StandardCharsets;

/** Offsets and sizes of the release blob (see docs/release-format.md). */
public final class ReleaseLayout {
    public static final byte[] MAGIC = "IotaWatt".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] FILE_TAG = "FILE".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION_LENGTH = 8;
    public static final int HEADER_LENGTH = 16;
    public static final int ENTRY_HEADER_LENGTH = 32;
    public static final int NAME_FIELD_LENGTH = 24;
    public static final int MAX_NAME_LENGTH = NAME_FIELD_LENGTH - 1;
    public static final int SIGNATURE_LENGTH = 64;
    /** The device reads entry data in chunks of this size, padding only the last one. */
    public static final int DEVICE_CHUNK = 512;
    public static final String FIRMWARE_NAME = "iotawatt.bin";
    /** The device never overwrites an existing file of this name. */
    public static final String CONFIG_NAME = "config.txt";

    private ReleaseLayout() {
    }

    /** The bytes an entry's data occupies: its length rounded up to a multiple of 8. */
    public static long padded(long length) {
        return (length + 7) & ~7L;
    }

    public static boolean isFirmwareName(String name) {
        return FIRMWARE_NAME.equalsIgnoreCase(name);
    }
}
